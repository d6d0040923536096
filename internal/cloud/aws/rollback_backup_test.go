package aws

import (
	"context"
	"errors"
	"testing"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/tfstate"
)

func TestRollbackBackupHook(t *testing.T) {
	ctx := context.Background()
	cfg := testState(t, "prod/terraform.tfstate", true, true)
	b := openTest(t, cfg)
	foreign := putState(t, b, stateBody(7, lineageB, 1))
	v1 := putState(t, b, stateBody(1, lineageA, 1))
	current := stateBody(2, lineageA, 2)
	v2 := putState(t, b, current)

	var optsCalls, backendCalls int
	var got []byte
	b.Backup = func(remotestate.Version, []byte) error { backendCalls++; return nil }
	opts := remotestate.RollbackOptions{Backup: func(body []byte) error { optsCalls++; got = body; return nil }}

	// Every refusal happens before the hook: a held lock, another
	// lineage, a missing version, the current version.
	h, err := b.Lock(ctx, LockRequest{Operation: "OperationTypeApply", Who: "carol@ci"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Rollback(ctx, v1, opts); !errors.As(err, new(*LockHeldError)) {
		t.Fatalf("held lock: %v", err)
	}
	if err := h.Release(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		name string
		id   string
		want error
	}{
		{"other lineage", foreign, tfstate.ErrLineageMismatch},
		{"missing version", "no-such-version", ErrVersionNotFound},
		{"already current", v2, ErrAlreadyCurrent},
	} {
		if _, err := b.Rollback(ctx, r.id, opts); !errors.Is(err, r.want) {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	// Credentials of a refused account: nothing happens at all.
	other := cfg
	other.AllowedAccountIDs = []string{"999999999999"}
	ob := openTest(t, other)
	ob.Backup = b.Backup
	if _, err := ob.Rollback(ctx, v1, opts); !errors.As(err, new(*AccountError)) {
		t.Fatalf("refused account: %v", err)
	}
	if optsCalls != 0 || backendCalls != 0 {
		t.Fatalf("a refused rollback called a backup hook (opts %d, backend %d)", optsCalls, backendCalls)
	}
	if v, _ := b.Versions(ctx); len(v) != 3 {
		t.Fatalf("a refused rollback wrote: %+v", v)
	}

	// A failing hook stops the rollback before anything is written.
	failing := remotestate.RollbackOptions{Backup: func([]byte) error { return errors.New("disk full") }}
	if _, err := b.Rollback(ctx, v1, failing); err == nil || backendCalls != 0 {
		t.Fatalf("failing hook: %v (backend hook calls %d)", err, backendCalls)
	}
	if v, _ := b.Versions(ctx); len(v) != 3 {
		t.Fatalf("a failed backup still wrote: %+v", v)
	}

	// On success the options' hook wins over the backend's and gets the
	// current body.
	if _, err := b.Rollback(ctx, v1, opts); err != nil {
		t.Fatal(err)
	}
	if optsCalls != 1 || backendCalls != 0 || string(got) != string(current) {
		t.Errorf("hooks: opts %d, backend %d, body %q", optsCalls, backendCalls, got)
	}
	// Without one in the options, the backend's is used.
	if _, err := b.Rollback(ctx, v2, remotestate.RollbackOptions{}); err != nil {
		t.Fatal(err)
	}
	if backendCalls != 1 {
		t.Errorf("backend hook calls = %d, want 1", backendCalls)
	}
}
