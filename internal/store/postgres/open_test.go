package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/postgres"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/testenv"
)

// rawConn is a plain connection to the test database, for checks and
// sabotage behind the store's back.
func rawConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestConcurrentOpensMigrateOnce starts several replicas on a new
// database at once: every Open succeeds and each migration is applied
// exactly once.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	dsn := testenv.Postgres(t)
	const replicas = 6
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	start := make(chan struct{})
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, err := postgres.Open(ctx, dsn, postgres.Options{})
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = s.Close()
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var n, distinct int
	if err := rawConn(t, dsn).QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != 1 || distinct != 1 {
		t.Errorf("schema_migrations has %d rows (%d versions), want 1: each migration applied once", n, distinct)
	}
}

func TestReopenKeepsStatesAndLocks(t *testing.T) {
	dsn := testenv.Postgres(t)
	s, err := postgres.Open(ctx, dsn, postgres.Options{})
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
	svc = statestore.NewService(openStore(t, dsn, postgres.Options{}), statestore.Options{})
	rec, err := svc.State(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Lock == nil || rec.Lock.Info.ID != "id-a" || !rec.Lock.AcquiredAt.Equal(held.AcquiredAt) {
		t.Errorf("lock after reopen = %+v, want %+v", rec.Lock, held)
	}
	if got, _, err := svc.Get(ctx, "prod"); err != nil || string(got) != string(body) {
		t.Errorf("Get after reopen: %v", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dsn := testenv.Postgres(t)
	openStore(t, dsn, postgres.Options{})
	if _, err := rawConn(t, dsn).Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err == nil || !strings.Contains(err.Error(), "database schema version 999 is newer than this infractl knows (1)") {
		t.Errorf("Open of a newer database: err = %v", err)
	}
}

// TestStatesSortedByBytes checks the listing order does not depend on
// the database's collation: names sort as bytes, as on SQLite. The
// database gets ICU's en-US collation, which sorts '_' before '-'.
func TestStatesSortedByBytes(t *testing.T) {
	dsn := testenv.Postgres(t)
	admin := rawConn(t, dsn)
	icu := admin.Config().Database + "_icu"
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+icu+` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`); err != nil {
		t.Fatalf("creating a database with ICU collation: %v", err)
	}
	t.Cleanup(func() { admin.Exec(ctx, `DROP DATABASE `+icu+` WITH (FORCE)`) }) //nolint:errcheck // the cluster is thrown away anyway
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + icu
	s := openStore(t, u.String(), postgres.Options{})
	var order string
	if err := rawConn(t, u.String()).QueryRow(ctx,
		`SELECT string_agg(n, ' ' ORDER BY n) FROM unnest(ARRAY['a-b', 'a_b', 'ab']) n`).Scan(&order); err != nil {
		t.Fatal(err)
	}
	t.Logf("the database's own order: %s", order)
	svc := statestore.NewService(s, statestore.Options{})
	names := []string{"a.b", "a-b", "a_b", "ab", "a/b", "a0", "b"}
	for _, name := range names {
		if _, err := svc.Lock(ctx, name, info("x"), ""); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := svc.States(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.Name)
	}
	want := "a-b a.b a/b a0 a_b ab b"
	if strings.Join(got, " ") != want {
		t.Errorf("States order = %v, want %s", got, want)
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	// A port nothing listens on: connection refused, at once.
	start := time.Now()
	_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/x?sslmode=disable", postgres.Options{})
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Open of a refused address: err = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Open of a refused address took %v", d)
	}
	// A host that never answers: the connect timeout.
	start = time.Now()
	_, err = postgres.Open(ctx, "postgres://postgres@192.0.2.1:5432/x?sslmode=disable", postgres.Options{ConnectTimeout: 200 * time.Millisecond})
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Open of a silent address: err = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Open of a silent address took %v, want about the 200ms connect timeout", d)
	}
}

// TestLockTimeoutAndClosedAreUnavailable holds a state's row lock in one
// replica's Update: another replica's writing Update gives up after its
// LockTimeout with ErrUnavailable (503), while reads and read-only
// Updates do not wait at all. A closed store answers ErrUnavailable too.
func TestLockTimeoutAndClosedAreUnavailable(t *testing.T) {
	dsn := testenv.Postgres(t)
	a := openStore(t, dsn, postgres.Options{})
	b, err := postgres.Open(ctx, dsn, postgres.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	inside, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- a.Update(ctx, "dev", func(tx statestore.Tx) error {
			if err := tx.PutLock(statestore.Lock{Info: info("a"), AcquiredAt: time.Now()}); err != nil {
				return err
			}
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	// The row is new and uncommitted: b blocks on the unique index.
	start := time.Now()
	err = b.Update(ctx, "dev", func(tx statestore.Tx) error {
		return tx.PutLock(statestore.Lock{Info: info("b"), AcquiredAt: time.Now()})
	})
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Update while another replica holds a new state: err = %v, want ErrUnavailable", err)
	}
	t.Logf("gave up after %v: %v", time.Since(start), err)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Now an existing row, locked with FOR UPDATE.
	inside, release = make(chan struct{}), make(chan struct{})
	go func() {
		done <- a.Update(ctx, "dev", func(tx statestore.Tx) error {
			close(inside)
			<-release
			return tx.DeleteLock()
		})
	}()
	<-inside
	// An Update that only reads does not wait (its state's last Update
	// wrote nothing, so it runs on a snapshot first, see readonly.go) and
	// sees the committed lock; one that writes waits, then gives up.
	start = time.Now()
	err = b.Update(ctx, "dev", func(tx statestore.Tx) error {
		rec, err := tx.Record()
		if err == nil && (rec.Lock == nil || rec.Lock.Info.ID != "a") {
			t.Errorf("read-only Update saw %+v, want the committed lock a", rec.Lock)
		}
		return err
	})
	if err != nil || time.Since(start) > 50*time.Millisecond {
		t.Errorf("read-only Update while another replica holds the row: err = %v after %v, want nil at once", err, time.Since(start))
	}
	err = b.Update(ctx, "dev", func(tx statestore.Tx) error { return tx.DeleteLock() })
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("writing Update while another replica holds the row: err = %v, want ErrUnavailable", err)
	}
	if rec, err := b.State(ctx, "dev"); err != nil || rec.Lock == nil {
		t.Errorf("State while another replica holds the row: %+v, %v; want the committed lock at once", rec, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// b's connection survived the lock timeout.
	if err := b.Update(ctx, "dev", func(tx statestore.Tx) error { return nil }); err != nil {
		t.Errorf("Update after the holder finished: %v", err)
	}

	b.Close()
	if err := b.Update(ctx, "dev", func(tx statestore.Tx) error { return nil }); !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Update on a closed store: err = %v, want ErrUnavailable", err)
	}
	if _, err := b.Current(ctx, "dev"); !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Current on a closed store: err = %v, want ErrUnavailable", err)
	}
}

func TestUpdatePanicReleasesConnection(t *testing.T) {
	s := openStore(t, testenv.Postgres(t), postgres.Options{MaxConns: 1})
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
		t.Fatalf("Update after a panicking one: %v (the connection was not released)", err)
	}
	if _, err := s.State(ctx, "dev"); !errors.Is(err, statestore.ErrNotFound) {
		t.Errorf("the panicking Update committed: %v", err)
	}
}

// TestUpdateOnLostConnection kills the store's connection while fn
// runs. When fn then queries (InsertVersion), nothing was committed yet,
// so Update runs fn again on a new connection and succeeds, as the Store
// contract allows. When fn only queued writes, they go out with COMMIT
// on the dead connection: the outcome of a COMMIT that got no answer is
// unknown in general, so Update fails with ErrUnavailable (503, the client
// retries), and the next Update works on a new connection.
func TestUpdateOnLostConnection(t *testing.T) {
	dsn := testenv.Postgres(t)
	s := openStore(t, dsn, postgres.Options{})
	admin := rawConn(t, dsn)
	kill := func() error {
		_, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = 'infractl'`)
		return err
	}
	at := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	calls := 0
	err := s.Update(ctx, "dev", func(tx statestore.Tx) error {
		calls++
		if calls == 1 {
			if err := kill(); err != nil {
				return fmt.Errorf("terminating: %w", err)
			}
		}
		_, err := tx.InsertVersion(statestore.VersionMeta{Generation: 1, Serial: 1, Lineage: "l", CreatedAt: at},
			statestore.Blob{Data: []byte("x"), Encoding: "identity"})
		return err
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if calls != 2 {
		t.Errorf("fn ran %d times, want 2", calls)
	}
	if v, err := s.Current(ctx, "dev"); err != nil || v.Serial != 1 {
		t.Errorf("Current = %+v, %v; want serial 1", v, err)
	}

	// Warm the connection's statement cache, so the queued write is not
	// prepared first (preparing would notice the dead connection before
	// anything was sent, and the call would be retried).
	putLock := func(tx statestore.Tx) error {
		return tx.PutLock(statestore.Lock{Info: info("a"), AcquiredAt: at})
	}
	if err := s.Update(ctx, "dev", putLock); err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, "dev", func(tx statestore.Tx) error {
		if err := kill(); err != nil {
			return err
		}
		time.Sleep(50 * time.Millisecond) // let the backend go
		return tx.DeleteLock()
	})
	if !errors.Is(err, statestore.ErrUnavailable) {
		t.Errorf("Update whose COMMIT met a dead connection: err = %v, want ErrUnavailable", err)
	}
	if err := s.Update(ctx, "dev", func(tx statestore.Tx) error { return tx.DeleteLock() }); err != nil {
		t.Errorf("Update after the lost one: %v", err)
	}
	if rec, err := s.State(ctx, "dev"); err != nil || rec.Lock != nil {
		t.Errorf("State = %+v, %v; want unlocked", rec, err)
	}
}

// TestSchemaChangeUnderOpenStore changes a column's type behind an open
// store, as another replica's migration would: its cached prepared
// statements fail once ("cached plan must not change result type") and
// are prepared again, so no call fails.
func TestSchemaChangeUnderOpenStore(t *testing.T) {
	dsn := testenv.Postgres(t)
	s := openStore(t, dsn, postgres.Options{MaxConns: 1})
	svc := statestore.NewService(s, statestore.Options{CacheBytes: -1})
	body := storetest.Spec{Lineage: "l", Serial: 1, Resources: 1}.Body()
	if _, err := svc.Write(ctx, "dev", statestore.WriteRequest{Body: body}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Get(ctx, "dev"); err != nil {
		t.Fatal(err)
	}
	if _, err := rawConn(t, dsn).Exec(ctx, `ALTER TABLE versions ALTER COLUMN lineage TYPE varchar(200)`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Get(ctx, "dev"); err != nil {
		t.Errorf("Get after the schema change: %v", err)
	}
	next := storetest.Spec{Lineage: "l", Serial: 2, Resources: 1}.Body()
	if _, err := svc.Write(ctx, "dev", statestore.WriteRequest{Body: next}); err != nil {
		t.Errorf("Write after the schema change: %v", err)
	}
}
