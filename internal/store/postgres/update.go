package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/infractl/infractl/internal/statestore"
)

// Retries of Update. A serialization failure, a deadlock or a prepared
// statement outdated by a schema change (another replica upgraded the
// schema) means PostgreSQL rolled the transaction back and it may simply
// run again; a
// connection found dead before COMMIT was sent means nothing was
// committed, and the call runs again on a new connection once (a second
// failure is PostgreSQL being down, answered with ErrUnavailable).
const (
	maxAgainRetries = 10
	maxLostRetries  = 1
)

// retryKind says whether a failed attempt may run again, and why.
type retryKind int

const (
	noRetry retryKind = iota
	// retryAgain: the server rolled the transaction back and it may
	// simply run again (see conflict).
	retryAgain
	// retryLost: the connection died before anything was committed.
	retryLost
)

// Update runs fn in one READ COMMITTED transaction that holds the state's
// row lock (SELECT ... FOR UPDATE, the row inserted first if the state is
// new) from before fn reads anything until COMMIT, so Updates of one state
// are serial across every Store on the database, that is across server
// replicas. A transaction in which fn wrote nothing is rolled back, which
// also removes a row inserted only to be locked. fn runs again after a
// serialization failure or deadlock, or when the connection it got was
// dead, as the Store contract allows. When the state's last Update wrote
// nothing, fn first runs on an unlocked snapshot, and runs again under
// the lock only if it wants to write (readonly.go).
//
// A COMMIT whose answer was lost (the connection broke after it was sent)
// has an unknown outcome: the call fails with ErrUnavailable without
// retrying, and the client's retry meets either state, which the
// protocol makes harmless (a repeated POST with the same serial and body
// adds nothing; a repeated LOCK with the holder's ID succeeds).
func (s *Store) Update(ctx context.Context, name string, fn func(statestore.Tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	octx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	hint := s.readOnly.slot(name)
	if hint.Load() {
		if done, err := s.tryReadOnly(octx, name, fn); done {
			return err
		}
	}
	conflicts, lost := 0, 0
	for {
		again, wrote, err := s.attempt(ctx, octx, name, fn)
		hint.Store(!wrote)
		if octx.Err() != nil {
			return err
		}
		switch {
		case again == retryAgain && conflicts < maxAgainRetries:
			conflicts++
			// Back off a little, randomly, so the transactions that
			// collided do not collide again.
			d := time.Duration(1+rand.IntN(1<<min(conflicts, 5))) * time.Millisecond
			select {
			case <-time.After(d):
			case <-octx.Done():
				return err
			}
			continue
		case again == retryLost:
			s.pool.reset()
			if lost < maxLostRetries {
				lost++
				continue
			}
		}
		return err
	}
}

// attempt runs fn once in a transaction on a pooled connection.
// wrote reports whether fn wrote (whether or not that was committed).
func (s *Store) attempt(ctx, octx context.Context, name string, fn func(statestore.Tx) error) (again retryKind, wrote bool, err error) {
	pc, err := s.pool.acquire(octx)
	if err != nil {
		return noRetry, false, fmt.Errorf("state %s: %w", name, mapErr(ctx, err, s.opts.Timeout))
	}
	// A panic in fn leaves healthy false: the connection is closed, which
	// rolls the transaction back, and the panic goes on to the caller.
	healthy := false
	defer func() { s.pool.release(pc, healthy) }()

	t := &tx{ctx: octx, caller: ctx, s: s, conn: pc.conn, name: name}
	fnErr := t.begin()
	if fnErr == nil {
		fnErr = fn(t)
	}
	if fnErr == nil && t.dbErr != nil {
		// fn dropped a store error: the transaction may be aborted, and
		// the caller must not believe its writes were kept.
		fnErr = fmt.Errorf("state %s: %w", t.name, mapErr(ctx, t.dbErr, s.opts.Timeout))
	}
	if fnErr != nil {
		if t.dbErr == nil || !connectionLost(t.dbErr) {
			if _, err := pc.conn.Exec(octx, sqlRollback); err == nil {
				healthy = true
			}
		}
		return t.retry(), t.wrote, fnErr
	}
	if !t.wrote {
		// Nothing to keep: fn's outcome stands whether or not the
		// rollback reaches the server (if not, the server rolls back when
		// the connection closes).
		_, err := pc.conn.Exec(octx, sqlRollback)
		healthy = err == nil
		return noRetry, false, nil
	}
	kind, err := t.commit()
	healthy = err == nil || !connectionLost(err)
	if !healthy && kind != retryLost {
		s.pool.reset() // its siblings most likely died with it
	}
	return kind, true, err
}

// tx implements statestore.Tx on a connection inside a transaction that
// holds the state's row lock.
type tx struct {
	ctx    context.Context // the call's, bounded by Options.Timeout
	caller context.Context // the caller's, to tell its end from a timeout
	s      *Store
	conn   *pgx.Conn
	name   string
	// id is the state's row, locked; created is set when this
	// transaction inserted it.
	id      int64
	created bool
	// wrote is set once the transaction changed something to commit.
	wrote bool
	// rec is the record as last read, nil once a write made it stale.
	rec *statestore.StateRecord
	// pending holds writes whose outcome fn does not need at once
	// (PutLock, DeleteLock, MarkDeleted): they are sent ahead of the next
	// statement, or with COMMIT, in the same round trip.
	pending []queued
	// dbErr is the first database error, which may have aborted the
	// transaction; it decides whether the attempt is retried.
	dbErr error
}

// wrap records a database error and returns it with context, mapped.
func (t *tx) wrap(what string, err error) error {
	if t.dbErr == nil {
		t.dbErr = err
	}
	return fmt.Errorf("state %s: %s: %w", t.name, what, mapErr(t.caller, err, t.s.opts.Timeout))
}

// retry tells whether the attempt may run again after its database error.
func (t *tx) retry() retryKind {
	switch {
	case t.dbErr == nil || t.caller.Err() != nil:
		return noRetry
	case conflict(t.dbErr):
		return retryAgain
	case connectionLost(t.dbErr):
		return retryLost
	}
	return noRetry
}

// queued is a write waiting to be sent.
type queued struct {
	what string
	sql  string
	args []any
}

// queue adds a write to send with the next statement or the COMMIT.
func (t *tx) queue(what, sql string, args ...any) {
	t.pending = append(t.pending, queued{what: what, sql: sql, args: args})
	t.wrote, t.rec = true, nil
}

// query sends the pending writes and then one query, in one round trip,
// and hands the query's row to scan. pgx.ErrNoRows from scan is returned
// as is; other errors are recorded and wrapped.
func (t *tx) query(what string, scan func(pgx.Row) error, sql string, args ...any) error {
	if len(t.pending) == 0 {
		err := scan(t.conn.QueryRow(t.ctx, sql, args...))
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return t.wrap(what, err)
		}
		return err
	}
	b := &pgx.Batch{}
	for _, p := range t.pending {
		b.Queue(p.sql, p.args...)
	}
	b.Queue(sql, args...)
	pending := t.pending
	t.pending = nil
	br := t.conn.SendBatch(t.ctx, b)
	defer br.Close()
	for _, p := range pending {
		if _, err := br.Exec(); err != nil {
			return t.wrap(p.what, err)
		}
	}
	err := scan(br.QueryRow())
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return t.wrap(what, err)
	}
	if cerr := br.Close(); err == nil && cerr != nil {
		return t.wrap(what, cerr)
	}
	return err
}

// commit sends the pending writes and COMMIT in one round trip. When the
// connection breaks on the way, the outcome is unknown and the call is
// not retried; when the server refused a write or the commit, nothing was
// kept, and a conflict may run again.
func (t *tx) commit() (retryKind, error) {
	b := &pgx.Batch{}
	for _, p := range t.pending {
		b.Queue(p.sql, p.args...)
	}
	b.Queue(sqlCommit)
	br := t.conn.SendBatch(t.ctx, b)
	what := "committing"
	var err error
	for _, p := range t.pending {
		if _, err = br.Exec(); err != nil {
			what = p.what
			break
		}
	}
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	var early pgx.ErrPreprocessingBatch
	sentNothing := errors.As(err, &early) || pgconn.SafeToRetry(err)
	switch {
	case err != nil && connectionLost(err) && sentNothing:
		// Lost before the batch was sent (pgx prepares statements new to
		// the connection first): nothing can have been committed.
		if t.dbErr == nil {
			t.dbErr = err
		}
		return t.retry(), fmt.Errorf("state %s: %s: %w", t.name, what, mapErr(t.caller, err, t.s.opts.Timeout))
	case err != nil && connectionLost(err):
		return noRetry, fmt.Errorf("state %s: %s (outcome unknown, the connection was lost): %w",
			t.name, what, mapErr(t.caller, err, t.s.opts.Timeout))
	case err != nil:
		if _, rerr := t.conn.Exec(t.ctx, sqlRollback); rerr != nil && t.dbErr == nil {
			t.dbErr = rerr
		}
		kind := noRetry
		if conflict(err) && t.caller.Err() == nil {
			kind = retryAgain
		}
		return kind, fmt.Errorf("state %s: %s: %w", t.name, what, mapErr(t.caller, err, t.s.opts.Timeout))
	case tag.String() != "COMMIT":
		return noRetry, fmt.Errorf("state %s: committing: the transaction was rolled back (%s)", t.name, tag)
	}
	return noRetry, nil
}

// begin opens the transaction, takes the state's row lock and reads its
// record, in one round trip when the state exists; for a new state it
// inserts the row, or locks the one another transaction committed
// meanwhile.
func (t *tx) begin() error {
	found, err := t.lockAndRead(true)
	if err != nil {
		return t.wrap("beginning transaction", err)
	}
	for range 3 {
		if found {
			return nil
		}
		err := t.conn.QueryRow(t.ctx, sqlInsertState, t.name).Scan(&t.id)
		if err == nil {
			t.created = true
			t.rec = &statestore.StateRecord{Name: t.name}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return t.wrap("creating state", err)
		}
		// ON CONFLICT DO NOTHING: another transaction created the row
		// and committed; lock that one.
		if found, err = t.lockAndRead(false); err != nil {
			return t.wrap("locking state", err)
		}
	}
	return t.wrap("locking state", errors.New("the state's row keeps vanishing"))
}

// lockAndRead takes the state's row lock and then reads its record (see
// sqlLockState for why two statements), after BEGIN when begin is set.
func (t *tx) lockAndRead(begin bool) (found bool, err error) {
	b := &pgx.Batch{}
	if begin {
		b.Queue(sqlBegin)
	}
	b.Queue(sqlLockState, t.name)
	b.Queue(sqlRecord, t.name)
	br := t.conn.SendBatch(t.ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil {
			err = cerr
		}
	}()
	if begin {
		if _, err := br.Exec(); err != nil {
			return false, err
		}
	}
	err = br.QueryRow().Scan(&t.id)
	if errors.Is(err, pgx.ErrNoRows) {
		_, _, _ = scanRecord(br.QueryRow()) // read past it; the row was not locked
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, rec, err := scanRecord(br.QueryRow())
	if err != nil {
		return false, err
	}
	t.rec = rec
	return true, nil
}

// Record returns the state's record, read again only after a write.
func (t *tx) Record() (*statestore.StateRecord, error) {
	if t.rec == nil {
		var rec *statestore.StateRecord
		err := t.query("reading record", func(row pgx.Row) (err error) {
			_, rec, err = scanRecord(row)
			return err
		}, sqlRecordByID, t.id)
		if err != nil {
			return nil, err
		}
		t.rec = rec
	}
	return copyRecord(t.rec), nil
}

// copyRecord copies a record and what it points to, so a caller that
// changes the record it got does not change the next one.
func copyRecord(r *statestore.StateRecord) *statestore.StateRecord {
	c := *r
	if r.Current != nil {
		v := *r.Current
		c.Current = &v
	}
	if r.Lock != nil {
		l := *r.Lock
		c.Lock = &l
	}
	return &c
}

// Version reads the newest version with the given serial and its body.
func (t *tx) Version(serial uint64) (statestore.VersionMeta, statestore.Blob, error) {
	var blob statestore.Blob
	notFound := fmt.Errorf("state %s: no version with serial %d: %w", t.name, serial, statestore.ErrNotFound)
	if t.created && !t.wrote {
		return statestore.VersionMeta{}, blob, notFound
	}
	var v statestore.VersionMeta
	err := t.query("reading version", func(row pgx.Row) (err error) {
		v, err = scanVersion(row, &blob)
		return err
	}, sqlVersionByID, t.id, int64(serial))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, blob, notFound
	}
	return v, blob, err
}

// PutLock stores the held lock and marks the state as ever locked.
func (t *tx) PutLock(l statestore.Lock) error {
	created, err := l.Info.Created.MarshalText()
	if err != nil {
		return fmt.Errorf("state %s: lock info Created: %w", t.name, err)
	}
	t.queue("storing lock", sqlPutLock, t.id, l.Info.ID, l.Info.Operation, l.Info.Info, l.Info.Who,
		l.Info.Version, string(created), l.Info.Path, l.RemoteAddr, l.AcquiredAt)
	return nil
}

// DeleteLock removes the held lock, if any.
func (t *tx) DeleteLock() error {
	if t.rec != nil && t.rec.Lock == nil {
		return nil // known to have none (a state this transaction created, too)
	}
	t.queue("removing lock", sqlDeleteLock, t.id)
	return nil
}

// InsertVersion appends a version and its blob and makes it current.
func (t *tx) InsertVersion(v statestore.VersionMeta, body statestore.Blob) (statestore.VersionMeta, error) {
	var rolledBackFrom *int64
	if v.RolledBackFrom != nil {
		from := int64(*v.RolledBackFrom)
		rolledBackFrom = &from
	}
	md5 := v.MD5
	if md5 == nil {
		md5 = []byte{}
	}
	data := body.Data
	if data == nil {
		data = []byte{}
	}
	err := t.query("inserting version", func(row pgx.Row) error { return row.Scan(&v.ID) }, sqlInsertVersion,
		t.id, v.Generation, int64(v.Serial), v.Lineage, v.SHA256, md5, v.Size, int64(len(body.Data)), v.Resources,
		v.DataResources, v.Outputs, v.TerraformVersion, v.LockID, v.Who, v.RemoteAddr, v.CreatedAt, rolledBackFrom,
		body.Encoding, data, body.WrappedKey, body.KeyID)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			err = t.wrap("inserting version", err)
		}
		return v, err
	}
	t.wrote, t.rec = true, nil
	v.StoredSize = int64(len(body.Data))
	v.CreatedAt = time.UnixMicro(v.CreatedAt.UnixMicro()).UTC()
	return v, nil
}

// MarkDeleted clears the current version and records when.
func (t *tx) MarkDeleted(at time.Time) error {
	if t.created && !t.wrote {
		return nil // nothing to delete in a state this transaction created
	}
	t.queue("marking deleted", sqlMarkDeleted, t.id, at)
	return nil
}
