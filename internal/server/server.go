package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
)

// Defaults of Config.
const (
	// DefaultListen is the address `infractl server` listens on: loopback
	// only, because until issue 4 there is no authentication.
	DefaultListen = "127.0.0.1:7420"
	// DefaultDataDir is where the embedded SQLite store lives, relative
	// to the working directory.
	DefaultDataDir = ".infractl/server"
	// DefaultMaxBodyBytes bounds a state upload; Terraform states beyond
	// a few tens of MiB are rare, and the server holds a body in memory.
	DefaultMaxBodyBytes = 256 << 20
)

// Middleware wraps a route's handler. Middlewares run after the route is
// resolved (RouteOf reports it) and before the route's handler, which is
// where authentication and authorization belong.
type Middleware func(http.Handler) http.Handler

// Config is everything a Server needs; the zero value (plus a Logger, if
// logs are wanted elsewhere than stderr) is a working server on
// DefaultListen with its store in DefaultDataDir.
type Config struct {
	// Listen is the TCP address to bind; "127.0.0.1:0" picks a free port,
	// which Addr and URL then report. Empty means DefaultListen.
	Listen string
	// DataDir holds the SQLite store (created with mode 0700); empty
	// means DefaultDataDir. Ignored when Store is set.
	DataDir string
	// Store, when set, is used instead of opening SQLite in DataDir (the
	// PostgreSQL store of `--store postgres://...`). The caller keeps
	// ownership: Close does not close it.
	Store statestore.Store
	// SQLite tunes the embedded store opened in DataDir.
	SQLite sqlite.Options
	// Service tunes the statestore.Service (codec, clock, admission).
	Service statestore.Options
	// Logger receives JSON logs; nil means a JSON handler on stderr at
	// info level. Each component logs through its own child logger
	// (component=http, state, server).
	Logger *slog.Logger
	// MaxBodyBytes bounds a state upload (413 beyond it); 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Middleware wraps every route, first outermost, after the server's
	// own (see Middleware).
	Middleware []Middleware
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout set the
	// http.Server's timeouts; zero means 10 s, 5 min, 5 min and 2 min,
	// which let a large state travel over a slow link while slow-header
	// clients are dropped quickly.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

// Server is infractl's state server: Terraform's http backend protocol and
// the JSON API over a statestore.Service. It is what `infractl server`
// and `infractl demo` run, and what tests start on 127.0.0.1:0 with a
// temporary data directory.
type Server struct {
	cfg        Config
	log        *slog.Logger // component=server: lifecycle
	httpLog    *slog.Logger // component=http: one line per request
	stateLog   *slog.Logger // component=state: protocol events (force-unlock)
	metrics    *metrics
	ids        *requestIDs
	mux        *http.ServeMux
	states     map[methodKind]*stateRoute
	middleware []Middleware
	handler    http.Handler
	now        func() time.Time

	mu        sync.Mutex
	store     statestore.Store
	ownsStore bool
	svc       *statestore.Service
	ln        net.Listener
	srv       *http.Server
	serveErr  chan error
	closed    bool
}

// New checks cfg and builds the server's handler; it opens nothing, so
// configuration errors surface before any file or port is touched. Start
// opens the store and binds.
func New(cfg Config) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("server config: MaxBodyBytes %d is negative", cfg.MaxBodyBytes)
	}
	if _, _, err := net.SplitHostPort(cfg.Listen); err != nil {
		return nil, fmt.Errorf("server config: listen address %q: %w", cfg.Listen, err)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	setDefault(&cfg.ReadHeaderTimeout, 10*time.Second)
	setDefault(&cfg.ReadTimeout, 5*time.Minute)
	setDefault(&cfg.WriteTimeout, 5*time.Minute)
	setDefault(&cfg.IdleTimeout, 2*time.Minute)

	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger.With(slog.String(keyComponent, "server")),
		httpLog:  cfg.Logger.With(slog.String(keyComponent, "http")),
		stateLog: cfg.Logger.With(slog.String(keyComponent, "state")),
		ids:      newRequestIDs(),
		states:   map[methodKind]*stateRoute{},
		now:      time.Now,
	}
	if cfg.Service.Now != nil {
		s.now = cfg.Service.Now
	}
	s.metrics = newMetrics(s.countLocks)
	// Middlewares, outermost first. Issue 4 adds authentication here:
	// s.middleware = append(s.middleware, s.authenticate)
	s.middleware = append(s.middleware, cfg.Middleware...)
	s.handler = s.routes()
	return s, nil
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

// Start opens the store (unless Config.Store was given), builds the
// service, binds Listen and serves in the background until Close. ctx
// bounds opening and binding only; a failure leaves nothing open.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("server: Start called on a server already started or closed")
	}
	store, owns := s.cfg.Store, false
	if store == nil {
		st, err := sqlite.Open(ctx, s.cfg.DataDir, s.cfg.SQLite)
		if err != nil {
			return err
		}
		store, owns = st, true
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		if owns {
			_ = store.Close()
		}
		return fmt.Errorf("listening on %s: %w", s.cfg.Listen, err)
	}
	s.store, s.ownsStore = store, owns
	s.svc = statestore.NewService(store, s.cfg.Service)
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.httpLog.Handler(), slog.LevelWarn),
	}
	s.serveErr = make(chan error, 1)
	go func() { s.serveErr <- s.srv.Serve(ln) }()
	attrs := []any{slog.String(keyAddr, ln.Addr().String())}
	if owns {
		attrs = append(attrs, slog.String(keyDataDir, s.cfg.DataDir))
	}
	s.log.Info("serving", attrs...)
	return nil
}

// Addr is the address the server is bound to (the real port when Listen
// asked for port 0), empty before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL is the server's base URL, e.g. http://127.0.0.1:7420, for printing
// and for Terraform backend addresses (URL()+"/v1/states/NAME").
func (s *Server) URL() string {
	addr := s.Addr()
	if addr == "" {
		return ""
	}
	return "http://" + addr
}

// Service is the statestore.Service the server runs on, so `infractl demo`
// can read states without HTTP; nil before Start.
func (s *Server) Service() *statestore.Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.svc
}

// Close shuts the server down gracefully: it stops accepting connections,
// waits for in-flight requests (writes included) to finish or ctx to end,
// then closes the store it opened. When ctx ends first, the remaining
// connections are cut and their requests fail; the store is closed anyway.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed || s.srv == nil {
		s.closed = true
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var errs []error
	if err := s.srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("shutting down: %w", err))
		_ = s.srv.Close()
	}
	if err := <-s.serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("serving: %w", err))
	}
	if s.ownsStore {
		if err := s.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("closing store: %w", err))
		}
	}
	err := errors.Join(errs...)
	if err != nil {
		s.log.Error("stopped", slog.String(keyError, err.Error()))
	} else {
		s.log.Info("stopped")
	}
	return err
}

// countLocks counts held locks for the locks gauge. Handlers use s.svc
// without the mutex: Start sets it before serving begins.
func (s *Server) countLocks(ctx context.Context) (int, error) {
	if s.svc == nil {
		return 0, nil
	}
	recs, err := s.svc.Locks(ctx)
	return len(recs), err
}
