package statestore

import (
	"errors"
	"fmt"
	"strings"
)

// Domain error kinds. Stores and the Service wrap them with context; the
// server maps each kind to one HTTP status (see the package doc).
var (
	// ErrNotFound is wrapped when the state, version or lock asked for
	// does not exist, so the server answers 404 (204 for a state GET,
	// which Terraform reads as "no state yet").
	ErrNotFound = errors.New("not found")
	// ErrUnavailable is wrapped by stores when the database cannot be
	// reached or is busy beyond its timeout, so the server answers 503
	// and Terraform's HTTP client retries.
	ErrUnavailable = errors.New("store unavailable")
	// ErrInvalid is matched by every error about a malformed request (bad
	// name, bad lock info, body that is not a v4 state, Content-MD5
	// mismatch), so the server needs one 400 row for all of them.
	ErrInvalid = errors.New("invalid request")
	// ErrLockRequired is wrapped when a write comes without holding a
	// lock on a state that has been locked before (or names a lock that is
	// no longer held): once a team uses locking, an unlocked write is
	// almost certainly a misconfigured client about to clobber the state.
	ErrLockRequired = errors.New("state lock required")
)

// LockedError reports that the state is locked by someone else; it carries
// the holder so the server can answer with the holder's LockInfo, which is
// what Terraform prints.
type LockedError struct {
	// Name is the state.
	Name string
	// Holder is the lock that is held.
	Holder Lock
	// WrongID is the lock ID the request presented when it named a lock
	// other than the held one (a write with ?ID= or an UNLOCK body); the
	// server answers 409 then, and 423 when WrongID is empty (the request
	// merely met a held lock: LOCK, DELETE, rollback, write without ID).
	WrongID string
}

// Error names the holder so the message alone tells whom to ask.
func (e *LockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "state %s is locked: ID=%s", e.Name, e.Holder.Info.ID)
	if e.Holder.Info.Who != "" {
		fmt.Fprintf(&b, ", held by %s", e.Holder.Info.Who)
	}
	if e.Holder.Info.Operation != "" {
		fmt.Fprintf(&b, " for %s", e.Holder.Info.Operation)
	}
	if !e.Holder.AcquiredAt.IsZero() {
		fmt.Fprintf(&b, " since %s", e.Holder.AcquiredAt.Format("2006-01-02T15:04:05Z07:00"))
	}
	if e.WrongID != "" {
		fmt.Fprintf(&b, "; the request used lock ID %s", e.WrongID)
	}
	return b.String()
}

// StateID is the pair that places a state in history; a ConflictError
// names it for both sides.
type StateID struct {
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
}

// ConflictError reports a write (or rollback) refused by the lineage and
// serial rules. Its message uses Terraform's wording and names the serial
// and lineage of both the current and the incoming state, so the user can
// tell a stale copy from a wrong one; the server answers 409. Err is the
// *tfstate.PushError, so errors.Is tells the rule apart
// (tfstate.ErrLineageMismatch, ErrStaleSerial, ErrSameSerialDiffers).
type ConflictError struct {
	Name     string
	Current  StateID
	Incoming StateID
	// Rollback is set when the refusal came from a rollback, whose
	// incoming side is the version rolled back to.
	Rollback bool
	Err      error
}

// Error explains the refusal, e.g. `state dev: cannot import state with
// serial 3 over newer state with serial 5 (current: serial 5, lineage "a";
// incoming: serial 3, lineage "a")`.
func (e *ConflictError) Error() string {
	what := e.Err.Error()
	if e.Rollback {
		what = fmt.Sprintf("cannot roll back to serial %d: it has lineage %q, unrelated to the current lineage %q",
			e.Incoming.Serial, e.Incoming.Lineage, e.Current.Lineage)
	}
	return fmt.Sprintf("state %s: %s (current: serial %d, lineage %q; incoming: serial %d, lineage %q)",
		e.Name, what, e.Current.Serial, e.Current.Lineage, e.Incoming.Serial, e.Incoming.Lineage)
}

// Unwrap exposes the tfstate rule that refused the write.
func (e *ConflictError) Unwrap() error { return e.Err }

// InvalidStateError reports a body that is not a v4 state; Err is the
// tfstate error (a *tfstate.ParseError or *tfstate.VersionError) so the
// server can show the offending field.
type InvalidStateError struct {
	Name string
	Err  error
}

// Error prefixes the parse error with the state's name.
func (e *InvalidStateError) Error() string {
	return fmt.Sprintf("state %s: %v", e.Name, e.Err)
}

// Unwrap exposes the tfstate error.
func (e *InvalidStateError) Unwrap() error { return e.Err }

// Is makes an InvalidStateError match ErrInvalid.
func (e *InvalidStateError) Is(target error) bool { return target == ErrInvalid }

// invalidf returns an error matching ErrInvalid with a message of its own
// (the message does not repeat "invalid request").
func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// invalidError is a malformed request described in its own words.
type invalidError struct{ msg string }

// Error returns the description.
func (e *invalidError) Error() string { return e.msg }

// Is makes an invalidError match ErrInvalid.
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }
