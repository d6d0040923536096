package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/postgres"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/testenv"
	"github.com/infractl/infractl/internal/tfstate"
)

// replicas opens n Stores on one database, as n server replicas would,
// each behind its own Service.
func replicas(t *testing.T, n int) (string, []*statestore.Service) {
	t.Helper()
	dsn := testenv.Postgres(t)
	svcs := make([]*statestore.Service, n)
	for i := range svcs {
		svcs[i] = statestore.NewService(openStore(t, dsn, postgres.Options{}), statestore.Options{})
	}
	return dsn, svcs
}

// TestReplicasOneLockWinner races LOCKs through two replicas on one
// state: every round has exactly one winner, and every loser is told the
// winner holds the lock.
func TestReplicasOneLockWinner(t *testing.T) {
	_, svcs := replicas(t, 2)
	const clients, rounds = 16, 20
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
				_, err := svcs[c%2].Lock(ctx, "shared", info(id), "")
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
			t.Fatalf("round %d: %d winners, want 1", round, n)
		}
		id := winner.Load().(string)
		for c, h := range holders {
			if h != "" && h != id {
				t.Errorf("round %d: client %d was told %s holds the lock; the winner is %s", round, c, h, id)
			}
		}
		if _, err := svcs[round%2].Unlock(ctx, "shared", id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestReplicasContendedCycles runs Terraform's write cycle (LOCK, GET,
// POST serial+1, UNLOCK; LOCK retried while held) from clients spread over
// two replicas, all on the same states. An in-memory holder per state,
// set right after a LOCK succeeds and cleared right before UNLOCK, proves
// at most one client holds a lock at a time; the history proves no
// version was lost or written twice and serials strictly increase.
func TestReplicasContendedCycles(t *testing.T) {
	_, svcs := replicas(t, 2)
	const clients, cycles = 12, 12
	states := []string{"ml/prod", "ml/staging"}
	holders := make([]atomic.Value, len(states))
	for i := range holders {
		holders[i].Store("")
	}
	var overlaps atomic.Int32
	var wg sync.WaitGroup
	errs := make([]error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := svcs[c%2]
			for i := range cycles {
				si := (c + i) % len(states)
				name := states[si]
				id := fmt.Sprintf("c%d-%d", c, i)
				giveUp := time.Now().Add(30 * time.Second)
				for {
					_, err := svc.Lock(ctx, name, info(id), "")
					var le *statestore.LockedError
					if errors.As(err, &le) && time.Now().Before(giveUp) {
						time.Sleep(time.Millisecond)
						continue
					}
					if err != nil {
						errs[c] = fmt.Errorf("lock: %w", err)
						return
					}
					break
				}
				if !holders[si].CompareAndSwap("", id) {
					overlaps.Add(1)
					t.Errorf("%s: %s got the lock while %v held it", name, id, holders[si].Load())
				}
				var serial uint64
				body, _, err := svc.Get(ctx, name)
				switch {
				case errors.Is(err, statestore.ErrNotFound):
				case err != nil:
					errs[c] = fmt.Errorf("get: %w", err)
					return
				default:
					m, err := tfstate.Inspect(body)
					if err != nil {
						errs[c] = err
						return
					}
					serial = m.Serial
				}
				next := storetest.Spec{Lineage: "replicas", Serial: serial + 1, Resources: 2, Salt: id}.Body()
				if _, err := svc.Write(ctx, name, statestore.WriteRequest{Body: next, LockID: id}); err != nil {
					errs[c] = fmt.Errorf("write serial %d: %w", serial+1, err)
					return
				}
				holders[si].CompareAndSwap(id, "")
				if _, err := svc.Unlock(ctx, name, id); err != nil {
					errs[c] = fmt.Errorf("unlock: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := overlaps.Load(); n > 0 {
		t.Fatalf("%d times two clients held one lock", n)
	}
	total := 0
	for _, name := range states {
		vs := allVersions(t, svcs[0], name)
		total += len(vs)
		for i, v := range vs {
			if want := uint64(len(vs) - i); v.Serial != want {
				t.Fatalf("%s: version %d (newest first) has serial %d, want %d: a version was lost or written twice", name, i, v.Serial, want)
			}
			if i > 0 && v.ID >= vs[i-1].ID {
				t.Errorf("%s: version IDs not decreasing newest first: %d then %d", name, vs[i-1].ID, v.ID)
			}
		}
	}
	if total != clients*cycles {
		t.Errorf("%d versions in all, want %d", total, clients*cycles)
	}
}

// allVersions pages through a state's whole history, newest first.
func allVersions(t *testing.T, svc *statestore.Service, name string) []statestore.VersionMeta {
	t.Helper()
	var all []statestore.VersionMeta
	var before int64
	for {
		page, err := svc.Versions(ctx, name, before, 50)
		if err != nil {
			t.Fatalf("Versions(%s): %v", name, err)
		}
		all = append(all, page.Versions...)
		if page.Next == 0 {
			return all
		}
		before = page.Next
	}
}
