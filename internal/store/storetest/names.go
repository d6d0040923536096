package storetest

import (
	"errors"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
)

func testNames(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	body := Spec{Lineage: lineageA, Serial: 1, Resources: 1}.Body()
	for _, name := range []string{"", "Dev", "dev/", "/dev", "a//b", "-dev", "dev/lock", "dev/versions", "dev/diff",
		"dev/rollback", "dev/versions/3", "dev prod", "dév"} {
		ops := map[string]error{}
		_, _, ops["Get"] = e.svc.Get(e.ctx, name)
		_, ops["Lock"] = e.svc.Lock(e.ctx, name, lockInfo("id"), "")
		_, ops["Unlock"] = e.svc.Unlock(e.ctx, name, "id")
		_, ops["ForceUnlock"] = e.svc.ForceUnlock(e.ctx, name)
		_, ops["Write"] = e.svc.Write(e.ctx, name, statestore.WriteRequest{Body: body})
		ops["Delete"] = e.svc.Delete(e.ctx, name)
		_, ops["Versions"] = e.svc.Versions(e.ctx, name, 0, 0)
		_, _, ops["Version"] = e.svc.Version(e.ctx, name, 1)
		_, ops["Rollback"] = e.svc.Rollback(e.ctx, name, 1, "", "")
		_, ops["Diff"] = e.svc.Diff(e.ctx, name, 1, 2)
		_, ops["State"] = e.svc.State(e.ctx, name)
		for op, err := range ops {
			var ne *statestore.NameError
			if !errors.As(err, &ne) || !errors.Is(err, statestore.ErrInvalid) || ne.Name != name {
				t.Errorf("%s(%q): err = %v, want *NameError", op, name, err)
			}
		}
	}
	states, err := e.svc.States(e.ctx)
	if err != nil || len(states) != 0 {
		t.Errorf("States() after refused names = %+v, %v; want none", states, err)
	}
	// Names that are fine, reserved words included where they are not last.
	for _, name := range []string{"dev", "ml-platform/prod", "a.b_c-d/0/x", "lock/prod", "diff/x/y", "0"} {
		e.write(name, body, "")
	}
}
