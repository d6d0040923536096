package storetest

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

const (
	lineageA = "8717d5f4-0d41-4d1b-a2c2-1f7d8b5e3a10"
	lineageB = "00000000-1111-2222-3333-444444444444"
)

func testWrites(t *testing.T, newStore NewStore) {
	t.Run("FirstWriteRecordsEverything", func(t *testing.T) {
		e := newEnv(t, newStore)
		body := Spec{Lineage: lineageA, Serial: 1, Resources: 3, TerraformVersion: "1.11.4"}.Body()
		res := e.write("dev", body, "")
		v := res.Version
		sha := sha256.Sum256(body)
		sum := md5.Sum(body)
		if !res.Created || v.ID <= 0 || v.Generation != 1 || v.Serial != 1 || v.Lineage != lineageA ||
			v.SHA256 != hex.EncodeToString(sha[:]) || !bytes.Equal(v.MD5, sum[:]) ||
			v.Size != int64(len(body)) || v.StoredSize <= 0 || v.Resources != 3 || v.DataResources != 0 ||
			v.Outputs != 0 || v.TerraformVersion != "1.11.4" || v.LockID != "" || v.Who != "" ||
			v.RemoteAddr != "127.0.0.1:50001" || v.CreatedAt.IsZero() || v.RolledBackFrom != nil {
			t.Errorf("write result = %+v (created %v)", v, res.Created)
		}
		got, meta, err := e.svc.Get(e.ctx, "dev")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("Get body differs from the written one")
		}
		checkVersion(t, "Get meta", meta, v)
		// Another service on the same store (a server replica, or a
		// restart) has nothing cached and reads the body from the store.
		other := statestore.NewService(e.store, statestore.Options{CacheBytes: -1})
		if got, meta, err := other.Get(e.ctx, "dev"); err != nil || !bytes.Equal(got, body) {
			t.Errorf("Get through an uncached service = %d bytes, %v; want the written body", len(got), err)
		} else {
			checkVersion(t, "uncached Get meta", meta, v)
		}
		got, meta, err = e.svc.Version(e.ctx, "dev", 1)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("Version(1) = %d bytes, %v; want the written body", len(got), err)
		}
		checkVersion(t, "Version(1) meta", meta, v)
		rec, _ := e.svc.State(e.ctx, "dev")
		if rec.Current == nil || rec.EverLocked || rec.Generation != 1 {
			t.Errorf("record = %+v, want current version, never locked, generation 1", rec)
		} else {
			checkVersion(t, "State().Current", *rec.Current, v)
		}
	})

	t.Run("GetWithoutState", func(t *testing.T) {
		e := newEnv(t, newStore)
		if _, _, err := e.svc.Get(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Get of an unknown state: err = %v, want ErrNotFound", err)
		}
		e.lock("dev", "id-a")
		if _, _, err := e.svc.Get(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("Get of a locked, unwritten state: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("OnlyTheHolderWrites", func(t *testing.T) {
		e := newEnv(t, newStore)
		held := e.lock("dev", "id-a")
		body := Spec{Lineage: lineageA, Serial: 1, Resources: 2}.Body()
		for _, id := range []string{"id-b", ""} {
			_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: body, LockID: id})
			var le *statestore.LockedError
			if !errors.As(err, &le) {
				t.Fatalf("write with lock ID %q: err = %v, want *LockedError", id, err)
			}
			if le.WrongID != id {
				t.Errorf("write with lock ID %q: WrongID = %q", id, le.WrongID)
			}
			checkLock(t, "LockedError.Holder", &le.Holder, &held)
		}
		if _, _, err := e.svc.Get(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("a refused write left a state: %v", err)
		}
		res := e.write("dev", body, "id-a")
		if res.Version.LockID != "id-a" || res.Version.Who != "root@vm" {
			t.Errorf("version lock ID %q, who %q; want id-a, root@vm", res.Version.LockID, res.Version.Who)
		}
	})

	t.Run("LockRequiredOnceLocked", func(t *testing.T) {
		e := newEnv(t, newStore)
		e.write("dev", Spec{Lineage: lineageA, Serial: 1, Resources: 1}.Body(), "")
		e.lock("dev", "id-a")
		e.unlock("dev", "id-a")
		body := Spec{Lineage: lineageA, Serial: 2, Resources: 1}.Body()
		for _, id := range []string{"", "id-a"} {
			_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: body, LockID: id})
			if !errors.Is(err, statestore.ErrLockRequired) {
				t.Errorf("write with lock ID %q after unlock: err = %v, want ErrLockRequired", id, err)
			}
		}
		e.lock("dev", "id-b")
		e.write("dev", body, "id-b")
	})

	t.Run("InvalidBodyRefused", func(t *testing.T) {
		e := newEnv(t, newStore)
		for name, body := range map[string]string{
			"not JSON":        "this is not json",
			"version 3":       `{"version":3,"serial":1,"lineage":"x","modules":[]}`,
			"missing lineage": `{"version":4,"terraform_version":"1.11.4","serial":1,"outputs":{},"resources":[]}`,
			"empty":           "",
		} {
			_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: []byte(body)})
			var ie *statestore.InvalidStateError
			if !errors.As(err, &ie) || !errors.Is(err, statestore.ErrInvalid) || !errors.Is(err, tfstate.ErrInvalidState) {
				t.Errorf("%s: err = %v, want *InvalidStateError matching ErrInvalid and tfstate.ErrInvalidState", name, err)
			}
		}
		if _, err := e.svc.State(e.ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
			t.Errorf("refused writes created the state: %v", err)
		}
	})

	t.Run("ContentMD5Checked", func(t *testing.T) {
		e := newEnv(t, newStore)
		body := Spec{Lineage: lineageA, Serial: 1, Resources: 1}.Body()
		bad := md5.Sum([]byte("something else"))
		_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: body, MD5: bad[:]})
		if !errors.Is(err, statestore.ErrInvalid) {
			t.Errorf("wrong MD5: err = %v, want ErrInvalid", err)
		}
		good := md5.Sum(body)
		if _, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: body, MD5: good[:]}); err != nil {
			t.Errorf("right MD5: %v", err)
		}
	})

	t.Run("LineageConflict", func(t *testing.T) {
		e := newEnv(t, newStore)
		first := e.write("dev", Spec{Lineage: lineageA, Serial: 1, Resources: 3}.Body(), "")
		_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: Spec{Lineage: lineageB, Serial: 2, Resources: 3}.Body()})
		checkConflict(t, err, tfstate.ErrLineageMismatch,
			statestore.StateID{Serial: 1, Lineage: lineageA}, statestore.StateID{Serial: 2, Lineage: lineageB},
			`cannot import state with lineage "`+lineageB+`" over unrelated state with lineage "`+lineageA+`"`)
		e.checkCurrent("dev", first.Version)
	})

	t.Run("LowerSerialConflict", func(t *testing.T) {
		e := newEnv(t, newStore)
		first := e.write("dev", Spec{Lineage: lineageA, Serial: 5, Resources: 3}.Body(), "")
		_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: Spec{Lineage: lineageA, Serial: 4, Resources: 3}.Body()})
		checkConflict(t, err, tfstate.ErrStaleSerial,
			statestore.StateID{Serial: 5, Lineage: lineageA}, statestore.StateID{Serial: 4, Lineage: lineageA},
			"cannot import state with serial 4 over newer state with serial 5")
		e.checkCurrent("dev", first.Version)
	})

	t.Run("EqualSerialSameBodyIsNoop", func(t *testing.T) {
		e := newEnv(t, newStore)
		body := Spec{Lineage: lineageA, Serial: 5, Resources: 3}.Body()
		first := e.write("dev", body, "")
		again := e.write("dev", body, "")
		if again.Created || again.Version.ID != first.Version.ID {
			t.Errorf("repeated write: created %v, version %d; want no new version (%d)", again.Created, again.Version.ID, first.Version.ID)
		}
		// The same content formatted differently is the same state too.
		var compact bytes.Buffer
		if err := json.Compact(&compact, body); err != nil {
			t.Fatal(err)
		}
		reformatted := e.write("dev", compact.Bytes(), "")
		if reformatted.Created || reformatted.Version.ID != first.Version.ID {
			t.Errorf("reformatted write: created %v; want the existing version kept", reformatted.Created)
		}
		if got, _, _ := e.svc.Get(e.ctx, "dev"); !bytes.Equal(got, body) {
			t.Errorf("Get after no-op writes does not return the first body")
		}
		if n := len(e.allVersions("dev")); n != 1 {
			t.Errorf("%d versions, want 1", n)
		}
	})

	t.Run("EqualSerialDifferentContentConflict", func(t *testing.T) {
		e := newEnv(t, newStore)
		first := e.write("dev", Spec{Lineage: lineageA, Serial: 5, Resources: 3}.Body(), "")
		_, err := e.svc.Write(e.ctx, "dev", statestore.WriteRequest{Body: Spec{Lineage: lineageA, Serial: 5, Resources: 3, Salt: "b"}.Body()})
		checkConflict(t, err, tfstate.ErrSameSerialDiffers,
			statestore.StateID{Serial: 5, Lineage: lineageA}, statestore.StateID{Serial: 5, Lineage: lineageA},
			"cannot overwrite existing state with serial 5 with a different state that has the same serial")
		e.checkCurrent("dev", first.Version)
	})

	t.Run("EmptyStateAcceptsAnything", func(t *testing.T) {
		e := newEnv(t, newStore)
		e.write("dev", Spec{Lineage: lineageA, Serial: 5}.Body(), "")
		res := e.write("dev", Spec{Lineage: lineageB, Serial: 1, Resources: 2}.Body(), "")
		if !res.Created || res.Version.Lineage != lineageB || res.Version.Serial != 1 || res.Version.Generation != 1 {
			t.Errorf("write over an empty state = %+v", res)
		}
	})

	t.Run("HigherSerialAccepted", func(t *testing.T) {
		e := newEnv(t, newStore)
		for _, serial := range []uint64{1, 2, 10} {
			res := e.write("dev", Spec{Lineage: lineageA, Serial: serial, Resources: 2}.Body(), "")
			if !res.Created || res.Version.Serial != serial {
				t.Errorf("serial %d: %+v", serial, res)
			}
		}
	})
}

// checkConflict checks a *ConflictError: the rule, both sides, and a
// message with Terraform's wording that names both serials and lineages.
func checkConflict(t *testing.T, err, rule error, current, incoming statestore.StateID, wording string) {
	t.Helper()
	var ce *statestore.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ConflictError", err)
	}
	if !errors.Is(err, rule) || !errors.Is(err, tfstate.ErrPushRejected) {
		t.Errorf("err = %v, want it to match %v", err, rule)
	}
	if ce.Current != current || ce.Incoming != incoming {
		t.Errorf("sides = %+v / %+v, want %+v / %+v", ce.Current, ce.Incoming, current, incoming)
	}
	msg := err.Error()
	for _, want := range []string{wording, current.Lineage, incoming.Lineage,
		"current: serial " + uitoa(current.Serial), "incoming: serial " + uitoa(incoming.Serial)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not contain %q", msg, want)
		}
	}
}

func (e *env) checkCurrent(name string, want statestore.VersionMeta) {
	e.t.Helper()
	_, got, err := e.svc.Get(e.ctx, name)
	if err != nil {
		e.t.Fatalf("Get(%s): %v", name, err)
	}
	checkVersion(e.t, "current version", got, want)
}

// checkVersion compares version metadata, times with Equal.
func checkVersion(t *testing.T, what string, got, want statestore.VersionMeta) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s CreatedAt = %v, want %v", what, got.CreatedAt, want.CreatedAt)
	}
	if (got.RolledBackFrom == nil) != (want.RolledBackFrom == nil) ||
		got.RolledBackFrom != nil && *got.RolledBackFrom != *want.RolledBackFrom {
		t.Errorf("%s RolledBackFrom = %v, want %v", what, got.RolledBackFrom, want.RolledBackFrom)
	}
	if !bytes.Equal(got.MD5, want.MD5) {
		t.Errorf("%s MD5 = %x, want %x", what, got.MD5, want.MD5)
	}
	g, w := got, want
	g.CreatedAt = w.CreatedAt
	g.RolledBackFrom, w.RolledBackFrom = nil, nil
	g.MD5, w.MD5 = nil, nil
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("%s\n got %s\nwant %s", what, gj, wj)
	}
}

func uitoa(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
