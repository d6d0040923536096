// Package api holds the JSON shapes of infractl's state server API, shared
// by the server (internal/server) and its Go client (internal/server/client)
// so the two cannot drift apart. Field names are snake_case and are the
// contract documented in docs/api.md.
//
// The Terraform http backend protocol has shapes of its own that are not
// here: state bodies pass through untouched, and LOCK/UNLOCK bodies and the
// holder returned with 409/423 are Terraform's LockInfo
// (statestore.LockInfo, capitalised keys).
package api

import (
	"encoding/hex"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

// List is the envelope of every listing, so clients page and decode all of
// them the same way. Items is never null. Next is the cursor to pass back
// (as ?before=) for the following page, and is omitted on the last page.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// State is one state in GET /v1/states: enough to see at a glance what each
// environment holds and whether someone is working on it.
type State struct {
	Name string `json:"name"`
	// Serial, Lineage, Resources, Size and TerraformVersion describe the
	// current version; they are zero when the state has none.
	Serial           uint64 `json:"serial"`
	Lineage          string `json:"lineage"`
	Resources        int    `json:"resources"`
	Size             int64  `json:"size"`
	TerraformVersion string `json:"terraform_version"`
	// UpdatedAt is when the current version was written, null when the
	// state has no current version (never written, or deleted).
	UpdatedAt *time.Time `json:"updated_at"`
	// DeletedAt is set when the state was deleted (its history is kept).
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	Locked    bool       `json:"locked"`
	// Lock summarises the holder, null when unlocked.
	Lock *LockSummary `json:"lock"`
}

// LockSummary is the part of a held lock a state listing shows: who holds
// it, for what, and since when.
type LockSummary struct {
	ID         string    `json:"id"`
	Operation  string    `json:"operation"`
	Who        string    `json:"who"`
	AcquiredAt time.Time `json:"acquired_at"`
	AgeSeconds int64     `json:"age_seconds"`
}

// Lock is a held lock in GET /v1/locks and GET /v1/states/NAME/lock: the
// holder's Terraform lock info plus what the server saw, so `infractl
// locks` can tell who holds it, from where, and for how long.
type Lock struct {
	// Name is the state the lock is on.
	Name      string    `json:"name"`
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Who       string    `json:"who"`
	Version   string    `json:"version"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path"`
	Info      string    `json:"info"`
	// RemoteAddr is the address the LOCK came from; AcquiredAt is the
	// server's clock then, and AgeSeconds is measured from it (the
	// client's Created may come from a skewed clock).
	RemoteAddr string    `json:"remote_addr"`
	AcquiredAt time.Time `json:"acquired_at"`
	AgeSeconds int64     `json:"age_seconds"`
}

// Version is one immutable version of a state in its history.
type Version struct {
	// Serial addresses the version in the API (versions/SERIAL, diff,
	// rollback): the newest version with that serial when a deleted and
	// rewritten state repeats one.
	Serial uint64 `json:"serial"`
	// Generation increases each time a deleted state is written again.
	Generation int    `json:"generation"`
	Lineage    string `json:"lineage"`
	// SHA256 and MD5 are hex digests of the body.
	SHA256 string `json:"sha256"`
	MD5    string `json:"md5"`
	// Size is the body's length; StoredSize what the store keeps after
	// compression.
	Size             int64  `json:"size"`
	StoredSize       int64  `json:"stored_size"`
	Resources        int    `json:"resources"`
	TerraformVersion string `json:"terraform_version"`
	// LockID and Who name the lock the version was written under (empty
	// for unlocked writes); RemoteAddr is the writer's address.
	LockID     string    `json:"lock_id"`
	Who        string    `json:"who"`
	RemoteAddr string    `json:"remote_addr"`
	CreatedAt  time.Time `json:"created_at"`
	// RolledBackFrom is the serial a rollback copied, null otherwise.
	RolledBackFrom *uint64 `json:"rolled_back_from"`
	// Current marks the version Terraform reads now.
	Current bool `json:"current"`
}

// RollbackRequest is the body of POST /v1/states/NAME/rollback.
type RollbackRequest struct {
	// Serial is the version to restore.
	Serial uint64 `json:"serial"`
	// Who is recorded as the author of the new version; optional.
	Who string `json:"who,omitempty"`
}

// UnlockResult answers a successful UNLOCK, so a client that broke a lock
// can report whose it was. Terraform ignores it.
type UnlockResult struct {
	// Removed is the lock that was released, null when the state was not
	// locked.
	Removed *Lock `json:"removed"`
}

// Health is the body of GET /healthz.
type Health struct {
	// Status is "ok" or "unavailable".
	Status string `json:"status"`
	// Error says why the store is unavailable.
	Error string `json:"error,omitempty"`
}

// Error is the body of every error answer of the JSON API (and of the
// protocol's errors that carry no lock holder), so a client shows the
// server's message instead of a bare status.
type Error struct {
	// Message is meant for people; for 500s it is generic and the details
	// are in the server's log under RequestID.
	Message   string `json:"error"`
	RequestID string `json:"request_id,omitempty"`
	// Lock is the holder when the error is that the state is locked
	// (409/423 of the JSON API).
	Lock *Lock `json:"lock,omitempty"`
}

// FromLock converts a held lock on state name to its API form, with its age
// at now.
func FromLock(name string, l statestore.Lock, now time.Time) Lock {
	return Lock{
		Name:       name,
		ID:         l.Info.ID,
		Operation:  l.Info.Operation,
		Who:        l.Info.Who,
		Version:    l.Info.Version,
		Created:    l.Info.Created,
		Path:       l.Info.Path,
		Info:       l.Info.Info,
		RemoteAddr: l.RemoteAddr,
		AcquiredAt: l.AcquiredAt,
		AgeSeconds: ageSeconds(l.AcquiredAt, now),
	}
}

// FromVersion converts version metadata to its API form; current tells
// whether it is the state's current version.
func FromVersion(v statestore.VersionMeta, current bool) Version {
	return Version{
		Serial:           v.Serial,
		Generation:       v.Generation,
		Lineage:          v.Lineage,
		SHA256:           v.SHA256,
		MD5:              hex.EncodeToString(v.MD5),
		Size:             v.Size,
		StoredSize:       v.StoredSize,
		Resources:        v.Resources,
		TerraformVersion: v.TerraformVersion,
		LockID:           v.LockID,
		Who:              v.Who,
		RemoteAddr:       v.RemoteAddr,
		CreatedAt:        v.CreatedAt,
		RolledBackFrom:   v.RolledBackFrom,
		Current:          current,
	}
}

// FromRecord converts a state record to its listing form, lock ages taken
// at now.
func FromRecord(rec statestore.StateRecord, now time.Time) State {
	s := State{Name: rec.Name, Locked: rec.Lock != nil}
	if c := rec.Current; c != nil {
		at := c.CreatedAt
		s.Serial, s.Lineage, s.Resources, s.Size = c.Serial, c.Lineage, c.Resources, c.Size
		s.TerraformVersion, s.UpdatedAt = c.TerraformVersion, &at
	}
	if !rec.DeletedAt.IsZero() && rec.Current == nil {
		at := rec.DeletedAt
		s.DeletedAt = &at
	}
	if l := rec.Lock; l != nil {
		s.Lock = &LockSummary{
			ID:         l.Info.ID,
			Operation:  l.Info.Operation,
			Who:        l.Info.Who,
			AcquiredAt: l.AcquiredAt,
			AgeSeconds: ageSeconds(l.AcquiredAt, now),
		}
	}
	return s
}

func ageSeconds(since, now time.Time) int64 {
	if since.IsZero() || now.Before(since) {
		return 0
	}
	return int64(now.Sub(since) / time.Second)
}
