// Package storetest is the conformance suite every statestore.Store must
// pass: the SQLite store runs it in its tests, the PostgreSQL store will
// run the same, so both behave identically behind the state server. Most
// checks go through statestore.Service, as the server does; a few talk to
// the Store directly for the parts of its contract the Service cannot show
// (rollback of a failed Update, blobs kept opaque, no row for read-only
// transactions).
//
// It also generates v4 state bodies (Spec) so neither the suite nor the
// benchmarks need terraform.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

// NewStore opens a fresh, empty store for one test and registers its
// cleanup (Close) with t.
type NewStore func(t *testing.T) statestore.Store

// Run runs the whole conformance suite against the stores newStore makes;
// every subtest gets a store of its own.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Names", func(t *testing.T) { testNames(t, newStore) })
	t.Run("Locks", func(t *testing.T) { testLocks(t, newStore) })
	t.Run("Writes", func(t *testing.T) { testWrites(t, newStore) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, newStore) })
	t.Run("Rollback", func(t *testing.T) { testRollback(t, newStore) })
	t.Run("Diff", func(t *testing.T) { testDiff(t, newStore) })
	t.Run("Listings", func(t *testing.T) { testListings(t, newStore) })
	t.Run("Store", func(t *testing.T) { testStore(t, newStore) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newStore) })
}

// env is one subtest's store, service and clock.
type env struct {
	t     *testing.T
	ctx   context.Context
	store statestore.Store
	svc   *statestore.Service
	clock *Clock
}

func newEnv(t *testing.T, newStore NewStore) *env {
	t.Helper()
	store := newStore(t)
	clock := NewClock(time.Date(2026, 11, 25, 16, 59, 7, 516287000, time.UTC))
	return &env{
		t:     t,
		ctx:   context.Background(),
		store: store,
		svc:   statestore.NewService(store, statestore.Options{Now: clock.Now}),
		clock: clock,
	}
}

// Clock is a fake clock that advances by a millisecond at every reading,
// so times in the suite are distinct, ordered and predictable.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a Clock at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the current fake time and advances it.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

// lockInfo is a lock request as Terraform sends it.
func lockInfo(id string) statestore.LockInfo {
	return statestore.LockInfo{
		ID:        id,
		Operation: "OperationTypeApply",
		Info:      "",
		Who:       "root@vm",
		Version:   "1.11.4",
		Created:   time.Date(2026, 11, 25, 16, 59, 7, 516287585, time.UTC),
		Path:      "",
	}
}

func (e *env) lock(name, id string) statestore.Lock {
	e.t.Helper()
	l, err := e.svc.Lock(e.ctx, name, lockInfo(id), "127.0.0.1:50000")
	if err != nil {
		e.t.Fatalf("Lock(%s, %s): %v", name, id, err)
	}
	return l
}

func (e *env) unlock(name, id string) {
	e.t.Helper()
	if _, err := e.svc.Unlock(e.ctx, name, id); err != nil {
		e.t.Fatalf("Unlock(%s, %s): %v", name, id, err)
	}
}

func (e *env) write(name string, body []byte, lockID string) statestore.WriteResult {
	e.t.Helper()
	res, err := e.svc.Write(e.ctx, name, statestore.WriteRequest{Body: body, LockID: lockID, RemoteAddr: "127.0.0.1:50001"})
	if err != nil {
		e.t.Fatalf("Write(%s): %v", name, err)
	}
	return res
}

// allVersions pages through a state's whole history.
func (e *env) allVersions(name string) []statestore.VersionMeta {
	e.t.Helper()
	var all []statestore.VersionMeta
	var before int64
	for {
		page, err := e.svc.Versions(e.ctx, name, before, 7)
		if err != nil {
			e.t.Fatalf("Versions(%s): %v", name, err)
		}
		all = append(all, page.Versions...)
		if page.Next == 0 {
			return all
		}
		before = page.Next
	}
}
