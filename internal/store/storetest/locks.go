package storetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

func testLocks(t *testing.T, newStore NewStore) {
	t.Run("LockThenUnlock", func(t *testing.T) {
		e := newEnv(t, newStore)
		l := e.lock("dev", "id-a")
		want := statestore.Lock{Info: lockInfo("id-a"), RemoteAddr: "127.0.0.1:50000"}
		want.AcquiredAt = l.AcquiredAt
		checkLock(t, "Lock result", &l, &want)
		if l.AcquiredAt.IsZero() || l.AcquiredAt.Location() != time.UTC || l.AcquiredAt.Nanosecond()%1000 != 0 {
			t.Errorf("AcquiredAt = %v, want a UTC time at microsecond precision", l.AcquiredAt)
		}

		rec, err := e.svc.State(e.ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		checkLock(t, "State().Lock", rec.Lock, &want)
		if !rec.EverLocked || rec.Current != nil || rec.Generation != 0 {
			t.Errorf("record = %+v, want ever locked, no current version, generation 0", rec)
		}
		locks, err := e.svc.Locks(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(locks) != 1 || locks[0].Name != "dev" {
			t.Fatalf("Locks() = %+v, want dev only", locks)
		}
		checkLock(t, "Locks()[0].Lock", locks[0].Lock, &want)

		removed, err := e.svc.Unlock(e.ctx, "dev", "id-a")
		if err != nil {
			t.Fatal(err)
		}
		checkLock(t, "Unlock result", removed, &want)
		if locks, _ := e.svc.Locks(e.ctx); len(locks) != 0 {
			t.Errorf("Locks() after unlock = %+v, want none", locks)
		}
		rec, _ = e.svc.State(e.ctx, "dev")
		if rec.Lock != nil || !rec.EverLocked {
			t.Errorf("after unlock: lock %+v, ever locked %v; want no lock, ever locked", rec.Lock, rec.EverLocked)
		}
	})

	t.Run("HeldLockRefused", func(t *testing.T) {
		e := newEnv(t, newStore)
		held := e.lock("dev", "id-a")
		_, err := e.svc.Lock(e.ctx, "dev", lockInfo("id-b"), "10.0.0.9:1")
		var le *statestore.LockedError
		if !errors.As(err, &le) {
			t.Fatalf("second Lock err = %v, want *LockedError", err)
		}
		checkLock(t, "LockedError.Holder", &le.Holder, &held)
		if le.WrongID != "" || le.Name != "dev" {
			t.Errorf("LockedError = %+v, want Name dev and no WrongID (a LOCK meeting a held lock is 423)", le)
		}
		rec, _ := e.svc.State(e.ctx, "dev")
		checkLock(t, "lock after refusal", rec.Lock, &held)
	})

	t.Run("RelockWithSameIDSucceeds", func(t *testing.T) {
		e := newEnv(t, newStore)
		first := e.lock("dev", "id-a")
		again, err := e.svc.Lock(e.ctx, "dev", lockInfo("id-a"), "127.0.0.1:50000")
		if err != nil {
			t.Fatalf("re-lock with the holder's ID: %v", err)
		}
		checkLock(t, "re-lock result", &again, &first)
	})

	t.Run("UnlockWithWrongID", func(t *testing.T) {
		e := newEnv(t, newStore)
		held := e.lock("dev", "id-a")
		removed, err := e.svc.Unlock(e.ctx, "dev", "id-b")
		var le *statestore.LockedError
		if !errors.As(err, &le) || removed != nil {
			t.Fatalf("Unlock(id-b) = %v, %v; want *LockedError", removed, err)
		}
		if le.WrongID != "id-b" {
			t.Errorf("WrongID = %q, want id-b (an UNLOCK naming another lock is 409)", le.WrongID)
		}
		checkLock(t, "LockedError.Holder", &le.Holder, &held)
		rec, _ := e.svc.State(e.ctx, "dev")
		checkLock(t, "lock after refused unlock", rec.Lock, &held)
	})

	t.Run("UnlockWhenNotLocked", func(t *testing.T) {
		e := newEnv(t, newStore)
		e.lock("dev", "id-a")
		e.unlock("dev", "id-a")
		removed, err := e.svc.Unlock(e.ctx, "dev", "id-a")
		if err != nil || removed != nil {
			t.Errorf("second Unlock = %v, %v; want nil, nil (already unlocked is success)", removed, err)
		}
		removed, err = e.svc.Unlock(e.ctx, "never-seen", "id-a")
		if err != nil || removed != nil {
			t.Errorf("Unlock of an unknown state = %v, %v; want nil, nil", removed, err)
		}
		if _, err := e.svc.State(e.ctx, "never-seen"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("State(never-seen) after Unlock: err = %v, want ErrNotFound (no row for a no-op)", err)
		}
		if _, err := e.svc.Unlock(e.ctx, "dev", ""); !errors.Is(err, statestore.ErrInvalid) {
			t.Errorf("Unlock with an empty ID: err = %v, want ErrInvalid", err)
		}
	})

	t.Run("ForceUnlock", func(t *testing.T) {
		e := newEnv(t, newStore)
		held := e.lock("dev", "id-a")
		removed, err := e.svc.ForceUnlock(e.ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		checkLock(t, "ForceUnlock result", removed, &held)
		if rec, _ := e.svc.State(e.ctx, "dev"); rec.Lock != nil {
			t.Errorf("lock after force-unlock = %+v", rec.Lock)
		}
		removed, err = e.svc.ForceUnlock(e.ctx, "dev")
		if err != nil || removed != nil {
			t.Errorf("ForceUnlock of an unlocked state = %v, %v; want nil, nil", removed, err)
		}
		e.lock("dev", "id-b") // the state can be locked again
	})

	t.Run("LockInfoRoundTrip", func(t *testing.T) {
		e := newEnv(t, newStore)
		info := statestore.LockInfo{
			ID:        "3ca4a2d3-5e41-5af7-9114-ac69ae7162a5",
			Operation: "OperationTypePlan",
			Info:      "ci run #42: \"quoted\"\nsecond line, ünïcödé ✓",
			Who:       "deploy@runner-7",
			Version:   "1.11.4",
			Created:   time.Date(2026, 11, 25, 22, 29, 7, 516287585, time.FixedZone("", 5*3600+30*60)),
			Path:      "ml-platform/prod",
		}
		l, err := e.svc.Lock(e.ctx, "ml-platform/prod", info, "[::1]:51234")
		if err != nil {
			t.Fatal(err)
		}
		want := statestore.Lock{Info: info, RemoteAddr: "[::1]:51234", AcquiredAt: l.AcquiredAt}
		rec, err := e.svc.State(e.ctx, "ml-platform/prod")
		if err != nil {
			t.Fatal(err)
		}
		checkLock(t, "State().Lock", rec.Lock, &want)
		locks, _ := e.svc.Locks(e.ctx)
		if len(locks) != 1 {
			t.Fatalf("Locks() = %+v", locks)
		}
		checkLock(t, "Locks()[0].Lock", locks[0].Lock, &want)
		_, err = e.svc.Lock(e.ctx, "ml-platform/prod", lockInfo("other"), "")
		var le *statestore.LockedError
		if !errors.As(err, &le) {
			t.Fatalf("err = %v, want *LockedError", err)
		}
		checkLock(t, "LockedError.Holder", &le.Holder, &want)
		// The holder's info goes back to Terraform as JSON: byte for byte
		// what it sent, offset and nanoseconds included.
		gotJSON, _ := json.Marshal(le.Holder.Info)
		wantJSON, _ := json.Marshal(info)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("holder JSON\n got %s\nwant %s", gotJSON, wantJSON)
		}
	})

	t.Run("LockInfoNeedsID", func(t *testing.T) {
		e := newEnv(t, newStore)
		if _, err := e.svc.Lock(e.ctx, "dev", lockInfo(""), ""); !errors.Is(err, statestore.ErrInvalid) {
			t.Errorf("Lock without ID: err = %v, want ErrInvalid", err)
		}
		if _, err := e.svc.State(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("State after refused Lock: err = %v, want ErrNotFound", err)
		}
	})
}

// checkLock compares two locks field by field: LockInfo through its JSON
// form (what Terraform sees), times with Equal.
func checkLock(t *testing.T, what string, got, want *statestore.Lock) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Errorf("%s = %+v, want %+v", what, got, want)
		}
		return
	}
	gj, _ := json.Marshal(got.Info)
	wj, _ := json.Marshal(want.Info)
	if string(gj) != string(wj) {
		t.Errorf("%s info\n got %s\nwant %s", what, gj, wj)
	}
	if !got.Info.Created.Equal(want.Info.Created) {
		t.Errorf("%s Created = %v, want %v", what, got.Info.Created, want.Info.Created)
	}
	if got.RemoteAddr != want.RemoteAddr {
		t.Errorf("%s RemoteAddr = %q, want %q", what, got.RemoteAddr, want.RemoteAddr)
	}
	if !got.AcquiredAt.Equal(want.AcquiredAt) {
		t.Errorf("%s AcquiredAt = %v, want %v", what, got.AcquiredAt, want.AcquiredAt)
	}
}
