package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/infractl/infractl/internal/statestore"
)

// StatusClientClosedRequest is recorded (never sent: nobody is listening)
// when the client went away before its answer, so metrics and logs tell
// abandoned requests from server errors. The number is nginx's.
const StatusClientClosedRequest = 499

// errTooLarge is matched by a request body over the configured limit.
var errTooLarge = errors.New("request body too large")

// tooLargeError is a body over the limit, with the limit for the message.
type tooLargeError struct{ limit int64 }

// Error names the limit so the user knows what the server accepts.
func (e *tooLargeError) Error() string {
	return fmt.Sprintf("request body is larger than the server's limit of %d bytes (server option MaxBodyBytes)", e.limit)
}

// Is makes a tooLargeError match errTooLarge.
func (e *tooLargeError) Is(target error) bool { return target == errTooLarge }

// badRequest returns an error of the domain's ErrInvalid kind for a
// malformed request the adapter itself detects (a bad header or query
// parameter), so it goes through the same table row as the Service's.
func badRequest(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// invalidError is a malformed request described in its own words.
type invalidError struct{ msg string }

// Error returns the description.
func (e *invalidError) Error() string { return e.msg }

// Is makes an invalidError match statestore.ErrInvalid.
func (e *invalidError) Is(target error) bool { return target == statestore.ErrInvalid }

// errNotLocked is the 404 of GET /v1/states/NAME/lock on an unlocked state.
func errNotLocked(name string) error {
	return fmt.Errorf("state %s is not locked: %w", name, statestore.ErrNotFound)
}

// statusOf is the one translation from errors to HTTP statuses, for every
// handler (the table in statestore's package doc, plus the adapter's own
// 413). It returns the status, the message users see, and the lock holder
// when the answer must carry it (409/423 because of a held lock).
//
// Anything not listed is a 500 whose message is generic: the cause may name
// paths, SQL or other internals, so it is logged with the request ID and
// the user is told that ID.
func statusOf(err error) (status int, msg string, holder *statestore.Lock) {
	var locked *statestore.LockedError
	switch {
	case errors.As(err, &locked):
		status = http.StatusLocked
		if locked.WrongID != "" {
			status = http.StatusConflict
		}
		return status, err.Error(), &locked.Holder
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, err.Error(), nil
	case errors.Is(err, statestore.ErrInvalid):
		return http.StatusBadRequest, err.Error(), nil
	case errors.Is(err, statestore.ErrLockRequired):
		return http.StatusLocked, err.Error(), nil
	case isConflict(err):
		return http.StatusConflict, err.Error(), nil
	case errors.Is(err, statestore.ErrNotFound):
		return http.StatusNotFound, err.Error(), nil
	case errors.Is(err, statestore.ErrUnavailable):
		return http.StatusServiceUnavailable, "the state store is unavailable; retry later", nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return StatusClientClosedRequest, "request canceled", nil
	default:
		return http.StatusInternalServerError, "internal server error", nil
	}
}

// isConflict reports a lineage or serial refusal.
func isConflict(err error) bool {
	var c *statestore.ConflictError
	return errors.As(err, &c)
}
