package statestore

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/infractl/infractl/internal/tfstate"
)

// Page sizes of Versions: the default when the caller gives none, and the
// most one call returns.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// VersionPage is one page of a state's history, newest first.
type VersionPage struct {
	Versions []VersionMeta `json:"items"`
	// Next is the cursor (the before argument) of the following page, 0
	// when this is the last one.
	Next int64 `json:"next,omitempty"`
}

// Versions lists a state's versions newest first, every generation
// included, limit at a time (0 means DefaultPageSize, at most
// MaxPageSize), starting below the version ID before (0 for the newest).
// ErrNotFound when the state does not exist.
func (s *Service) Versions(ctx context.Context, name string, before int64, limit int) (VersionPage, error) {
	if err := ValidateName(name); err != nil {
		return VersionPage{}, err
	}
	if before < 0 {
		return VersionPage{}, invalidf("versions: cursor %d is negative", before)
	}
	switch {
	case limit <= 0:
		limit = DefaultPageSize
	case limit > MaxPageSize:
		limit = MaxPageSize
	}
	vs, err := s.store.Versions(ctx, name, before, limit+1)
	if err != nil {
		return VersionPage{}, err
	}
	page := VersionPage{Versions: vs}
	if len(vs) > limit {
		page.Versions = vs[:limit]
		page.Next = vs[limit-1].ID
	}
	return page, nil
}

// Version returns the body and meta of the state's newest version with the
// given serial (the current generation's, when it has one), or ErrNotFound.
func (s *Service) Version(ctx context.Context, name string, serial uint64) ([]byte, VersionMeta, error) {
	if err := ValidateName(name); err != nil {
		return nil, VersionMeta{}, err
	}
	meta, blob, err := s.store.Version(ctx, name, serial)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	body, err := s.codec.Decode(blob)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	return body, meta, nil
}

// Rollback restores the version with the given serial as a new version, in
// one transaction: the service takes the state's lock for it (so a held
// lock refuses the rollback with *LockedError), copies that version's body
// with its serial set to current + 1 and the same lineage
// (tfstate.BumpSerial) so Terraform accepts it as newer, records
// RolledBackFrom, who and remoteAddr, and releases the lock. Taking and
// releasing the lock inside the one transaction that writes leaves no lock
// row, and it does not make the state "ever locked". A version of another
// lineage is a *ConflictError; a missing one, or a state without a current
// version, ErrNotFound.
func (s *Service) Rollback(ctx context.Context, name string, serial uint64, who, remoteAddr string) (VersionMeta, error) {
	if err := ValidateName(name); err != nil {
		return VersionMeta{}, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return VersionMeta{}, err
	}
	defer release()
	lockID := s.newLockID()
	var out VersionMeta
	err = s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil {
			return err
		}
		if rec.Lock != nil { // before reading the target: the lock answers first
			return &LockedError{Name: name, Holder: *rec.Lock}
		}
		target, blob, err := tx.Version(serial)
		if err != nil {
			return err
		}
		newSerial, err := decideRollback(rec, target)
		if err != nil {
			return err
		}
		old, err := s.codec.Decode(blob)
		if err != nil {
			return err
		}
		body, err := tfstate.BumpSerial(old, newSerial, rec.Current.Lineage)
		if err != nil {
			return &InvalidStateError{Name: name, Err: fmt.Errorf("version with serial %d cannot be restored: %w", serial, err)}
		}
		meta, err := tfstate.Inspect(body)
		if err != nil {
			return &InvalidStateError{Name: name, Err: err}
		}
		enc, err := s.codec.Encode(body)
		if err != nil {
			return err
		}
		sumSHA, sumMD5 := sha256.Sum256(body), md5.Sum(body)
		from := target.Serial
		out, err = tx.InsertVersion(VersionMeta{
			Generation:       rec.nextGeneration(),
			Serial:           meta.Serial,
			Lineage:          meta.Lineage,
			SHA256:           hex.EncodeToString(sumSHA[:]),
			MD5:              sumMD5[:],
			Size:             int64(len(body)),
			Resources:        meta.Resources,
			DataResources:    meta.DataResources,
			Outputs:          meta.Outputs,
			TerraformVersion: meta.TerraformVersion,
			LockID:           lockID,
			Who:              who,
			RemoteAddr:       remoteAddr,
			CreatedAt:        s.clock(),
			RolledBackFrom:   &from,
		}, enc)
		return err
	})
	if err != nil {
		return VersionMeta{}, err
	}
	return out, nil
}

// Diff compares two versions of a state by serial (from older to newer, as
// given) at the level of resource instances and outputs, with every value
// redacted (tfstate.Diff), for GET /v1/states/NAME/diff and
// `infractl state diff`.
func (s *Service) Diff(ctx context.Context, name string, from, to uint64) (*tfstate.StateDiff, error) {
	release, err := s.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	a, err := s.parsedVersion(ctx, name, from)
	if err != nil {
		return nil, err
	}
	b, err := s.parsedVersion(ctx, name, to)
	if err != nil {
		return nil, err
	}
	return tfstate.Diff(a, b, tfstate.DiffOptions{}), nil
}

func (s *Service) parsedVersion(ctx context.Context, name string, serial uint64) (*tfstate.State, error) {
	body, _, err := s.Version(ctx, name, serial)
	if err != nil {
		return nil, err
	}
	st, err := tfstate.Parse(body)
	if err != nil {
		return nil, &InvalidStateError{Name: name, Err: fmt.Errorf("version with serial %d: %w", serial, err)}
	}
	return st, nil
}
