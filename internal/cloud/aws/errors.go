package aws

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/infractl/infractl/internal/remotestate"
)

// Errors the CLI tells apart with errors.Is.
var (
	// ErrNotLocked means an unlock found no lock to remove.
	ErrNotLocked = errors.New("the state is not locked")
	// ErrLockChanged means a lock was replaced or removed between reading
	// it and the conditional delete, so nothing was removed: look again.
	ErrLockChanged = errors.New("the lock changed while it was being removed; nothing was removed, look at the locks again")
	// ErrVersionNotFound means a version ID names no version of the state
	// (or names a delete marker).
	ErrVersionNotFound = errors.New("no such state version")
	// ErrAlreadyCurrent means a rollback target is already the current
	// version.
	ErrAlreadyCurrent = errors.New("the version is already the current state")
	// ErrStateChanged means the state object was rewritten during a
	// rollback by a writer that ignores locks; the rollback wrote nothing.
	ErrStateChanged = errors.New("the state changed during the rollback (a writer that does not lock?); nothing was written")
)

// LockMismatchError refuses an unlock whose ID is not the held lock's,
// naming the holder so the user can check before trying again.
type LockMismatchError struct {
	// ID is the lock ID that was asked for.
	ID string
	// Held are the locks that are held instead.
	Held []remotestate.Lock
}

// Error names the asked-for ID and every held lock with its holder.
func (e *LockMismatchError) Error() string {
	var held []string
	for _, l := range e.Held {
		held = append(held, describeLock(l))
	}
	return fmt.Sprintf("lock ID %q does not match the held lock %s", e.ID, strings.Join(held, " and "))
}

// describeLock names a lock and its holder for messages; an unreadable
// lock says so rather than inventing an ID or a time.
func describeLock(l remotestate.Lock) string {
	if l.ID == "" {
		return fmt.Sprintf("without ID (%s, unreadable: holder and age unknown)", l.Source)
	}
	since := "an unknown time"
	if !l.Created.IsZero() {
		since = l.Created.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return fmt.Sprintf("%q (%s, %s by %s since %s)", l.ID, l.Source, l.Operation, l.Who, since)
}

// LockHeldError is a lock that could not be taken because another holder
// has it, as Terraform's "Error acquiring the state lock".
type LockHeldError struct {
	// Held is the holder as read after the failed attempt; it may be
	// empty when the holder released it in between.
	Held []remotestate.Lock
	// Err is the conditional write's failure.
	Err error
}

// Error names the holder, as Terraform's "Error acquiring the state lock".
func (e *LockHeldError) Error() string {
	if len(e.Held) == 0 {
		return fmt.Sprintf("acquiring the state lock: %v", e.Err)
	}
	return "the state is locked: lock " + describeLock(e.Held[0])
}

// Unwrap returns the write failure.
func (e *LockHeldError) Unwrap() error { return e.Err }

// apiCode is the AWS error code of err, "" when it has none.
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// isCode reports whether err carries one of the AWS error codes.
func isCode(err error, codes ...string) bool {
	c := apiCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// httpStatus is the HTTP status of an AWS error, 0 when there is none.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
