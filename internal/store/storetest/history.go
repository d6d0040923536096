package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

func testDelete(t *testing.T, newStore NewStore) {
	t.Run("RefusedWhileLocked", func(t *testing.T) {
		e := newEnv(t, newStore)
		e.write("dev", Spec{Lineage: lineageA, Serial: 1, Resources: 1}.Body(), "")
		held := e.lock("dev", "id-a")
		err := e.svc.Delete(e.ctx, "dev")
		var le *statestore.LockedError
		if !errors.As(err, &le) || le.WrongID != "" {
			t.Fatalf("Delete of a locked state: err = %v, want *LockedError without WrongID", err)
		}
		checkLock(t, "holder", &le.Holder, &held)
		if _, _, err := e.svc.Get(e.ctx, "dev"); err != nil {
			t.Errorf("state gone after a refused delete: %v", err)
		}
	})

	t.Run("KeepsHistoryAndStartsAGeneration", func(t *testing.T) {
		e := newEnv(t, newStore)
		for serial := uint64(1); serial <= 2; serial++ {
			e.lock("dev", "id-a")
			e.write("dev", Spec{Lineage: lineageA, Serial: serial, Resources: 2}.Body(), "id-a")
			e.unlock("dev", "id-a")
		}
		if err := e.svc.Delete(e.ctx, "dev"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Get(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Get after delete: err = %v, want ErrNotFound", err)
		}
		rec, err := e.svc.State(e.ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		if rec.Current != nil || rec.DeletedAt.IsZero() || rec.Generation != 1 || !rec.EverLocked {
			t.Errorf("record after delete = %+v, want no current, deleted_at set, generation 1, ever locked", rec)
		}
		if vs := e.allVersions("dev"); len(vs) != 2 {
			t.Errorf("history after delete has %d versions, want 2", len(vs))
		}
		if err := e.svc.Delete(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("second Delete: err = %v, want ErrNotFound", err)
		}
		if err := e.svc.Delete(e.ctx, "never-seen"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Delete of an unknown state: err = %v, want ErrNotFound", err)
		}

		// The lock requirement survives the delete; any lineage and serial
		// are accepted by the now empty state, in a new generation.
		body := Spec{Lineage: lineageB, Serial: 1, Resources: 1}.Body()
		if _, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: body}); !errors.Is(err, statestore.ErrLockRequired) {
			t.Errorf("unlocked write after delete: err = %v, want ErrLockRequired", err)
		}
		e.lock("dev", "id-b")
		res := e.write("dev", body, "id-b")
		if res.Version.Generation != 2 || res.Version.Lineage != lineageB {
			t.Errorf("first write after delete = %+v, want generation 2, lineage B", res.Version)
		}
		rec, _ = e.svc.State(e.ctx, "dev")
		if !rec.DeletedAt.IsZero() || rec.Generation != 2 {
			t.Errorf("record after new write = %+v, want deleted_at cleared, generation 2", rec)
		}
		vs := e.allVersions("dev")
		var gens []int
		for _, v := range vs {
			gens = append(gens, v.Generation)
		}
		if fmt.Sprint(gens) != "[2 1 1]" {
			t.Errorf("generations newest first = %v, want [2 1 1]", gens)
		}
		// Serial 1 exists in both generations: the newest one answers.
		_, v, err := e.svc.Version(e.ctx, "dev", 1)
		if err != nil || v.Generation != 2 {
			t.Errorf("Version(1) = generation %d, %v; want generation 2", v.Generation, err)
		}
		_, v, err = e.svc.Version(e.ctx, "dev", 2)
		if err != nil || v.Generation != 1 || v.Lineage != lineageA {
			t.Errorf("Version(2) = %+v, %v; want the deleted generation's", v, err)
		}
	})
}

func testVersions(t *testing.T, newStore NewStore) {
	t.Run("PagedNewestFirst", func(t *testing.T) {
		e := newEnv(t, newStore)
		for serial := uint64(1); serial <= 25; serial++ {
			e.write("dev", Spec{Lineage: lineageA, Serial: serial, Resources: 1, Salt: fmt.Sprint(serial)}.Body(), "")
		}
		var serials []uint64
		var before int64
		var pages []int
		for {
			page, err := e.svc.Versions(e.ctx, "dev", before, 10)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, len(page.Versions))
			for _, v := range page.Versions {
				serials = append(serials, v.Serial)
				if before != 0 && v.ID >= before {
					t.Errorf("version ID %d not below the cursor %d", v.ID, before)
				}
			}
			if page.Next == 0 {
				break
			}
			before = page.Next
		}
		if fmt.Sprint(pages) != "[10 10 5]" {
			t.Errorf("page sizes = %v, want [10 10 5]", pages)
		}
		for i, s := range serials {
			if want := uint64(25 - i); s != want {
				t.Fatalf("serials newest first = %v", serials)
			}
		}
		page, err := e.svc.Versions(e.ctx, "dev", 0, 0)
		if err != nil || len(page.Versions) != 25 || page.Next != 0 {
			t.Errorf("default page: %d versions, next %d, %v; want all 25", len(page.Versions), page.Next, err)
		}
		page, err = e.svc.Versions(e.ctx, "dev", 0, 25)
		if err != nil || len(page.Versions) != 25 || page.Next != 0 {
			t.Errorf("exact page: %d versions, next %d, %v; want 25 and no next page", len(page.Versions), page.Next, err)
		}
	})

	t.Run("UnknownStateAndSerial", func(t *testing.T) {
		e := newEnv(t, newStore)
		if _, err := e.svc.Versions(e.ctx, "dev", 0, 10); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Versions of an unknown state: err = %v, want ErrNotFound", err)
		}
		e.lock("dev", "id-a")
		page, err := e.svc.Versions(e.ctx, "dev", 0, 10)
		if err != nil || len(page.Versions) != 0 || page.Versions == nil {
			t.Errorf("Versions of a state never written = %+v, %v; want an empty list", page, err)
		}
		e.write("dev", Spec{Lineage: lineageA, Serial: 3, Resources: 1}.Body(), "id-a")
		if _, _, err := e.svc.Version(e.ctx, "dev", 4); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Version(4): err = %v, want ErrNotFound", err)
		}
		if _, _, err := e.svc.Version(e.ctx, "other", 3); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Version of an unknown state: err = %v, want ErrNotFound", err)
		}
	})
}

func testRollback(t *testing.T, newStore NewStore) {
	// three versions of lineage A with 2, 3 and 4 resources
	setup := func(t *testing.T) (*env, [][]byte) {
		e := newEnv(t, newStore)
		var bodies [][]byte
		for serial := uint64(1); serial <= 3; serial++ {
			b := Spec{Lineage: lineageA, Serial: serial, Resources: int(serial) + 1}.Body()
			e.lock("dev", "id-a")
			e.write("dev", b, "id-a")
			e.unlock("dev", "id-a")
			bodies = append(bodies, b)
		}
		return e, bodies
	}

	t.Run("RestoresAsNextSerial", func(t *testing.T) {
		e, bodies := setup(t)
		v, err := e.svc.Rollback(e.ctx, "dev", 1, "alice", "10.1.2.3:4567")
		if err != nil {
			t.Fatal(err)
		}
		if v.Serial != 4 || v.Lineage != lineageA || v.Resources != 2 || v.Generation != 1 ||
			v.RolledBackFrom == nil || *v.RolledBackFrom != 1 || v.Who != "alice" ||
			v.RemoteAddr != "10.1.2.3:4567" || v.LockID == "" {
			t.Errorf("rollback version = %+v", v)
		}
		body, cur, err := e.svc.Get(e.ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		checkVersion(t, "current after rollback", cur, v)
		restored, err := tfstate.Parse(body)
		if err != nil {
			t.Fatalf("restored body does not parse: %v", err)
		}
		old, _ := tfstate.Parse(bodies[0])
		if restored.Serial != 4 || restored.Lineage != lineageA || !tfstate.SameContent(restored, old) {
			t.Errorf("restored state: serial %d lineage %s, same content as serial 1: %v",
				restored.Serial, restored.Lineage, tfstate.SameContent(restored, old))
		}
		rec, _ := e.svc.State(e.ctx, "dev")
		if rec.Lock != nil {
			t.Errorf("lock left after rollback: %+v", rec.Lock)
		}
		if n := len(e.allVersions("dev")); n != 4 {
			t.Errorf("%d versions after rollback, want 4", n)
		}
		// A client that last saw serial 3 and writes serial 4 is stale now.
		e.lock("dev", "id-b")
		_, err = e.svc.Write(e.ctx, "dev", statestore.WriteRequest{
			Body: Spec{Lineage: lineageA, Serial: 4, Resources: 9}.Body(), LockID: "id-b"})
		checkConflict(t, err, tfstate.ErrSameSerialDiffers,
			statestore.StateID{Serial: 4, Lineage: lineageA}, statestore.StateID{Serial: 4, Lineage: lineageA},
			"cannot overwrite existing state with serial 4")
		e.write("dev", Spec{Lineage: lineageA, Serial: 5, Resources: 9}.Body(), "id-b")
	})

	t.Run("RefusedWhileLocked", func(t *testing.T) {
		e, _ := setup(t)
		held := e.lock("dev", "id-x")
		_, err := e.svc.Rollback(e.ctx, "dev", 1, "alice", "")
		var le *statestore.LockedError
		if !errors.As(err, &le) || le.WrongID != "" {
			t.Fatalf("rollback of a locked state: err = %v, want *LockedError", err)
		}
		checkLock(t, "holder", &le.Holder, &held)
		if n := len(e.allVersions("dev")); n != 3 {
			t.Errorf("%d versions after a refused rollback, want 3", n)
		}
		rec, _ := e.svc.State(e.ctx, "dev")
		checkLock(t, "lock after refused rollback", rec.Lock, &held)
	})

	t.Run("OtherLineageRefused", func(t *testing.T) {
		e, _ := setup(t)
		if err := e.svc.Delete(e.ctx, "dev"); err != nil {
			t.Fatal(err)
		}
		e.lock("dev", "id-b")
		e.write("dev", Spec{Lineage: lineageB, Serial: 10, Resources: 1}.Body(), "id-b")
		e.unlock("dev", "id-b")
		_, err := e.svc.Rollback(e.ctx, "dev", 2, "alice", "")
		var ce *statestore.ConflictError
		if !errors.As(err, &ce) || !ce.Rollback || !errors.Is(err, tfstate.ErrLineageMismatch) {
			t.Fatalf("rollback to another lineage: err = %v, want a rollback *ConflictError", err)
		}
		for _, want := range []string{lineageA, lineageB, "serial 2", "serial 10"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not name %q", err, want)
			}
		}
	})

	t.Run("NothingToRollBack", func(t *testing.T) {
		e, _ := setup(t)
		if _, err := e.svc.Rollback(e.ctx, "dev", 99, "alice", ""); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("rollback to an unknown serial: err = %v, want ErrNotFound", err)
		}
		if _, err := e.svc.Rollback(e.ctx, "never-seen", 1, "alice", ""); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("rollback of an unknown state: err = %v, want ErrNotFound", err)
		}
		if err := e.svc.Delete(e.ctx, "dev"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Rollback(e.ctx, "dev", 1, "alice", ""); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("rollback of a deleted state: err = %v, want ErrNotFound", err)
		}
	})
}

func testDiff(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	const secret = "SENTINEL-hunter2-do-not-show"
	e.write("dev", Spec{Lineage: lineageA, Serial: 1, Resources: 3}.Body(), "")
	e.write("dev", Spec{Lineage: lineageA, Serial: 2, Resources: 4, Salt: "x", Secret: secret}.Body(), "")
	d, err := e.svc.Diff(e.ctx, "dev", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 1 || d.Added[0].Address != "terraform_data.r3" {
		t.Errorf("added = %+v, want terraform_data.r3", d.Added)
	}
	if len(d.Changed) != 3 || len(d.Removed) != 0 {
		t.Errorf("changed %d, removed %d; want 3 and 0", len(d.Changed), len(d.Removed))
	}
	if len(d.Outputs.Added) != 1 || d.Outputs.Added[0].Name != "db_password" {
		t.Errorf("outputs added = %+v, want db_password", d.Outputs.Added)
	}
	if d.Serial == nil || d.Serial.Before != 1 || d.Serial.After != 2 {
		t.Errorf("serial change = %+v", d.Serial)
	}
	js, _ := json.Marshal(d)
	if bytes.Contains(js, []byte(secret)) {
		t.Errorf("diff JSON shows the sensitive output: %s", js)
	}
	if _, err := e.svc.Diff(e.ctx, "dev", 1, 7); !errors.Is(err, statestore.ErrNotFound) {
		t.Errorf("Diff to an unknown serial: err = %v, want ErrNotFound", err)
	}
}

func testListings(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	e.write("b-written", Spec{Lineage: lineageA, Serial: 3, Resources: 2}.Body(), "")
	held := e.lock("a-locked/prod", "id-a")
	e.write("c-deleted", Spec{Lineage: lineageA, Serial: 1, Resources: 1}.Body(), "")
	if err := e.svc.Delete(e.ctx, "c-deleted"); err != nil {
		t.Fatal(err)
	}
	states, err := e.svc.States(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range states {
		names = append(names, s.Name)
	}
	if fmt.Sprint(names) != "[a-locked/prod b-written c-deleted]" {
		t.Fatalf("States() names = %v", names)
	}
	if s := states[0]; s.Lock == nil || s.Current != nil || !s.EverLocked {
		t.Errorf("a-locked/prod = %+v", s)
	} else {
		checkLock(t, "a-locked/prod lock", s.Lock, &held)
	}
	if s := states[1]; s.Lock != nil || s.Current == nil || s.Current.Serial != 3 || s.Current.Resources != 2 || s.EverLocked {
		t.Errorf("b-written = %+v", s)
	}
	if s := states[2]; s.Current != nil || s.DeletedAt.IsZero() || s.Generation != 1 {
		t.Errorf("c-deleted = %+v", s)
	}
	locks, err := e.svc.Locks(e.ctx)
	if err != nil || len(locks) != 1 || locks[0].Name != "a-locked/prod" {
		t.Errorf("Locks() = %+v, %v; want a-locked/prod only", locks, err)
	}
}
