package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/tfstate"
)

func testConcurrency(t *testing.T, newStore NewStore) {
	t.Run("OneLockWinnerPerRound", func(t *testing.T) {
		e := newEnv(t, newStore)
		const clients, rounds = 32, 20
		for round := range rounds {
			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				winners atomic.Int32
				winner  atomic.Value
				holders = make([]string, clients)
				errs    = make([]error, clients)
			)
			for c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprintf("r%d-c%d", round, c)
					<-start
					_, err := e.svc.Lock(e.ctx, "contended", lockInfo(id), "")
					var le *statestore.LockedError
					switch {
					case err == nil:
						winners.Add(1)
						winner.Store(id)
					case errors.As(err, &le):
						holders[c] = le.Holder.Info.ID
					default:
						errs[c] = err
					}
				}()
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if n := winners.Load(); n != 1 {
				t.Fatalf("round %d: %d clients got the lock, want exactly 1", round, n)
			}
			id := winner.Load().(string)
			for c, h := range holders {
				if h != "" && h != id {
					t.Errorf("round %d: client %d was told the holder is %s, winner is %s", round, c, h, id)
				}
			}
			e.unlock("contended", id)
		}
	})

	t.Run("IndependentCycles", func(t *testing.T) {
		e := newEnv(t, newStore)
		const clients, cycles = 16, 25
		var wg sync.WaitGroup
		errs := make([]error, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[c] = e.cycles(fmt.Sprintf("team/state-%d", c), fmt.Sprintf("c%d", c), cycles, false)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		for c := range clients {
			e.checkHistory(fmt.Sprintf("team/state-%d", c), cycles)
		}
	})

	t.Run("ContendedCyclesLoseNothing", func(t *testing.T) {
		e := newEnv(t, newStore)
		const clients, cycles = 8, 10
		var wg sync.WaitGroup
		errs := make([]error, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[c] = e.cycles("shared", fmt.Sprintf("c%d", c), cycles, true)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		e.checkHistory("shared", clients*cycles)
	})
}

// cycles runs Terraform's write cycle n times on one state: LOCK (retried
// while someone else holds it when retry is set), GET, POST with serial+1,
// UNLOCK.
func (e *env) cycles(name, client string, n int, retry bool) error {
	for i := range n {
		id := fmt.Sprintf("%s-%d", client, i)
		for {
			_, err := e.svc.Lock(e.ctx, name, lockInfo(id), client)
			var le *statestore.LockedError
			if retry && errors.As(err, &le) {
				time.Sleep(time.Millisecond)
				continue
			}
			if err != nil {
				return fmt.Errorf("%s: lock: %w", client, err)
			}
			break
		}
		var serial uint64
		body, _, err := e.svc.Get(e.ctx, name)
		switch {
		case errors.Is(err, statestore.ErrNotFound):
		case err != nil:
			return fmt.Errorf("%s: get: %w", client, err)
		default:
			m, err := tfstate.Inspect(body)
			if err != nil {
				return fmt.Errorf("%s: inspect: %w", client, err)
			}
			serial = m.Serial
		}
		next := Spec{Lineage: lineageA, Serial: serial + 1, Resources: 2, Salt: id}.Body()
		if _, err := e.svc.Write(e.ctx, name, statestore.WriteRequest{Body: next, LockID: id}); err != nil {
			return fmt.Errorf("%s: write serial %d: %w", client, serial+1, err)
		}
		if _, err := e.svc.Unlock(e.ctx, name, id); err != nil {
			return fmt.Errorf("%s: unlock: %w", client, err)
		}
	}
	return nil
}

// checkHistory checks that a state has exactly n versions with serials n
// down to 1, newest first: nothing lost, nothing written twice.
func (e *env) checkHistory(name string, n int) {
	e.t.Helper()
	vs := e.allVersions(name)
	if len(vs) != n {
		e.t.Errorf("%s: %d versions, want %d", name, len(vs), n)
	}
	for i, v := range vs {
		if want := uint64(n - i); v.Serial != want {
			e.t.Errorf("%s: version %d has serial %d, want %d", name, i, v.Serial, want)
			return
		}
	}
}
