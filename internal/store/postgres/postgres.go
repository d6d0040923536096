package postgres

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/infractl/infractl/internal/statestore"
)

// Options tune a Store; the zero value is the production setup.
type Options struct {
	// MaxConns bounds the store's connections to PostgreSQL; 0 means 4
	// per CPU, at least 16. Every call holds one connection while it
	// runs (an Update while it waits for a state's row lock, too), so it
	// bounds concurrency; the servers' replicas together must stay under
	// the server's max_connections.
	MaxConns int
	// ConnectTimeout bounds making a connection; 0 means 2 seconds,
	// unless the DSN sets connect_timeout. It is how long a call waits
	// while PostgreSQL's host does not answer at all; a refused
	// connection (PostgreSQL down, host up) fails at once.
	ConnectTimeout time.Duration
	// Timeout bounds every Store call: waiting for a connection, for a
	// state's row lock and for the queries; past it the call fails with
	// ErrUnavailable. 0 means 10 seconds.
	Timeout time.Duration
	// LockTimeout bounds how long an Update waits for a state's row lock
	// held by another transaction (of this or another replica), as
	// PostgreSQL's lock_timeout; past it the Update fails with
	// ErrUnavailable. 0 means 5 seconds, unless the DSN sets lock_timeout.
	LockTimeout time.Duration
	// HealthCheckIdle is how long a pooled connection may sit idle before
	// it is pinged ahead of its next use; 0 means 1 second.
	HealthCheckIdle time.Duration
}

// idleInTransactionTimeout ends a session that sits inside a transaction
// doing nothing (a replica frozen while it held a state's row lock), so
// the other replicas are not blocked forever. Update callbacks do no I/O
// and take milliseconds.
const idleInTransactionTimeout = 30 * time.Second

// Store is the PostgreSQL statestore.Store. It is safe for concurrent use,
// and several Stores (server replicas) may share one database.
type Store struct {
	pool   *pool
	opts   Options
	closed atomic.Bool
	target string // host:port/database, for messages
	// readOnly chooses Update's path per state (see readonly.go).
	readOnly readOnlyHints
}

var _ statestore.Store = (*Store)(nil)

// Open connects to the database dsn names (a postgres:// URL or
// key=value string, as libpq and pgx read them) and applies pending
// migrations, waiting for another replica that is applying them. It
// fails when the database cannot be reached, or holds a schema newer
// than this infractl knows.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = max(16, 4*runtime.GOMAXPROCS(0))
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 2 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 5 * time.Second
	}
	if opts.HealthCheckIdle <= 0 {
		opts.HealthCheckIdle = time.Second
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("opening postgres store: %w", err) // pgx redacts the password
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	setDefault(cfg.RuntimeParams, "application_name", "infractl")
	setDefault(cfg.RuntimeParams, "lock_timeout", strconv.FormatInt(opts.LockTimeout.Milliseconds(), 10))
	setDefault(cfg.RuntimeParams, "idle_in_transaction_session_timeout",
		strconv.FormatInt(idleInTransactionTimeout.Milliseconds(), 10))

	s := &Store{opts: opts, pool: newPool(cfg, opts.MaxConns, opts.HealthCheckIdle),
		target: fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)}
	pc, err := s.pool.acquire(ctx)
	if err != nil {
		s.pool.close()
		return nil, fmt.Errorf("opening postgres store %s: %w", s.target, mapErr(ctx, err, opts.Timeout))
	}
	err = migrate(ctx, pc.conn)
	s.pool.release(pc, err == nil)
	if err != nil {
		s.pool.close()
		return nil, fmt.Errorf("opening postgres store %s: %w", s.target, mapErr(ctx, err, opts.Timeout))
	}
	return s, nil
}

func setDefault(m map[string]string, key, value string) {
	if _, ok := m[key]; !ok {
		m[key] = value
	}
}

// Target names the database as host:port/database, for logs (the DSN
// may hold a password).
func (s *Store) Target() string { return s.target }

// Close closes the idle connections; calls in flight finish on theirs,
// which are closed when they end, and later calls fail with
// ErrUnavailable.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.pool.close()
	return nil
}
