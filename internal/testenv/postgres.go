package testenv

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvPostgresBin names the directory holding initdb, pg_ctl and postgres,
// for machines where they are neither on PATH nor in a usual place.
const EnvPostgresBin = "INFRACTL_PG_BIN"

// EnvPostgresDSN names an existing PostgreSQL server (a URL such as
// postgres://postgres@db:5432/postgres whose user may CREATE DATABASE) that
// Postgres uses instead of starting a cluster of its own, for CI that runs
// PostgreSQL as a service. NewPostgresCluster ignores it: a test that stops
// the server needs one it owns.
const EnvPostgresDSN = "INFRACTL_TEST_POSTGRES_DSN"

// minPostgres is the oldest major version the harness starts (DROP DATABASE
// ... WITH (FORCE) is from 13); infractl's tests are meant for 15.
const minPostgres = 13

func init() {
	installHints["postgres"] = "apt-get install postgresql-15 (Debian/Ubuntu; the server binaries land in " +
		"/usr/lib/postgresql/15/bin, which is searched), or set " + EnvPostgresBin +
		" to the directory holding initdb, pg_ctl and postgres; or set " + EnvPostgresDSN +
		" to the URL of a server whose user may create databases"
}

// PostgresCluster is a throwaway PostgreSQL server: its own data directory
// (made by initdb: trust authentication, C locale, max_connections 200,
// and fsync, synchronous_commit and every other setting at PostgreSQL's
// defaults, so durability tests and benchmarks mean something),
// listening on a free port of 127.0.0.1 and on a Unix socket in its own
// directory. As root, initdb and the server run as the "postgres" user,
// since PostgreSQL refuses to run as root.
//
// Every cluster is removed when the test process exits, however it exits
// (a failed test, a panic, a timeout, SIGKILL): each has a guardian shell,
// in its own process group, that waits for end of file on a pipe only the
// test process holds open, then stops the server in immediate mode and
// deletes the directory. NewPostgresCluster's clusters are also removed by
// t.Cleanup; the shared one of Postgres lives as long as the process.
type PostgresCluster struct {
	// Port is the server's TCP port on 127.0.0.1.
	Port int
	// SocketDir is the directory of the server's Unix socket.
	SocketDir string
	// Version is the server's version as pg_ctl reports it, e.g. "15.18".
	Version string
	// StartTime is how long creating and first starting the cluster took
	// (initdb and pg_ctl start), for the record.
	StartTime time.Duration

	bin     string // directory of initdb, pg_ctl, postgres
	root    string // temporary directory holding everything
	dataDir string
	logFile string
	cred    *syscall.Credential // the cluster owner when we are root, else nil
	// guard is the guardian's stdin; closing it stops and removes the
	// cluster. guardDone is closed when the guardian has exited.
	guard     io.WriteCloser
	guardDone chan struct{}

	mu      sync.Mutex
	running bool
	removed bool
}

// DSN returns the URL of database on the cluster, over TCP as a server
// replica would connect, as the superuser postgres.
func (c *PostgresCluster) DSN(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, url.PathEscape(database))
}

// Start starts the server (after Stop or Crash) and waits until it
// accepts connections. Starting a running cluster is an error.
func (c *PostgresCluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return errors.New("postgres cluster: already removed")
	}
	if c.running {
		return errors.New("postgres cluster: already running")
	}
	if err := c.pgctl("start", "-w", "-t", "60", "-l", c.logFile); err != nil {
		return fmt.Errorf("starting postgres: %w\n%s", err, tailOf(c.logFile, 4096))
	}
	c.running = true
	return nil
}

// Stop shuts the server down in fast mode, as an administrator or a
// service manager would: clients are disconnected at once (they see
// admin_shutdown, then connection refused), committed transactions are
// kept, and the server checkpoints before it exits.
func (c *PostgresCluster) Stop() error { return c.stop("fast") }

// Crash kills the server in immediate mode, like a power cut of the
// database process: no checkpoint, and the next Start recovers from the
// WAL, which must hold every committed transaction.
func (c *PostgresCluster) Crash() error { return c.stop("immediate") }

func (c *PostgresCluster) stop(mode string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return errors.New("postgres cluster: not running")
	}
	if err := c.pgctl("stop", "-w", "-t", "60", "-m", mode); err != nil {
		return fmt.Errorf("stopping postgres (%s): %w", mode, err)
	}
	c.running = false
	return nil
}

// CreateDatabase creates an empty database with a random name on the
// running cluster, drops it when t ends (closing what is still connected),
// and returns its DSN.
func (c *PostgresCluster) CreateDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, c.DSN("postgres"), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.running
	})
}

// remove stops the server if it runs and deletes the cluster's directory,
// by closing the guardian's pipe and waiting for the guardian to finish.
func (c *PostgresCluster) remove() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.removed {
		return
	}
	c.removed, c.running = true, false
	_ = c.guard.Close()
	select {
	case <-c.guardDone:
	case <-time.After(90 * time.Second):
	}
}

// Postgres returns the DSN of a new, empty database, dropped when t ends,
// on the test process's shared cluster (started on first use), or on the
// server named by INFRACTL_TEST_POSTGRES_DSN. Missing PostgreSQL binaries
// skip t, or fail it under INFRACTL_REQUIRE_INTEGRATION=1; a cluster that
// does not start fails t.
//
// One cluster serves the whole process because creating one takes about
// 0.9 s on the idle 2-core dev machine (initdb 0.75 s, start 0.13 s;
// 2 s when the machine is busy; TestPostgres logs it) while a database
// takes 0.1-0.3 s; each test gets its own database, so tests are
// isolated. Tests must not stop the
// shared cluster: use NewPostgresCluster for that.
func Postgres(t testing.TB) string {
	t.Helper()
	if admin := os.Getenv(EnvPostgresDSN); admin != "" {
		return createDatabase(t, admin, func() bool { return true })
	}
	c, err := sharedPostgres()
	var missing *pgMissingError
	if errors.As(err, &missing) {
		Need(t, "postgres", err)
	}
	if err != nil {
		t.Fatalf("starting the shared postgres cluster: %v", err)
	}
	return c.CreateDatabase(t)
}

// NewPostgresCluster starts a cluster for t alone, for tests that stop,
// crash or restart the server; it is stopped and deleted when t ends.
// Missing binaries skip or fail t as in Postgres.
func NewPostgresCluster(t testing.TB) *PostgresCluster {
	t.Helper()
	bin, version, err := findPostgres()
	var missing *pgMissingError
	if errors.As(err, &missing) {
		Need(t, "postgres", err)
	}
	if err != nil {
		t.Fatalf("finding postgres: %v", err)
	}
	c, err := startCluster(bin, version)
	if err != nil {
		t.Fatalf("starting a postgres cluster: %v", err)
	}
	t.Cleanup(c.remove)
	return c
}

var (
	pgMu     sync.Mutex
	pgShared *PostgresCluster
	pgErr    error
)

// sharedPostgres starts the process's cluster once; a failure is
// remembered so later tests fail fast with the same message.
func sharedPostgres() (*PostgresCluster, error) {
	pgMu.Lock()
	defer pgMu.Unlock()
	if pgShared != nil || pgErr != nil {
		return pgShared, pgErr
	}
	bin, version, err := findPostgres()
	if err != nil {
		pgErr = err
		return nil, err
	}
	pgShared, pgErr = startCluster(bin, version)
	return pgShared, pgErr
}

// pgMissingError says the binaries (or a user to run them as) are missing,
// which skips a test rather than failing it.
type pgMissingError struct{ msg string }

func (e *pgMissingError) Error() string { return e.msg }

// findPostgres locates a directory with initdb, pg_ctl and postgres:
// INFRACTL_PG_BIN, then pg_ctl on PATH (symlinks resolved), then the
// usual install locations, newest version first; and checks the version.
func findPostgres() (bin, version string, err error) {
	var candidates []string
	if dir := os.Getenv(EnvPostgresBin); dir != "" {
		candidates = append(candidates, dir)
	} else {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				candidates = append(candidates, filepath.Dir(real))
			}
		}
		for _, pattern := range []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin",
			"/opt/homebrew/opt/postgresql@*/bin", "/usr/local/opt/postgresql@*/bin"} {
			dirs, _ := filepath.Glob(pattern)
			sort.Slice(dirs, func(i, j int) bool { return pgDirVersion(dirs[i]) > pgDirVersion(dirs[j]) })
			candidates = append(candidates, dirs...)
		}
	}
	for _, dir := range candidates {
		ok := true
		for _, exe := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, exe)); err != nil || fi.IsDir() {
				ok = false
			}
		}
		if !ok {
			continue
		}
		version, err := pgVersion(dir)
		if err != nil {
			return "", "", err
		}
		if os.Geteuid() == 0 {
			if _, err := user.Lookup("postgres"); err != nil {
				return "", "", &pgMissingError{"running as root, and PostgreSQL refuses root, but there is no \"postgres\" user to run it as"}
			}
		}
		return dir, version, nil
	}
	if len(candidates) == 0 {
		return "", "", &pgMissingError{"pg_ctl is not on PATH nor in /usr/lib/postgresql/*/bin"}
	}
	return "", "", &pgMissingError{fmt.Sprintf("no directory with initdb, pg_ctl and postgres among %s", strings.Join(candidates, ", "))}
}

// pgDirVersion extracts the major version from an install path, to try
// the newest first.
func pgDirVersion(dir string) int {
	m := digitsRE.FindAllString(dir, -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1])
	return n
}

var digitsRE = regexp.MustCompile(`\d+`)

var pgVersionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(\.\d+)?`)

// pgVersion runs pg_ctl --version and checks the major version.
func pgVersion(bin string) (string, error) {
	out, err := exec.Command(filepath.Join(bin, "pg_ctl"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("running %s --version: %w", filepath.Join(bin, "pg_ctl"), err)
	}
	m := pgVersionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("reading the version of %s from %q", bin, out)
	}
	major, _ := strconv.Atoi(m[1])
	if major < minPostgres {
		return "", &pgMissingError{fmt.Sprintf("%s is PostgreSQL %s, want >= %d", bin, m[1]+m[2], minPostgres)}
	}
	return m[1] + m[2], nil
}

// pgGuardian waits for end of file on its stdin (the test process exited
// or removed the cluster), then stops the server and deletes the cluster's
// directory. $0 is pg_ctl, $1 the data directory, $2 the root directory.
const pgGuardian = `cat >/dev/null
"$0" -D "$1" -m immediate -w -t 30 stop >/dev/null 2>&1
rm -rf "$2"
exit 0`

// startCluster runs initdb into a new temporary directory and starts the
// server on a free port, retrying with another port when one was taken
// between the probe and the server's bind.
func startCluster(bin, version string) (*PostgresCluster, error) {
	start := time.Now()
	c := &PostgresCluster{bin: bin, Version: version, guardDone: make(chan struct{})}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	// Unix socket paths are limited to about 100 bytes, and the cluster
	// owner must be able to reach the directory: prefer a short /tmp.
	parent := os.TempDir()
	if _, err := os.Stat("/tmp"); err == nil && (c.cred != nil || len(parent) > 60) {
		parent = "/tmp"
	}
	root, err := os.MkdirTemp(parent, "infractl-pg-")
	if err != nil {
		return nil, err
	}
	c.root, c.SocketDir = root, root
	c.dataDir, c.logFile = filepath.Join(root, "data"), filepath.Join(root, "postgres.log")
	if c.cred != nil {
		if err := os.Chown(root, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(root)
			return nil, err
		}
	}
	if err := c.startGuardian(); err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	fail := func(err error) (*PostgresCluster, error) {
		c.remove()
		return nil, err
	}
	if out, err := c.command(filepath.Join(bin, "initdb"), "-D", c.dataDir, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %w\n%s", err, out))
	}
	for attempt := 0; ; attempt++ {
		port, err := pgFreePort()
		if err != nil {
			return fail(err)
		}
		c.Port = port
		if err := c.writeConf(); err != nil {
			return fail(err)
		}
		err = c.Start()
		if err == nil {
			break
		}
		if attempt < 2 && strings.Contains(err.Error(), "already in use") {
			continue
		}
		return fail(err)
	}
	c.StartTime = time.Since(start)
	return c, nil
}

// writeConf appends the cluster's listening settings to postgresql.conf
// (later lines win), so every Start uses them.
func (c *PostgresCluster) writeConf() error {
	f, err := os.OpenFile(filepath.Join(c.dataDir, "postgresql.conf"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n# infractl testenv\nport = %d\nlisten_addresses = '127.0.0.1'\n"+
		"unix_socket_directories = '%s'\nmax_connections = 200\n", c.Port, c.SocketDir)
	return errors.Join(err, f.Close())
}

// startGuardian starts the shell that removes the cluster at end of file
// on its stdin. It runs as the cluster owner (pg_ctl refuses root) in its
// own process group, so a Ctrl-C meant for the tests does not kill it
// before it has cleaned up.
func (c *PostgresCluster) startGuardian() error {
	cmd := c.command("sh", "-c", pgGuardian, filepath.Join(c.bin, "pg_ctl"), c.dataDir, c.root)
	cmd.SysProcAttr.Setpgid = true
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the postgres guardian: %w", err)
	}
	c.guard = stdin
	go func() {
		_ = cmd.Wait()
		close(c.guardDone)
	}()
	return nil
}

// pgctl runs pg_ctl on the cluster's data directory.
func (c *PostgresCluster) pgctl(args ...string) error {
	args = append([]string{"-D", c.dataDir}, args...)
	out, err := c.command(filepath.Join(c.bin, "pg_ctl"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// command prepares a command run as the cluster owner, in the cluster's
// directory (the owner may not be able to enter ours), with a plain
// environment: no PG* variables of the developer's leak in.
func (c *PostgresCluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.root
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "TZ=UTC"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// pgFreePort asks the kernel for a free loopback port.
func pgFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailOf returns the last max bytes of a file, for error messages.
func tailOf(path string, max int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var lines []string
	size := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		size += len(sc.Text()) + 1
		for size > max && len(lines) > 1 {
			size -= len(lines[0]) + 1
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// createDatabase creates a database named t_<random> through the admin
// DSN, registers its drop with t (skipped when running reports the server
// is down) and returns its DSN.
func createDatabase(t testing.TB, admin string, running func() bool) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("postgres admin DSN %q: want a postgres:// URL (%v)", admin, err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if !running() {
			return // the whole cluster goes away with its test
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// adminExec runs one statement on a connection of its own.
func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// PostmasterPID returns the process ID of the running server's
// postmaster, whose children are the backends, so benchmarks can measure
// the server's CPU time.
func (c *PostgresCluster) PostmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}
