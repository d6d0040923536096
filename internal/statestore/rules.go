package statestore

import (
	"errors"
	"fmt"
	"time"

	"github.com/infractl/infractl/internal/tfstate"
)

// The rules of the state server, as pure functions of a StateRecord read
// inside the transaction that applies their outcome. None of them touches
// a store, so rules_test.go covers every branch without a database.

// decideLock decides a LOCK. An unlocked state is locked with info. A state
// locked with the same ID answers with the existing lock unchanged (again
// is true): Terraform never re-locks with its own ID, but its HTTP client
// retries a LOCK whose response was lost, and that retry must not be told
// the state is locked by itself. Any other held lock is a *LockedError.
func decideLock(rec *StateRecord, info LockInfo, remoteAddr string, now time.Time) (l Lock, again bool, err error) {
	if rec.Lock != nil {
		if rec.Lock.Info.ID == info.ID {
			return *rec.Lock, true, nil
		}
		return Lock{}, false, &LockedError{Name: rec.Name, Holder: *rec.Lock}
	}
	return Lock{Info: info, RemoteAddr: remoteAddr, AcquiredAt: now}, false, nil
}

// decideUnlock decides an UNLOCK naming a lock ID, and reports whether there
// is a lock to remove. The holder's ID removes it; another ID is a
// *LockedError with WrongID set. Unlocking a state that is not locked
// succeeds with nothing to remove: Terraform treats any non-200 UNLOCK as an
// error, and the usual cause is a retried UNLOCK whose first response was
// lost, or a lock already force-unlocked, where "it is unlocked" is the
// truth the caller wants.
func decideUnlock(rec *StateRecord, id string) (remove bool, err error) {
	switch {
	case rec.Lock == nil:
		return false, nil
	case rec.Lock.Info.ID != id:
		return false, &LockedError{Name: rec.Name, Holder: *rec.Lock, WrongID: id}
	default:
		return true, nil
	}
}

// decideWriteLock decides whether a write with lock ID lockID (the ?ID=
// query parameter, "" when absent) may go ahead as far as locks go:
//
//   - while a lock is held, only its holder may write; anyone else gets a
//     *LockedError (with WrongID when they named another lock);
//   - once a state has ever been locked, a write without a lock ID is
//     refused with ErrLockRequired: the team uses locking, so an unlocked
//     writer is a misconfigured client;
//   - a write naming a lock that is not held (it was force-unlocked, or
//     never taken) is refused with ErrLockRequired: its writer believes it
//     has the state to itself and does not;
//   - a state never locked accepts writes without a lock ID (a backend
//     configured without lock_address).
func decideWriteLock(rec *StateRecord, lockID string) error {
	switch {
	case rec.Lock != nil && rec.Lock.Info.ID == lockID:
		return nil
	case rec.Lock != nil:
		return &LockedError{Name: rec.Name, Holder: *rec.Lock, WrongID: lockID}
	case lockID != "":
		return fmt.Errorf("state %s: lock ID %s is not held (the lock was released or force-unlocked): %w",
			rec.Name, lockID, ErrLockRequired)
	case rec.EverLocked:
		return fmt.Errorf("state %s has been locked before, so writes must hold its lock: %w", rec.Name, ErrLockRequired)
	default:
		return nil
	}
}

// currentMeta is the current version as tfstate sees it; the zero Meta,
// which tfstate treats as empty, when there is none.
func currentMeta(rec *StateRecord) tfstate.Meta {
	c := rec.Current
	if c == nil {
		return tfstate.Meta{}
	}
	return tfstate.Meta{
		Version:          4,
		TerraformVersion: c.TerraformVersion,
		Serial:           c.Serial,
		Lineage:          c.Lineage,
		Resources:        c.Resources,
		DataResources:    c.DataResources,
		Outputs:          c.Outputs,
		Size:             c.Size,
	}
}

// needsContentCheck reports whether decideHistory needs to know if the
// incoming body has the same content as the current one: only for an equal
// serial and lineage over a non-empty state with a different digest. The
// caller then compares the bodies with tfstate.SameContent, which ignores
// formatting and the order Terraform writes some lists in at random.
func needsContentCheck(rec *StateRecord, in incoming) bool {
	c := rec.Current
	return c != nil && !c.IsEmpty() && c.SHA256 != in.sha256 &&
		c.Serial == in.meta.Serial && c.Lineage == in.meta.Lineage
}

// decideHistory applies Terraform's lineage and serial rules
// (tfstate.CheckPush) to a write. noop is true when the incoming body is
// the current state again (same digest, or the same serial with the same
// content): the write succeeds without a new version, so a retried POST is
// harmless. A state with no current version or an empty one (no resources,
// no outputs) accepts anything. Refusals are *ConflictError.
func decideHistory(rec *StateRecord, in incoming, sameContent bool) (noop bool, err error) {
	c := rec.Current
	if c != nil && c.SHA256 == in.sha256 {
		return true, nil
	}
	if err := tfstate.CheckPush(currentMeta(rec), in.meta, sameContent, false); err != nil {
		var pe *tfstate.PushError
		if !errors.As(err, &pe) {
			return false, err
		}
		return false, &ConflictError{
			Name:     rec.Name,
			Current:  StateID{Serial: c.Serial, Lineage: c.Lineage},
			Incoming: StateID{Serial: in.meta.Serial, Lineage: in.meta.Lineage},
			Err:      pe,
		}
	}
	// An equal serial that passed CheckPush over a non-empty state has the
	// same content: keep the existing version.
	return c != nil && !c.IsEmpty() && c.Serial == in.meta.Serial && c.Lineage == in.meta.Lineage, nil
}

// decideDelete allows a delete only of an unlocked state that has a
// current version.
func decideDelete(rec *StateRecord) error {
	if rec.Lock != nil {
		return &LockedError{Name: rec.Name, Holder: *rec.Lock}
	}
	if rec.Current == nil {
		return fmt.Errorf("state %s has no current version to delete: %w", rec.Name, ErrNotFound)
	}
	return nil
}

// decideRollback decides a rollback to target, and returns the serial the
// restored copy gets: current + 1, so Terraform sees it as newer. The
// service takes the state's lock for the rollback, so a held lock refuses
// it (*LockedError); a state without a current version has nothing to roll
// back (restore a deleted state by writing the old version's body, which an
// empty state accepts); a target from another lineage is a *ConflictError,
// because Terraform clients holding the current lineage would refuse it.
func decideRollback(rec *StateRecord, target VersionMeta) (serial uint64, err error) {
	if rec.Lock != nil {
		return 0, &LockedError{Name: rec.Name, Holder: *rec.Lock}
	}
	c := rec.Current
	if c == nil {
		return 0, fmt.Errorf("state %s has no current version to roll back: %w", rec.Name, ErrNotFound)
	}
	if target.Lineage != c.Lineage {
		return 0, &ConflictError{
			Name:     rec.Name,
			Current:  StateID{Serial: c.Serial, Lineage: c.Lineage},
			Incoming: StateID{Serial: target.Serial, Lineage: target.Lineage},
			Rollback: true,
			Err: &tfstate.PushError{Kind: tfstate.ErrLineageMismatch, Current: currentMeta(rec),
				Incoming: tfstate.Meta{Serial: target.Serial, Lineage: target.Lineage}},
		}
	}
	if c.Serial == ^uint64(0) {
		return 0, fmt.Errorf("state %s: serial %d cannot be incremented: %w", rec.Name, c.Serial, ErrInvalid)
	}
	return c.Serial + 1, nil
}
