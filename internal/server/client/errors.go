package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/infractl/infractl/internal/server/api"
	"github.com/infractl/infractl/internal/statestore"
)

// Error is a non-success answer from the server. It unwraps to the
// statestore error kind the status stands for (ErrInvalid, ErrNotFound,
// ErrLockRequired, ErrUnavailable, or a *statestore.LockedError carrying
// the holder), so callers use errors.Is and errors.As exactly as they would
// against the Service itself.
type Error struct {
	// Method and URL are the request, for messages.
	Method string
	URL    string
	// Status is the HTTP status code.
	Status int
	// Message is the server's message (api.Error), or the body's first
	// line when the answer was not JSON.
	Message string
	// RequestID finds the request in the server's log.
	RequestID string
	// Holder is the lock holder of a 409/423 caused by a held lock.
	Holder *statestore.LockInfo
	// Err is the domain error the status stands for; nil for statuses
	// with no domain meaning.
	Err error
}

// Error reads like the server's own message, with the status for context.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, msg)
	if e.RequestID != "" && e.Status >= 500 {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// Unwrap returns the domain error kind.
func (e *Error) Unwrap() error { return e.Err }

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// responseError builds the *Error for a non-success response; name is the
// state the request addressed (for a LockedError). It reads and closes the
// body.
func responseError(resp *http.Response, name string) error {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{
		Method:    resp.Request.Method,
		URL:       resp.Request.URL.Redacted(),
		Status:    resp.StatusCode,
		RequestID: resp.Header.Get("X-Request-Id"),
	}
	var body api.Error
	var holder statestore.LockInfo
	switch {
	case json.Unmarshal(b, &body) == nil && body.Message != "":
		e.Message = body.Message
		if body.RequestID != "" {
			e.RequestID = body.RequestID
		}
		if l := body.Lock; l != nil {
			holder = statestore.LockInfo{ID: l.ID, Operation: l.Operation, Info: l.Info, Who: l.Who,
				Version: l.Version, Created: l.Created, Path: l.Path}
			e.Holder = &holder
		}
	case (resp.StatusCode == http.StatusLocked || resp.StatusCode == http.StatusConflict) &&
		json.Unmarshal(b, &holder) == nil && holder.ID != "":
		// The Terraform protocol answers a held lock with the holder's
		// LockInfo as the whole body.
		e.Holder = &holder
	default:
		e.Message, _, _ = strings.Cut(strings.TrimSpace(string(b)), "\n")
	}
	e.Err = kindOf(e, name)
	if e.Message == "" && e.Err != nil {
		e.Message = e.Err.Error()
	}
	return e
}

// kindOf maps a status to the statestore error kind it stands for.
func kindOf(e *Error, name string) error {
	if e.Holder != nil {
		return &statestore.LockedError{Name: name, Holder: statestore.Lock{Info: *e.Holder}}
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return statestore.ErrInvalid
	case http.StatusNotFound:
		return statestore.ErrNotFound
	case http.StatusLocked:
		return statestore.ErrLockRequired
	case http.StatusServiceUnavailable:
		return statestore.ErrUnavailable
	}
	return nil
}
