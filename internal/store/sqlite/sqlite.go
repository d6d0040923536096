package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/infractl/infractl/internal/statestore"
)

// FileName is the database file Open creates in the data directory.
const FileName = "state.db"

// Options tune a Store; the zero value is the production setup.
type Options struct {
	// BusyTimeout is how long a write waits for another process's write
	// lock on the same file before failing with ErrUnavailable; 0 means
	// 5 seconds.
	BusyTimeout time.Duration
	// Readers is the number of read connections; 0 means 4. Reads in WAL
	// mode never wait for the writer, so this bounds read concurrency
	// and memory (each connection has its own page cache).
	Readers int
	// CheckpointPages is the WAL size, in 4 KiB pages, at which the
	// writer copies the WAL back into the database after a commit (and
	// the WAL starts over); 0 means 1000, SQLite's default. Every writer
	// waits during a checkpoint, so its size sets the tail latency: with
	// 4000 pages the cycle benchmark's p99 at 1,500 cycles/s was twice
	// that with 1000 (bench_results.md).
	CheckpointPages int
	// MaxBatch is the most Update calls the writer commits in one
	// transaction (see writer.go); 0 means 64, 1 turns batching off.
	MaxBatch int
}

// Store is the SQLite statestore.Store. It is safe for concurrent use.
type Store struct {
	path  string
	write *sql.DB // one connection; every transaction BEGIN IMMEDIATE
	read  *sql.DB // query-only pool
	// readers holds a token per read connection in use (see readSlot).
	readers chan struct{}
	stmts   statements
	// queue feeds the writer goroutine; stop ends it and writerDone tells
	// it has ended.
	queue      chan *request
	stop       chan struct{}
	writerDone chan struct{}
	maxBatch   int
	// closed makes calls after Close fail with ErrUnavailable rather
	// than with database/sql's "statement is closed".
	closed atomic.Bool
}

// errClosed is returned by every call on a closed store.
var errClosed = fmt.Errorf("sqlite store is closed: %w", statestore.ErrUnavailable)

var _ statestore.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir: it makes dir with mode
// 0700 (tightening an existing one), creates <dir>/state.db with mode
// 0600, switches it to WAL and applies pending migrations.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if opts.CheckpointPages <= 0 {
		opts.CheckpointPages = 1000
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 64
	}
	if strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("opening store: data directory %q: '?' and '#' are not supported in the path", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening store: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("opening store: %w", err)
	}

	s := &Store{path: path, queue: make(chan *request), stop: make(chan struct{}),
		writerDone: make(chan struct{}), maxBatch: opts.MaxBatch, readers: make(chan struct{}, opts.Readers)}
	s.write, err = sql.Open("sqlite", dsn(path, roleWriter, opts))
	if err != nil {
		return nil, fmt.Errorf("opening store %s: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)
	if err := migrate(ctx, s.write); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("opening store %s: %w", path, mapErr(err))
	}
	var mode string
	if err := s.write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		s.write.Close()
		return nil, fmt.Errorf("opening store %s: journal mode is %q, not wal (%v)", path, mode, err)
	}

	s.read, err = sql.Open("sqlite", dsn(path, roleReader, opts))
	if err != nil {
		s.write.Close()
		return nil, fmt.Errorf("opening store %s: %w", path, err)
	}
	s.read.SetMaxOpenConns(opts.Readers)
	s.read.SetMaxIdleConns(opts.Readers)
	s.read.SetConnMaxLifetime(0)
	s.read.SetConnMaxIdleTime(0)

	if err := s.stmts.prepare(ctx, s.write, s.read); err != nil {
		s.closed.Store(true)
		s.stmts.close()
		s.read.Close()
		s.write.Close()
		return nil, fmt.Errorf("opening store %s: preparing statements: %w", path, mapErr(err))
	}
	go s.writeLoop()
	return s, nil
}

// Connection roles, each with its own settings (see dsn).
const (
	roleWriter = iota
	roleReader
)

// dsn builds the connection string of a role: every connection waits
// BusyTimeout for locks; the writer begins transactions IMMEDIATE and
// checks foreign keys; readers are query-only.
func dsn(path string, role int, opts Options) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	switch role {
	case roleWriter:
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Add("_pragma", "wal_autocheckpoint("+strconv.Itoa(opts.CheckpointPages)+")")
	case roleReader:
		q.Add("_pragma", "query_only(1)")
	}
	return path + "?" + q.Encode()
}

// Path is the database file, for logs and `PRAGMA integrity_check` tools.
func (s *Store) Path() string { return s.path }

// Close closes the statements and both connection pools.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.stop)
	<-s.writerDone // the batch in progress commits first
	s.stmts.close()
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error listing
// the problems it finds, for crash tests and `infractl server check`.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	rows, err := s.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return mapErr(err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check of %s: %s", s.path, strings.Join(problems, "; "))
	}
	return nil
}
