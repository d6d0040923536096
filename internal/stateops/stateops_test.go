package stateops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/remotestate"
)

// fakeBackend is a hand-written remotestate.Backend for the policy tests.
type fakeBackend struct {
	versions []remotestate.Version
	bodies   map[string]string
	locks    []remotestate.Lock
	unlocked string
	rolled   string
}

func (f *fakeBackend) String() string { return "fake://state" }
func (f *fakeBackend) Versions(context.Context) ([]remotestate.Version, error) {
	return f.versions, nil
}
func (f *fakeBackend) Body(_ context.Context, id string) ([]byte, error) {
	if id == "" {
		for _, v := range f.versions {
			if v.Current {
				id = v.ID
			}
		}
	}
	b, ok := f.bodies[id]
	if !ok {
		return nil, fmt.Errorf("no version %s", id)
	}
	return []byte(b), nil
}
func (f *fakeBackend) Locks(context.Context) ([]remotestate.Lock, error) { return f.locks, nil }
func (f *fakeBackend) Unlock(_ context.Context, id string) ([]remotestate.Lock, error) {
	f.unlocked = id
	var removed, kept []remotestate.Lock
	for _, l := range f.locks {
		if l.ID == id {
			removed = append(removed, l)
		} else {
			kept = append(kept, l)
		}
	}
	f.locks = kept
	return removed, nil
}
func (f *fakeBackend) Rollback(ctx context.Context, id string, opts remotestate.RollbackOptions) (remotestate.Version, error) {
	for _, v := range f.versions {
		if v.ID == id && v.Current {
			return remotestate.Version{}, fmt.Errorf("version %s is already current", id)
		}
	}
	if len(f.locks) > 0 {
		return remotestate.Version{}, fmt.Errorf("locked")
	}
	if opts.Backup != nil {
		cur, _ := f.Body(ctx, "")
		if err := opts.Backup(cur); err != nil {
			return remotestate.Version{}, err
		}
	}
	f.rolled = id
	return remotestate.Version{ID: "3", Serial: 3, Current: true}, nil
}

func state(serial int, lineage string, resources ...string) string {
	var rs []string
	for _, r := range resources {
		rs = append(rs, fmt.Sprintf(`{"mode":"managed","type":"terraform_data","name":%q,"provider":"provider[\"terraform.io/builtin/terraform\"]","instances":[{"schema_version":0,"attributes":{"id":%q}}]}`, r, r))
	}
	return fmt.Sprintf(`{"version":4,"terraform_version":"1.11.4","serial":%d,"lineage":%q,"outputs":{},"resources":[%s],"check_results":null}`, serial, lineage, strings.Join(rs, ","))
}

var now = time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)

func newService(t *testing.T, b remotestate.Backend) (*Service, *estate.Environment) {
	t.Helper()
	env := &estate.Environment{Name: "prod", Backend: &estate.Backend{Type: "http"}}
	return &Service{Root: t.TempDir(), Now: func() time.Time { return now }, Open: func(context.Context, *estate.Environment) (remotestate.Backend, error) { return b, nil }}, env
}

func TestDiffCurrent(t *testing.T) {
	b := &fakeBackend{
		versions: []remotestate.Version{{ID: "2", Serial: 2, Current: true}, {ID: "1", Serial: 1}},
		bodies:   map[string]string{"1": state(1, "L", "a"), "2": state(2, "L", "a", "b")},
	}
	s, env := newService(t, b)
	d, err := s.Diff(context.Background(), env, "1", CurrentVersion)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diff.Added) != 1 || d.Diff.Added[0].Address != "terraform_data.b" || len(d.Diff.Removed) != 0 {
		t.Errorf("diff: %+v", d.Diff)
	}
	if d.From.Serial != 1 || d.To.Serial != 2 || d.To.ID != CurrentVersion || d.From.Lineage != "L" {
		t.Errorf("diff sides: %+v %+v", d.From, d.To)
	}
}

func TestRollbackBacksUpFirst(t *testing.T) {
	b := &fakeBackend{
		versions: []remotestate.Version{{ID: "2", Serial: 2, Current: true}, {ID: "1", Serial: 1}},
		bodies:   map[string]string{"1": state(1, "L", "a"), "2": state(2, "L", "a", "b")},
	}
	s, env := newService(t, b)
	res, err := s.Rollback(context.Background(), env, "1", "", remotestate.RollbackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.rolled != "1" || res.Backup == nil || res.Backup.Serial != 2 {
		t.Fatalf("rollback: rolled %q, result %+v", b.rolled, res)
	}
	body, err := os.ReadFile(res.Backup.Path)
	if err != nil || string(body) != b.bodies["2"] {
		t.Errorf("backup holds %q, %v; want the current state", body, err)
	}
	if _, err := s.Rollback(context.Background(), env, "2", "", remotestate.RollbackOptions{}); err == nil {
		t.Error("rolling back to the current version was accepted")
	}
	// A refused rollback leaves no backup behind.
	b.locks = []remotestate.Lock{{ID: "L"}}
	before, _ := filepath.Glob(filepath.Join(s.Root, ".infractl/backups/*"))
	if _, err := s.Rollback(context.Background(), env, "1", "", remotestate.RollbackOptions{}); err == nil {
		t.Error("a rollback of a locked state was accepted")
	}
	after, _ := filepath.Glob(filepath.Join(s.Root, ".infractl/backups/*"))
	if len(after) != len(before) {
		t.Errorf("a refused rollback wrote a backup: %v", after)
	}
}

func TestLocksStaleness(t *testing.T) {
	b := &fakeBackend{locks: []remotestate.Lock{{ID: "L1", Who: "ci@runner", Created: now.Add(-3 * time.Hour), Source: "server"}}}
	s, env := newService(t, b)
	got := s.Locks(context.Background(), []*estate.Environment{env, env}, 2*time.Hour, 4)
	if len(got) != 2 || len(got[0].Locks) != 1 || !got[0].Locks[0].Stale || got[0].Locks[0].AgeSeconds != 3*3600 {
		t.Errorf("locks: %+v", got)
	}
	got = s.Locks(context.Background(), []*estate.Environment{env}, 4*time.Hour, 1)
	if got[0].Locks[0].Stale {
		t.Error("a 3h lock is stale with --stale-after 4h")
	}
}

func TestUnlockPolicy(t *testing.T) {
	young := remotestate.Lock{ID: "L1", Who: "alice@laptop", Operation: "OperationTypeApply", Created: now.Add(-10 * time.Minute)}
	b := &fakeBackend{locks: []remotestate.Lock{young}}
	s, env := newService(t, b)
	ctx := context.Background()

	if _, err := s.Unlock(ctx, env, UnlockOptions{LockID: "other", StaleAfter: time.Hour}); err == nil || !strings.Contains(err.Error(), "no lock on prod has ID other (held: L1)") || b.unlocked != "" {
		t.Errorf("wrong ID: %v, unlocked %q", err, b.unlocked)
	}
	if _, err := s.Unlock(ctx, env, UnlockOptions{StaleAfter: time.Hour, Force: true}); !errors.Is(err, ErrLockIDRequired) || b.unlocked != "" {
		t.Errorf("no ID: %v, unlocked %q", err, b.unlocked)
	}
	if _, err := s.Unlock(ctx, env, UnlockOptions{LockID: "L1", StaleAfter: time.Hour}); !errors.Is(err, ErrLockTooYoung) || b.unlocked != "" {
		t.Errorf("young lock: %v, unlocked %q", err, b.unlocked)
	}
	removed, err := s.Unlock(ctx, env, UnlockOptions{LockID: "L1", StaleAfter: time.Hour, Force: true, Who: "bob"})
	if err != nil || b.unlocked != "L1" || len(removed) != 1 {
		t.Fatalf("forced unlock: %v %v", removed, err)
	}
	logged, err := os.ReadFile(filepath.Join(s.Root, UnlockLog))
	if err != nil || !strings.Contains(string(logged), `"by":"bob"`) || !strings.Contains(string(logged), `"id":"L1"`) || !strings.Contains(string(logged), `"forced":true`) {
		t.Errorf("unlock log: %s %v", logged, err)
	}
	if info, _ := os.Stat(filepath.Join(s.Root, UnlockLog)); info.Mode().Perm() != 0o600 {
		t.Errorf("unlock log mode %o", info.Mode().Perm())
	}
	if _, err := s.Unlock(ctx, env, UnlockOptions{LockID: "L1"}); !errors.Is(err, ErrNotLocked) {
		t.Errorf("unlock of an unlocked state: %v", err)
	}
}

func TestLocalBackendLocks(t *testing.T) {
	dir := t.TempDir()
	b := &localBackend{statePath: filepath.Join(dir, "terraform.tfstate")}
	locks, err := b.Locks(context.Background())
	if err != nil || len(locks) != 0 {
		t.Fatalf("no lock file: %v %v", locks, err)
	}
	os.WriteFile(filepath.Join(dir, ".terraform.tfstate.lock.info"), []byte(`{"ID":"abc","Operation":"OperationTypeApply","Info":"","Who":"me@host","Version":"1.11.4","Created":"2026-11-25T17:00:00Z","Path":"terraform.tfstate"}`), 0o600)
	locks, err = b.Locks(context.Background())
	if err != nil || len(locks) != 1 || locks[0].ID != "abc" || !locks[0].Created.Equal(now.Add(-time.Hour)) {
		t.Fatalf("lock file: %+v %v", locks, err)
	}
	if _, err := b.Versions(context.Background()); !errors.Is(err, remotestate.ErrNotSupported) {
		t.Errorf("versions of local state: %v", err)
	}
}

func TestUnlockInconsistentLocksOneByOne(t *testing.T) {
	old := now.Add(-5 * time.Hour)
	b := &fakeBackend{locks: []remotestate.Lock{{ID: "A", Source: "s3-lockfile", Created: old}, {ID: "B", Source: "dynamodb", Created: old}}}
	s, env := newService(t, b)
	removed, err := s.Unlock(context.Background(), env, UnlockOptions{LockID: "B", StaleAfter: time.Hour})
	if err != nil || len(removed) != 1 || removed[0].Source != "dynamodb" || len(b.locks) != 1 || b.locks[0].ID != "A" {
		t.Fatalf("unlock B: removed %v, left %v, %v", removed, b.locks, err)
	}
}

// unreadableBackend is a fakeBackend that can hold an unreadable lock.
type unreadableBackend struct{ *fakeBackend }

func (u unreadableBackend) RemoveUnreadableLocks(context.Context) ([]remotestate.Lock, error) {
	removed := u.locks
	u.locks = nil
	return removed, nil
}

func TestUnlockUnreadable(t *testing.T) {
	b := unreadableBackend{&fakeBackend{locks: []remotestate.Lock{{Source: "s3-lockfile", Problem: "unreadable"}}}}
	s, env := newService(t, b)
	if _, err := s.Unlock(context.Background(), env, UnlockOptions{Unreadable: true}); !errors.Is(err, ErrLockTooYoung) {
		t.Errorf("without --force: %v", err)
	}
	removed, err := s.Unlock(context.Background(), env, UnlockOptions{Unreadable: true, Force: true})
	if err != nil || len(removed) != 1 {
		t.Fatalf("with --force: %v %v", removed, err)
	}
	plain, env2 := newService(t, &fakeBackend{locks: []remotestate.Lock{{ID: "x"}}})
	if _, err := plain.Unlock(context.Background(), env2, UnlockOptions{Unreadable: true, Force: true}); err == nil {
		t.Error("a backend without unreadable locks accepted --unreadable")
	}
}
