package client_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/server/client"
	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/storetest"
)

// startServer runs a real server on 127.0.0.1:0 with a temporary data dir.
func startServer(t *testing.T, mw ...server.Middleware) *server.Server {
	t.Helper()
	s, err := server.New(server.Config{
		Listen: "127.0.0.1:0", DataDir: t.TempDir(), Middleware: mw,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func newClient(t *testing.T, s *server.Server) *client.Client {
	t.Helper()
	c, err := client.New(s.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func info(id string) statestore.LockInfo {
	return statestore.LockInfo{ID: id, Operation: "OperationTypeApply", Who: "bob@ci", Version: "1.11.4",
		Created: time.Now().UTC().Add(-time.Minute)}
}

func body(lineage string, serial uint64, resources int) []byte {
	return storetest.Spec{Lineage: lineage, Serial: serial, Resources: resources}.Body()
}

// write locks, writes serials from..to and unlocks.
func write(t *testing.T, c *client.Client, name, lineage string, from, to uint64) {
	t.Helper()
	ctx := context.Background()
	if err := c.Lock(ctx, name, info("w")); err != nil {
		t.Fatal(err)
	}
	for s := from; s <= to; s++ {
		if err := c.Write(ctx, name, body(lineage, s, int(s)), "w"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Unlock(ctx, name, "w"); err != nil {
		t.Fatal(err)
	}
}

func TestNewBackendAddresses(t *testing.T) {
	good := []struct{ address, str, name string }{
		{"http://127.0.0.1:7420/v1/states/ml/prod", "http://127.0.0.1:7420/v1/states/ml/prod", "ml/prod"},
		{"https://state.example.com/infractl/v1/states/dev", "https://state.example.com/infractl/v1/states/dev", "dev"},
		{"http://user:secret@host:1/v1/states/a?x=1", "http://host:1/v1/states/a", "a"},
	}
	for _, tt := range good {
		b, err := client.NewBackend(tt.address, nil)
		if err != nil {
			t.Errorf("NewBackend(%q): %v", tt.address, err)
			continue
		}
		if b.String() != tt.str || b.(*client.Backend).Name() != tt.name {
			t.Errorf("NewBackend(%q) = %s named %s, want %s named %s", tt.address, b, b.(*client.Backend).Name(), tt.str, tt.name)
		}
	}
	bad := []struct{ address, want string }{
		{"http://host/state", "is not an infractl server state address: want http(s)://HOST[:PORT]/v1/states/NAME"},
		{"s3://bucket/v1/states/x", "is not an infractl server state address"},
		{"http:///v1/states/x", "is not an infractl server state address"},
		{"http://host/v1/states/prod/lock", `does not name an infractl state: invalid state name "prod/lock": the last segment "lock" is reserved`},
		{"http://host/v1/states/Prod", "uppercase"},
		{"http://host/v1/states/", `invalid state name "": empty`},
		{"http://u:hunter2@host/other", "http://u:xxxxx@host/other"},
	}
	for _, tt := range bad {
		_, err := client.NewBackend(tt.address, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewBackend(%q) error = %v, want it to contain %q", tt.address, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("NewBackend(%q) error shows the password: %v", tt.address, err)
		}
	}
}

func TestBackendAgainstServer(t *testing.T) {
	s := startServer(t)
	c := newClient(t, s)
	ctx := context.Background()
	write(t, c, "team/prod", "lin", 1, 3)

	var b remotestate.Backend
	b, err := client.NewBackend(c.StateURL("team/prod"), nil)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := b.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || vs[0].ID != "3" || !vs[0].Current || vs[1].Current || vs[2].ID != "1" ||
		vs[0].Who != "bob@ci" || vs[0].LockID != "w" || vs[0].Lineage != "lin" || vs[0].Resources != 3 || vs[0].Size == 0 || vs[0].CreatedAt.IsZero() {
		t.Fatalf("versions: %+v", vs)
	}
	got, err := b.Body(ctx, "2")
	if err != nil || string(got) != string(body("lin", 2, 2)) {
		t.Errorf("Body(2): %v", err)
	}
	if _, err := b.Body(ctx, "abc"); !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("Body(abc) = %v, want ErrInvalid", err)
	}
	if _, err := b.Body(ctx, "99"); !errors.Is(err, statestore.ErrNotFound) {
		t.Errorf("Body(99) = %v, want ErrNotFound", err)
	}

	// Locks and unlock.
	if locks, err := b.Locks(ctx); err != nil || len(locks) != 0 {
		t.Errorf("Locks of an unlocked state: %v, %v", locks, err)
	}
	if err := c.Lock(ctx, "team/prod", info("held")); err != nil {
		t.Fatal(err)
	}
	locks, err := b.Locks(ctx)
	if err != nil || len(locks) != 1 || locks[0].ID != "held" || locks[0].Who != "bob@ci" || locks[0].Source != "server" ||
		locks[0].Operation != "OperationTypeApply" || locks[0].Age(time.Now()) < 30*time.Second {
		t.Fatalf("Locks: %+v, %v", locks, err)
	}
	_, err = b.Unlock(ctx, "not-the-holder")
	var le *statestore.LockedError
	if !errors.As(err, &le) || le.Holder.Info.ID != "held" || le.WrongID != "not-the-holder" || !strings.Contains(err.Error(), "ID=held") {
		t.Errorf("Unlock with another ID: %v", err)
	}

	// Rollback refused while locked, with the holder.
	if _, err := b.Rollback(ctx, "1", remotestate.RollbackOptions{Who: "me"}); !errors.As(err, &le) || le.Holder.Info.ID != "held" {
		t.Errorf("Rollback while locked: %v", err)
	}
	removed, err := b.Unlock(ctx, "held")
	if err != nil || len(removed) != 1 || removed[0].ID != "held" {
		t.Fatalf("Unlock: %+v, %v", removed, err)
	}
	if removed, err := b.Unlock(ctx, "held"); err != nil || len(removed) != 0 {
		t.Errorf("Unlock of an unlocked state: %+v, %v", removed, err)
	}

	v, err := b.Rollback(ctx, "1", remotestate.RollbackOptions{Who: "me"})
	if err != nil || v.ID != "4" || !v.Current || v.Who != "me" || v.Resources != 1 {
		t.Fatalf("Rollback: %+v, %v", v, err)
	}

	// Across lineages the server refuses, even forced.
	if err := c.Delete(ctx, "team/prod"); err != nil {
		t.Fatal(err)
	}
	write(t, c, "team/prod", "lin-2", 1, 1)
	_, err = b.Rollback(ctx, "3", remotestate.RollbackOptions{Force: true})
	if !errors.Is(err, remotestate.ErrNotSupported) || !strings.Contains(err.Error(), "409") {
		t.Errorf("forced rollback across lineages: %v", err)
	}
}

func TestClientErrorsMatchDomainKinds(t *testing.T) {
	s := startServer(t)
	c := newClient(t, s)
	ctx := context.Background()

	if got, err := c.Get(ctx, "nothing/yet"); err != nil || got != nil {
		t.Errorf("Get of a new state: %q, %v", got, err)
	}
	if _, err := c.Get(ctx, "Bad"); !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("Get of a bad name: %v", err)
	}
	if err := c.Write(ctx, "dev", []byte(`{"version":4}`), ""); !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("Write of a non-state: %v", err)
	}
	write(t, c, "dev", "lin", 1, 2)
	if err := c.Write(ctx, "dev", body("lin", 3, 1), ""); !errors.Is(err, statestore.ErrLockRequired) {
		t.Errorf("Write without the lock: %v", err)
	}
	var ce *client.Error
	err := c.Write(ctx, "dev", body("other", 9, 1), "")
	if !errors.As(err, &ce) || ce.Status != http.StatusLocked {
		t.Errorf("Write: %v", err)
	}
	if err := c.Lock(ctx, "dev", info("a")); err != nil {
		t.Fatal(err)
	}
	err = c.Lock(ctx, "dev", info("b"))
	var le *statestore.LockedError
	if !errors.As(err, &le) || le.Holder.Info.ID != "a" || le.Name != "dev" {
		t.Errorf("Lock of a held lock: %v", err)
	}
	err = c.Write(ctx, "dev", body("other", 9, 1), "a")
	if !errors.As(err, &ce) || ce.Status != http.StatusConflict || !strings.Contains(ce.Message, "unrelated state") {
		t.Errorf("Write of another lineage: %v", err)
	}
	if err := c.Delete(ctx, "dev"); !errors.As(err, &le) {
		t.Errorf("Delete while locked: %v", err)
	}
	l, err := c.HeldLock(ctx, "dev")
	if err != nil || l == nil || l.ID != "a" {
		t.Errorf("HeldLock: %+v, %v", l, err)
	}
	removed, err := c.ForceUnlock(ctx, "dev")
	if err != nil || removed == nil || removed.ID != "a" {
		t.Errorf("ForceUnlock: %+v, %v", removed, err)
	}
	if l, err := c.HeldLock(ctx, "dev"); err != nil || l != nil {
		t.Errorf("HeldLock after ForceUnlock: %+v, %v", l, err)
	}
	if _, err := c.VersionMeta(ctx, "dev", 42); !errors.Is(err, statestore.ErrNotFound) {
		t.Errorf("VersionMeta of a missing serial: %v", err)
	}
	if _, err := c.Unlock(ctx, "dev", ""); !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("Unlock without an ID: %v", err)
	}
}

func TestClientListingsAndDiff(t *testing.T) {
	s := startServer(t)
	c := newClient(t, s)
	ctx := context.Background()
	write(t, c, "a", "lin", 1, 2)
	if err := c.Lock(ctx, "b", info("lb")); err != nil {
		t.Fatal(err)
	}
	states, err := c.States(ctx)
	if err != nil || len(states) != 2 || states[0].Name != "a" || states[0].Serial != 2 || !states[1].Locked {
		t.Errorf("States: %+v, %v", states, err)
	}
	locks, err := c.Locks(ctx)
	if err != nil || len(locks) != 1 || locks[0].Name != "b" || locks[0].ID != "lb" {
		t.Errorf("Locks: %+v, %v", locks, err)
	}
	page, err := c.Versions(ctx, "a", "", 1)
	if err != nil || len(page.Items) != 1 || page.Items[0].Serial != 2 || page.Next == "" {
		t.Fatalf("Versions page: %+v, %v", page, err)
	}
	page, err = c.Versions(ctx, "a", page.Next, 1)
	if err != nil || len(page.Items) != 1 || page.Items[0].Serial != 1 || page.Next != "" {
		t.Errorf("second page: %+v, %v", page, err)
	}
	d, err := c.Diff(ctx, "a", 1, 2)
	if err != nil || len(d.Added) != 1 || d.Serial == nil || d.Serial.After != 2 {
		t.Errorf("Diff: %+v, %v", d, err)
	}
	v, err := c.VersionMeta(ctx, "a", 2)
	if err != nil || !v.Current || v.Serial != 2 {
		t.Errorf("VersionMeta: %+v, %v", v, err)
	}
	if err := c.Health(ctx); err != nil {
		t.Errorf("Health: %v", err)
	}
}

func TestBasicAuthIsSent(t *testing.T) {
	var mu sync.Mutex
	var users, passwords []string
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, p, _ := r.BasicAuth()
			mu.Lock()
			users, passwords = append(users, u), append(passwords, p)
			mu.Unlock()
			next.ServeHTTP(w, r)
		})
	}
	s := startServer(t, record)
	b, err := client.NewBackend(s.URL()+"/v1/states/dev", nil, client.WithBasicAuth("infractl", "token-123"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Locks(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(users) != 1 || users[0] != "infractl" || passwords[0] != "token-123" {
		t.Errorf("basic auth seen: %v / %v", users, passwords)
	}
}
