package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
	"github.com/infractl/infractl/internal/store/storetest"
)

var ctx = context.Background()

func info(id string) statestore.LockInfo {
	return statestore.LockInfo{ID: id, Operation: "OperationTypeApply", Who: "root@vm", Version: "1.11.4",
		Created: time.Date(2026, 11, 25, 16, 59, 7, 516287585, time.UTC)}
}

func TestOpenMakesPrivateFiles(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "existing")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	svc := statestore.NewService(s, statestore.Options{})
	if _, err := svc.Write(ctx, "dev", statestore.WriteRequest{Body: storetest.Spec{Lineage: "l", Serial: 1, Resources: 1}.Body()}); err != nil {
		t.Fatal(err)
	}
	checkMode(t, dir, 0o700)
	for _, f := range []string{"state.db", "state.db-wal", "state.db-shm"} {
		checkMode(t, filepath.Join(dir, f), 0o600)
	}
	fresh := filepath.Join(parent, "a", "b")
	openStore(t, fresh)
	checkMode(t, fresh, 0o700)
	checkMode(t, filepath.Join(fresh, sqlite.FileName), 0o600)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", filepath.Base(path), got, want)
	}
}

func TestReopenKeepsStatesAndLocks(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := statestore.NewService(s, statestore.Options{})
	held, err := svc.Lock(ctx, "prod", info("id-a"), "10.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	body := storetest.Spec{Lineage: "l", Serial: 4, Resources: 3}.Body()
	if _, err := svc.Write(ctx, "prod", statestore.WriteRequest{Body: body, LockID: "id-a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, dir)
	svc = statestore.NewService(s, statestore.Options{})
	rec, err := svc.State(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Lock == nil || rec.Lock.Info.ID != "id-a" || !rec.Lock.AcquiredAt.Equal(held.AcquiredAt) {
		t.Errorf("lock after reopen = %+v, want %+v", rec.Lock, held)
	}
	got, _, err := svc.Get(ctx, "prod")
	if err != nil || string(got) != string(body) {
		t.Errorf("Get after reopen: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	db := rawDB(t, dir)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema_migrations rows = %d, %v; want 1 (migrations applied once)", n, err)
	}
}

func rawDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, dir)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.Open(ctx, dir, sqlite.Options{})
	if err == nil || !strings.Contains(err.Error(), "database schema version 999 is newer than this infractl knows (1)") {
		t.Errorf("Open of a newer database: err = %v", err)
	}
}

// TestTwoStoresOnOneFile stands in for two processes on one data
// directory: BEGIN IMMEDIATE must make their lock races have one winner
// and no errors.
func TestTwoStoresOnOneFile(t *testing.T) {
	dir := t.TempDir()
	svcs := []*statestore.Service{
		statestore.NewService(openStore(t, dir), statestore.Options{}),
		statestore.NewService(openStore(t, dir), statestore.Options{}),
	}
	for round := range 10 {
		var wg sync.WaitGroup
		var winners atomic.Int32
		var winner atomic.Value
		errs := make([]error, 16)
		start := make(chan struct{})
		for c := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("r%d-c%d", round, c)
				<-start
				_, err := svcs[c%2].Lock(ctx, "shared", info(id), "")
				var le *statestore.LockedError
				switch {
				case err == nil:
					winners.Add(1)
					winner.Store(id)
				case !errors.As(err, &le):
					errs[c] = err
				}
			}()
		}
		close(start)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if n := winners.Load(); n != 1 {
			t.Fatalf("round %d: %d winners", round, n)
		}
		if _, err := svcs[round%2].Unlock(ctx, "shared", winner.Load().(string)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBusyAndClosedAreUnavailable(t *testing.T) {
	dir := t.TempDir()
	a := openStore(t, dir)
	b, err := sqlite.Open(ctx, dir, sqlite.Options{BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- a.Update(ctx, "dev", func(tx statestore.Tx) error {
			if _, err := tx.Record(); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	err = b.Update(ctx, "dev", func(tx statestore.Tx) error { return nil })
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Update while another process writes: err = %v, want ErrUnavailable", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Reads never wait for the writer in WAL mode.
	if _, err := b.States(ctx); err != nil {
		t.Errorf("States: %v", err)
	}

	b.Close()
	if err := b.Update(ctx, "dev", func(tx statestore.Tx) error { return nil }); !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Update on a closed store: err = %v, want ErrUnavailable", err)
	}
	if _, err := b.Current(ctx, "dev"); !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Current on a closed store: err = %v, want ErrUnavailable", err)
	}
}

func TestUpdatePanicReleasesWriter(t *testing.T) {
	s := openStore(t, t.TempDir())
	func() {
		defer func() { recover() }()                        //nolint:errcheck // the panic is the test
		s.Update(ctx, "dev", func(tx statestore.Tx) error { //nolint:errcheck // panics
			if err := tx.PutLock(statestore.Lock{Info: info("a")}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Update(c, "dev", func(tx statestore.Tx) error { return nil }); err != nil {
		t.Fatalf("Update after a panicking one: %v (the write connection was not released)", err)
	}
	if _, err := s.State(ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
		t.Errorf("the panicking Update committed: %v", err)
	}
}
