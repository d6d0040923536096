package postgres

import (
	"context"
	"errors"
	"hash/fnv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/infractl/infractl/internal/statestore"
)

// The read-only fast path.
//
// Many Updates write nothing: a LOCK refused because the state is held,
// an UNLOCK of an unlocked state, a repeated POST. Under contention they
// are most Updates (every client polling a held lock makes one per try),
// and on the pessimistic path each takes the state's row lock for two
// round trips and four statements, so the holder's own POST and UNLOCK
// queue behind a crowd of pollers, each of which must be scheduled on a
// busy machine before it lets go.
//
// So when the last Update of a state in this process wrote nothing, the
// next one first runs fn on the state's record read by one plain SELECT,
// without a transaction or a lock. If fn decides from it without writing,
// that is the answer: the SELECT saw every transaction committed before
// it ran, so the outcome is one the state had during the call
// (linearizable), and a read-only decision is all fn made. If fn wants to
// write, or to read more (Tx.Version), its Tx methods return
// errNeedsLock, and fn runs again on the pessimistic path, as the Store
// contract allows. States whose Updates write run pessimistically at
// once, paying nothing for this; on a contended state the holder pays one
// snapshot read per Update. A poll costs one statement instead of four
// and waits for no lock (bench_results.md has the contended benchmark
// with and without it).

// readOnlyHints has one hint per hash bucket of state names: set when
// the last Update of a state in the bucket wrote nothing. Collisions only
// choose the path, never the outcome.
type readOnlyHints [1024]atomic.Bool

func (h *readOnlyHints) slot(name string) *atomic.Bool {
	f := fnv.New32a()
	f.Write([]byte(name))
	return &h[f.Sum32()%uint32(len(h))]
}

// errNeedsLock is returned by roTx methods that need the pessimistic
// path; Update never returns it.
var errNeedsLock = errors.New("postgres store: this update needs the state's row lock")

// tryReadOnly runs fn on an unlocked snapshot of the state's record.
// done reports whether fn decided without writing, and err is then its
// result; otherwise the caller runs fn pessimistically.
func (s *Store) tryReadOnly(ctx context.Context, name string, fn func(statestore.Tx) error) (done bool, err error) {
	rec := &statestore.StateRecord{Name: name}
	found := false
	err = s.read(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		_, r, err := scanRecord(conn.QueryRow(ctx, sqlRecord, name))
		if err == nil {
			rec, found = r, true
		}
		return err
	})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return false, nil // the pessimistic path reports (or retries) it
	}
	t := &roTx{rec: rec, found: found}
	err = fn(t)
	if t.needsLock {
		return false, nil
	}
	return true, err
}

// roTx is the Tx of the read-only fast path: Record answers from the
// snapshot, a write that would change nothing is a no-op, as on the
// pessimistic path, and anything else asks for the lock.
type roTx struct {
	rec       *statestore.StateRecord
	found     bool
	needsLock bool
}

func (t *roTx) need() error {
	t.needsLock = true
	return errNeedsLock
}

// Record returns a copy of the snapshot.
func (t *roTx) Record() (*statestore.StateRecord, error) { return copyRecord(t.rec), nil }

// Version needs a read the snapshot does not have: the locked path does it.
func (t *roTx) Version(uint64) (statestore.VersionMeta, statestore.Blob, error) {
	return statestore.VersionMeta{}, statestore.Blob{}, t.need()
}

// PutLock writes.
func (t *roTx) PutLock(statestore.Lock) error { return t.need() }

// DeleteLock is a no-op when no lock is held.
func (t *roTx) DeleteLock() error {
	if t.rec.Lock == nil {
		return nil
	}
	return t.need()
}

// InsertVersion writes.
func (t *roTx) InsertVersion(v statestore.VersionMeta, _ statestore.Blob) (statestore.VersionMeta, error) {
	return v, t.need()
}

// MarkDeleted is a no-op for a state that has no row.
func (t *roTx) MarkDeleted(time.Time) error {
	if !t.found {
		return nil
	}
	return t.need()
}

var _ statestore.Tx = (*roTx)(nil)
