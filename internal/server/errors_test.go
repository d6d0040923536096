package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

func TestStatusOf(t *testing.T) {
	holder := statestore.Lock{Info: statestore.LockInfo{ID: "holder-1", Who: "alice@laptop", Operation: "OperationTypeApply"}}
	conflict := &statestore.ConflictError{
		Name:     "dev",
		Current:  statestore.StateID{Serial: 5, Lineage: "a"},
		Incoming: statestore.StateID{Serial: 3, Lineage: "a"},
		Err:      &tfstate.PushError{Kind: tfstate.ErrStaleSerial},
	}
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantHolder bool
		wantMsg    string // "" means the error's own message
	}{
		{"held lock met", &statestore.LockedError{Name: "dev", Holder: holder}, http.StatusLocked, true, ""},
		{"held lock, wrapped", fmt.Errorf("ctx: %w", &statestore.LockedError{Name: "dev", Holder: holder}), http.StatusLocked, true, ""},
		{"wrong lock ID", &statestore.LockedError{Name: "dev", Holder: holder, WrongID: "other"}, http.StatusConflict, true, ""},
		{"lock required", fmt.Errorf("state dev has been locked before: %w", statestore.ErrLockRequired), http.StatusLocked, false, ""},
		{"bad name", statestore.ValidateName("Prod"), http.StatusBadRequest, false, ""},
		{"invalid state", &statestore.InvalidStateError{Name: "dev", Err: errors.New("invalid state: serial: missing")}, http.StatusBadRequest, false, ""},
		{"adapter's bad request", badRequest("Content-MD5 header %q is bad", "x"), http.StatusBadRequest, false, ""},
		{"lineage or serial", conflict, http.StatusConflict, false, ""},
		{"not found", fmt.Errorf("state dev: %w", statestore.ErrNotFound), http.StatusNotFound, false, ""},
		{"too large", &tooLargeError{limit: 10}, http.StatusRequestEntityTooLarge, false, ""},
		{"unavailable", fmt.Errorf("SQLITE_BUSY: %w", statestore.ErrUnavailable), http.StatusServiceUnavailable, false, "the state store is unavailable; retry later"},
		{"client left", fmt.Errorf("waiting: %w", context.Canceled), StatusClientClosedRequest, false, "request canceled"},
		{"deadline", context.DeadlineExceeded, StatusClientClosedRequest, false, "request canceled"},
		{"anything else", errors.New("disk I/O error at /var/lib/x"), http.StatusInternalServerError, false, "internal server error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg, holderGot := statusOf(tt.err)
			if status != tt.wantStatus {
				t.Errorf("status = %d, want %d", status, tt.wantStatus)
			}
			want := tt.wantMsg
			if want == "" {
				want = tt.err.Error()
			}
			if msg != want {
				t.Errorf("message = %q, want %q", msg, want)
			}
			if (holderGot != nil) != tt.wantHolder {
				t.Errorf("holder = %v, want holder: %v", holderGot, tt.wantHolder)
			}
			if holderGot != nil && holderGot.Info.ID != "holder-1" {
				t.Errorf("holder ID = %q, want holder-1", holderGot.Info.ID)
			}
		})
	}
}

func TestSplitStatePath(t *testing.T) {
	tests := []struct {
		path, name, kind, arg string
	}{
		{"dev", "dev", kindState, ""},
		{"ml-platform/prod", "ml-platform/prod", kindState, ""},
		{"ml/prod/lock", "ml/prod", kindLock, ""},
		{"prod/versions", "prod", kindVersions, ""},
		{"ml/prod/versions/12", "ml/prod", kindVersion, "12"},
		{"prod/diff", "prod", kindDiff, ""},
		{"prod/rollback", "prod", kindRollback, ""},
		{"lock", "lock", kindState, ""},             // refused by ValidateName
		{"versions/3", "versions/3", kindState, ""}, // refused by ValidateName
		{"a/versions/x", "a", kindVersion, "x"},     // serial checked by the handler
		{"a/lock/lock", "a/lock", kindLock, ""},     // name refused by ValidateName
		{"a/versions/3/lock", "a/versions/3", kindLock, ""},
	}
	for _, tt := range tests {
		name, kind, arg := splitStatePath(tt.path)
		if name != tt.name || kind != tt.kind || arg != tt.arg {
			t.Errorf("splitStatePath(%q) = %q, %q, %q; want %q, %q, %q", tt.path, name, kind, arg, tt.name, tt.kind, tt.arg)
		}
	}
}

func TestCleanStatePath(t *testing.T) {
	for p, want := range map[string]bool{
		"a": true, "a/b": true, "": false, "a/": false, "/a": false, "a//b": false, "a/./b": false, "a/../b": false, "..": false,
	} {
		if got := cleanStatePath(p); got != want {
			t.Errorf("cleanStatePath(%q) = %v, want %v", p, got, want)
		}
	}
}
