// Package remotestate is what infractl's state commands (history, diff,
// rollback, locks, unlock) need from wherever an environment keeps its
// state: an infractl state server (http backend) or an S3 bucket with
// DynamoDB or lockfile locking. Each backend kind implements Backend; the
// CLI picks one from the environment's backend block.
package remotestate

import (
	"context"
	"errors"
	"time"
)

// Version is one stored version of a state. JSON names are part of the
// CLI's `-o json` contract.
type Version struct {
	// ID addresses the version: the serial on an infractl server, the
	// object version ID on S3.
	ID               string    `json:"version_id"`
	Serial           uint64    `json:"serial"`
	Lineage          string    `json:"lineage"`
	Size             int64     `json:"size"`
	Resources        int       `json:"resources"`
	TerraformVersion string    `json:"terraform_version"`
	CreatedAt        time.Time `json:"created_at"`
	// Current marks the version Terraform reads now.
	Current bool `json:"current"`
	// Who and LockID say who wrote it, where the backend knows.
	Who    string `json:"who,omitempty"`
	LockID string `json:"lock_id,omitempty"`
}

// Lock is a held state lock as the backend stores it: Terraform's lock
// info plus where it was found.
type Lock struct {
	ID        string    `json:"id"`
	Operation string    `json:"operation"`
	Who       string    `json:"who"`
	Version   string    `json:"version"`
	Created   time.Time `json:"created"`
	Path      string    `json:"path"`
	Info      string    `json:"info"`
	// Source is where the lock was read: "server", "s3-lockfile" or
	// "dynamodb".
	Source string `json:"source"`
	// Problem describes an inconsistency (a lockfile without its DynamoDB
	// item, or the reverse); empty when the lock is consistent.
	Problem string `json:"problem,omitempty"`
}

// Age is how long the lock has been held at now.
func (l Lock) Age(now time.Time) time.Duration { return now.Sub(l.Created) }

// RollbackOptions tune a rollback.
type RollbackOptions struct {
	// Force accepts a version whose lineage differs from the current one.
	Force bool
	// Who is recorded as the operator of the rollback.
	Who string
	// Backup, when set, receives the current state body after every
	// check passed (lock held, version found, lineage accepted) and before
	// anything is written; an error aborts the rollback. Backends that
	// cannot hold the lock across the call invoke it just before the write
	// request instead.
	Backup func(current []byte) error
}

// ErrNotSupported is returned by backends that cannot do an operation.
var ErrNotSupported = errors.New("not supported by this backend")

// Backend is one environment's remote state. Bodies returned by Body hold
// secrets: callers never log or print them.
type Backend interface {
	// String names the state for messages: "http://host/v1/states/ml/prod",
	// "s3://bucket/key".
	String() string
	// Versions lists the state's versions, newest first.
	Versions(ctx context.Context) ([]Version, error)
	// Body returns the state body of one version, or of the current
	// state when id is "" (nil with no error when there is none).
	Body(ctx context.Context, id string) ([]byte, error)
	// Locks returns the locks held on the state now (S3 may report both a
	// lockfile and a DynamoDB item); none when unlocked.
	Locks(ctx context.Context) ([]Lock, error)
	// Unlock removes the held lock whose ID is id and returns what was
	// removed; a different ID is refused with the holder named.
	Unlock(ctx context.Context, id string) ([]Lock, error)
	// Rollback makes an old version current again as a new version with
	// serial = current + 1 and the same lineage, taking the state lock
	// while it writes; it refuses another lineage unless opts.Force.
	Rollback(ctx context.Context, id string, opts RollbackOptions) (Version, error)
}

// UnreadableUnlocker is implemented by backends that can hold a lock whose
// info cannot be parsed (S3: a garbage .tflock object or DynamoDB item),
// which no lock ID can name. It removes only such locks and returns them.
type UnreadableUnlocker interface {
	RemoveUnreadableLocks(ctx context.Context) ([]Lock, error)
}
