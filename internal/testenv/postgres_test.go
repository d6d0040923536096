package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func pgConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting to %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestPostgres(t *testing.T) {
	start := time.Now()
	a := Postgres(t)
	first := time.Since(start)
	start = time.Now()
	b := Postgres(t)
	t.Logf("first database (cluster start included) in %v, second in %v", first, time.Since(start))
	if pgShared != nil {
		t.Logf("shared cluster: PostgreSQL %s on port %d, started in %v", pgShared.Version, pgShared.Port, pgShared.StartTime)
	}
	if a == b {
		t.Fatalf("two calls returned the same database %s", a)
	}
	ctx := context.Background()
	ca, cb := pgConnect(t, a), pgConnect(t, b)
	if _, err := ca.Exec(ctx, `CREATE TABLE only_in_a (x int)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := cb.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table of database a seen from b: count %d, %v", n, err)
	}
	var fsync string
	if err := ca.QueryRow(ctx, `SHOW fsync`).Scan(&fsync); err != nil || fsync != "on" {
		t.Errorf("fsync = %q, %v; want on (durability tests need it)", fsync, err)
	}
}

func TestPostgresClusterRestart(t *testing.T) {
	if os.Getenv(EnvPostgresDSN) != "" {
		t.Log(EnvPostgresDSN + " is set, but NewPostgresCluster still starts a cluster of its own")
	}
	c := NewPostgresCluster(t)
	t.Logf("private cluster: PostgreSQL %s on port %d, socket in %s, started in %v", c.Version, c.Port, c.SocketDir, c.StartTime)
	dsn := c.CreateDatabase(t)
	ctx := context.Background()
	conn := pgConnect(t, dsn)
	if _, err := conn.Exec(ctx, `CREATE TABLE kept (x int); INSERT INTO kept VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	for _, stop := range []struct {
		name string
		fn   func() error
	}{{"Stop", c.Stop}, {"Crash", c.Crash}} {
		start := time.Now()
		if err := stop.fn(); err != nil {
			t.Fatal(err)
		}
		stopped := time.Since(start)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := pgx.Connect(cctx, dsn)
		cancel()
		if err == nil {
			t.Fatalf("connected after %s", stop.name)
		}
		start = time.Now()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s took %v, Start %v", stop.name, stopped, time.Since(start))
		again := pgConnect(t, dsn)
		var n int
		if err := again.QueryRow(ctx, `SELECT count(*) FROM kept`).Scan(&n); err != nil || n != 1 {
			t.Errorf("after %s and Start: %d rows, %v; want 1", stop.name, n, err)
		}
	}
	if err := c.Start(); err == nil {
		t.Error("Start of a running cluster succeeded")
	}
	root := c.root
	c.remove()
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("cluster directory %s still there after remove: %v", root, err)
	}
}
