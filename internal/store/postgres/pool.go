package postgres

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// pool is the store's connection pool: at most size connections to
// PostgreSQL, handed out first come, first served.
//
// It is small on purpose, and not pgxpool: every Store call holds one
// connection for its whole duration (an Update holds the state's row lock
// on it), so the pool only has to bound connections, hand them out in
// order (a channel serves its waiters FIFO; a random hand-off starves
// some callers under load, see the SQLite store's benchmarks), notice dead
// connections and make new ones. It keeps no minimum: a connection is
// made when a call needs one and there is none idle, and a failed connect
// fails the call at once (connection refused while PostgreSQL is down),
// so requests get a quick 503 instead of queueing.
//
// Health: a connection idle for longer than healthIdle is pinged before
// use, and replaced when the ping fails; a connection that failed, is
// closed or is left inside a transaction is discarded on release. When a
// call finds its connection dead, reset marks every idle connection of
// the same age as suspect (they most likely died with it, in a restart of
// PostgreSQL), so the retry and the calls after it connect afresh instead
// of each discovering a dead connection of its own.
type pool struct {
	cfg        *pgx.ConnConfig
	slots      chan *poolConn // one token per allowed connection; nil = not connected
	healthIdle time.Duration
	epoch      atomic.Uint64 // bumped by reset; older connections are discarded
	closed     atomic.Bool
}

// poolConn is one connection with what the pool knows about it.
type poolConn struct {
	conn     *pgx.Conn
	epoch    uint64
	lastUsed time.Time
}

func newPool(cfg *pgx.ConnConfig, size int, healthIdle time.Duration) *pool {
	p := &pool{cfg: cfg, slots: make(chan *poolConn, size), healthIdle: healthIdle}
	for range size {
		p.slots <- nil
	}
	return p
}

// acquire waits for a slot and returns a live connection on it, making
// one if needed. Connect errors are returned as they are (mapErr decides).
func (p *pool) acquire(ctx context.Context) (*poolConn, error) {
	var pc *poolConn
	select {
	case pc = <-p.slots:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if p.closed.Load() {
		p.discard(pc)
		return nil, errClosed
	}
	if pc != nil && (pc.conn.IsClosed() || pc.epoch != p.epoch.Load()) {
		p.closeConn(pc)
		pc = nil
	}
	if pc != nil && time.Since(pc.lastUsed) > p.healthIdle {
		if err := pc.conn.Ping(ctx); err != nil {
			p.closeConn(pc)
			pc = nil
			if ctx.Err() != nil {
				p.slots <- nil
				return nil, ctx.Err()
			}
		}
	}
	if pc == nil {
		epoch := p.epoch.Load()
		conn, err := pgx.ConnectConfig(ctx, p.cfg)
		if err != nil {
			p.slots <- nil
			return nil, err
		}
		pc = &poolConn{conn: conn, epoch: epoch}
	}
	return pc, nil
}

// release gives the connection back; healthy says the call ended with the
// connection idle and usable (no error that could have broken it).
func (p *pool) release(pc *poolConn, healthy bool) {
	if !healthy || p.closed.Load() || pc.conn.IsClosed() || pc.conn.PgConn().TxStatus() != 'I' {
		p.discard(pc)
		return
	}
	pc.lastUsed = time.Now()
	p.slots <- pc
}

// discard closes the slot's connection, if any, and frees the slot.
func (p *pool) discard(pc *poolConn) {
	p.closeConn(pc)
	p.slots <- nil
}

// reset marks every connection made so far as suspect: acquire replaces
// them instead of using them.
func (p *pool) reset() { p.epoch.Add(1) }

// close closes the idle connections and makes every later acquire fail;
// connections in use are closed when released.
func (p *pool) close() {
	if p.closed.Swap(true) {
		return
	}
	n := 0
	for range cap(p.slots) {
		select {
		case pc := <-p.slots:
			p.closeConn(pc)
			n++
		default:
		}
	}
	for range n {
		p.slots <- nil
	}
}

// closeConn closes a connection, waiting at most a second for the server
// to take the goodbye (a dead server does not answer).
func (p *pool) closeConn(pc *poolConn) {
	if pc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = pc.conn.Close(ctx)
}
