package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/infractl/infractl/internal/statestore"
)

// Writes go through one goroutine that owns the write connection and runs
// queued Update calls in batches: one BEGIN IMMEDIATE ... COMMIT around as
// many calls as are waiting (up to Options.MaxBatch), each call inside a
// SAVEPOINT so its error undoes only its own changes. Calls still run one
// after another on one connection, so each sees the previous ones' writes
// and the rules stay serial; what the batch saves is a commit (WAL append
// and lock syscalls) per call, and above all the hand-off of the write
// connection from one client goroutine to the next, which under load waits
// for that goroutine to be scheduled while CPU-bound clients run. Update
// returns only after the batch committed, so durability is unchanged.

// request is one queued Update.
type request struct {
	ctx  context.Context
	name string
	fn   func(statestore.Tx) error
	err  error
	// panicked holds a panic of fn, re-raised in the caller.
	panicked any
	done     chan struct{}
}

// Update queues fn for the writer goroutine and waits for the batch it
// runs in to commit (or for fn's error). fn runs on the writer goroutine;
// its effects and its error reach the caller as if it ran here, and a
// panic in fn is re-raised here.
func (s *Store) Update(ctx context.Context, name string, fn func(statestore.Tx) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, name: name, fn: fn, done: make(chan struct{})}
	select {
	case s.queue <- r:
	case <-s.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	<-r.done // fn may be running: wait even if ctx ends, it is short
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.err
}

// writeLoop is the writer goroutine.
func (s *Store) writeLoop() {
	defer close(s.writerDone)
	for {
		var first *request
		select {
		case first = <-s.queue:
		case <-s.stop:
			return
		}
		batch := []*request{first}
	collect:
		for len(batch) < s.maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		s.runBatch(batch)
	}
}

// runBatch runs a batch in one transaction. If a call breaks the
// transaction itself (a failed statement, a panic) or the commit fails,
// nothing of the batch is kept: that call gets its error and the others
// are run again one by one (Store.Update allows fn to run more than once).
func (s *Store) runBatch(batch []*request) {
	bg := context.Background() // a caller's ctx must not interrupt the others' transaction
	sqlTx, err := s.write.BeginTx(bg, nil)
	if err != nil {
		for _, r := range batch {
			r.finish(fmt.Errorf("state %s: beginning transaction: %w", r.name, mapErr(err)))
		}
		return
	}
	single := len(batch) == 1
	var kept []*request
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.finish(err)
			continue
		}
		if !single {
			if _, err := sqlTx.Stmt(s.stmts.wSavepoint).Exec(); err != nil {
				s.abandon(sqlTx, r, fmt.Errorf("state %s: savepoint: %w", r.name, mapErr(err)), kept, batch[i+1:])
				return
			}
		}
		t := &tx{ctx: bg, s: s, tx: sqlTx, name: r.name}
		fnErr, panicked := call(r.fn, t)
		switch {
		case panicked != nil:
			r.panicked = panicked
			s.abandon(sqlTx, r, nil, kept, batch[i+1:])
			return
		case fnErr != nil && t.dbErr:
			s.abandon(sqlTx, r, fnErr, kept, batch[i+1:])
			return
		case fnErr != nil && single:
			if err := sqlTx.Rollback(); err != nil {
				fnErr = errors.Join(fnErr, fmt.Errorf("state %s: rolling back: %w", r.name, mapErr(err)))
			}
			r.finish(fnErr)
			return
		case fnErr != nil:
			if _, err := sqlTx.Stmt(s.stmts.wRollbackTo).Exec(); err != nil {
				s.abandon(sqlTx, r, errors.Join(fnErr, fmt.Errorf("state %s: rolling back to savepoint: %w", r.name, mapErr(err))), kept, batch[i+1:])
				return
			}
			if _, err := sqlTx.Stmt(s.stmts.wRelease).Exec(); err != nil {
				s.abandon(sqlTx, r, errors.Join(fnErr, fmt.Errorf("state %s: releasing savepoint: %w", r.name, mapErr(err))), kept, batch[i+1:])
				return
			}
			r.finish(fnErr)
		default:
			if !single {
				if _, err := sqlTx.Stmt(s.stmts.wRelease).Exec(); err != nil {
					s.abandon(sqlTx, r, fmt.Errorf("state %s: releasing savepoint: %w", r.name, mapErr(err)), kept, batch[i+1:])
					return
				}
			}
			kept = append(kept, r)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		for _, r := range kept {
			r.finish(fmt.Errorf("state %s: committing: %w", r.name, mapErr(err)))
		}
		return
	}
	for _, r := range kept {
		r.finish(nil)
	}
}

// abandon rolls the batch back after failed broke it with err (or a panic
// already recorded), then runs the innocent calls again, each alone.
func (s *Store) abandon(sqlTx interface{ Rollback() error }, failed *request, err error, kept, rest []*request) {
	sqlTx.Rollback() //nolint:errcheck // the batch is lost either way; the error is failed's
	failed.finish(err)
	for _, r := range append(append([]*request(nil), kept...), rest...) {
		s.runBatch([]*request{r})
	}
}

// call runs fn, turning a panic into a value.
func call(fn func(statestore.Tx) error, t *tx) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return fn(t), nil
}

func (r *request) finish(err error) {
	r.err = err
	close(r.done)
}
