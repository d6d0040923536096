package postgres_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/postgres"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/testenv"
)

// TestRestartUnderLoad stops PostgreSQL under load, first cleanly (fast
// shutdown) and then by killing it (immediate shutdown, recovery from WAL
// at the next start). While it is down every call must fail with
// ErrUnavailable, so the server answers 503, and quickly; once it is back
// the same Store must serve again without being reopened; and every write
// acknowledged before the stop must be there.
func TestRestartUnderLoad(t *testing.T) {
	cluster := testenv.NewPostgresCluster(t)
	dsn := cluster.CreateDatabase(t)
	s := openStore(t, dsn, postgres.Options{})
	svc := statestore.NewService(s, statestore.Options{})

	const workers = 8
	var (
		stop      atomic.Bool
		wg        sync.WaitGroup
		mu        sync.Mutex
		failures  []error         // errors other than ErrUnavailable
		downCalls []time.Duration // latency of calls that failed with ErrUnavailable
		acked     = make([]atomic.Uint64, workers)
		cycles    = make([]atomic.Int64, workers)
	)
	// do runs one step until it succeeds, recording how unavailable
	// calls failed; it gives up only when the test stops.
	do := func(f func() error) bool {
		for !stop.Load() {
			t0 := time.Now()
			err := f()
			if err == nil {
				return true
			}
			mu.Lock()
			if errors.Is(err, statestore.ErrUnavailable) {
				downCalls = append(downCalls, time.Since(t0))
			} else {
				failures = append(failures, err)
			}
			mu.Unlock()
			if !errors.Is(err, statestore.ErrUnavailable) {
				return false
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("restart/w%d", w)
			for serial := uint64(1); !stop.Load(); serial++ {
				id := fmt.Sprintf("w%d-%d", w, serial)
				body := storetest.Spec{Lineage: "restart", Serial: serial, Resources: 2, Salt: id}.Body()
				ok := do(func() error { _, err := svc.Lock(ctx, name, info(id), ""); return err }) &&
					do(func() error {
						_, err := svc.Write(ctx, name, statestore.WriteRequest{Body: body, LockID: id})
						return err
					})
				if !ok {
					return
				}
				acked[w].Store(serial)
				if !do(func() error { _, err := svc.Unlock(ctx, name, id); return err }) {
					return
				}
				cycles[w].Add(1)
			}
		}()
	}
	// progress waits until every worker completed two more cycles.
	progress := func(what string) time.Duration {
		t.Helper()
		start := time.Now()
		var base [workers]int64
		for w := range workers {
			base[w] = cycles[w].Load()
		}
		for w := range workers {
			for cycles[w].Load() < base[w]+2 {
				if time.Since(start) > 30*time.Second {
					stop.Store(true)
					wg.Wait()
					t.Fatalf("%s: worker %d made no progress in 30s; failures: %v", what, w, failures)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		return time.Since(start)
	}
	progress("warm-up")

	for _, round := range []struct {
		name string
		down func() error
	}{{"fast shutdown", cluster.Stop}, {"crash", cluster.Crash}} {
		var before [workers]uint64
		for w := range workers {
			before[w] = acked[w].Load()
		}
		if err := round.down(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		downCalls = downCalls[:0]
		mu.Unlock()
		// Probe while down, from here too: reads and updates fail fast.
		var probes []time.Duration
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
			t0 := time.Now()
			_, err := s.Current(ctx, "restart/w0")
			probes = append(probes, time.Since(t0))
			if !errors.Is(err, statestore.ErrUnavailable) {
				t.Errorf("%s: Current while PostgreSQL is down: err = %v, want ErrUnavailable", round.name, err)
			}
			t0 = time.Now()
			err = s.Update(ctx, "restart/probe", func(tx statestore.Tx) error { return tx.DeleteLock() })
			probes = append(probes, time.Since(t0))
			if !errors.Is(err, statestore.ErrUnavailable) {
				t.Errorf("%s: Update while PostgreSQL is down: err = %v, want ErrUnavailable", round.name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		down := slices.Clone(downCalls)
		mu.Unlock()
		all := append(slices.Clone(probes), down...)
		slices.Sort(all)
		if len(down) == 0 {
			t.Errorf("%s: no worker call failed while PostgreSQL was down", round.name)
		}
		if worst := all[len(all)-1]; worst > time.Second {
			t.Errorf("%s: a call took %v to fail while PostgreSQL was down, want well under 1s", round.name, worst)
		}
		t.Logf("%s: %d calls failed with ErrUnavailable while down; latency p50 %v, p99 %v, max %v",
			round.name, len(all), all[len(all)/2], all[len(all)*99/100], all[len(all)-1])

		start := time.Now()
		if err := cluster.Start(); err != nil {
			t.Fatal(err)
		}
		started := time.Since(start)
		t.Logf("%s: PostgreSQL started again in %v; every worker made 2 cycles %v later, same Store",
			round.name, started, progress(round.name+": after restart"))
		for w := range workers {
			checkAcked(t, s, fmt.Sprintf("restart/w%d", w), before[w])
		}
	}
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if err := errors.Join(failures...); err != nil {
		t.Errorf("calls failed with errors other than ErrUnavailable: %v", err)
	}
	for w := range workers {
		checkAcked(t, s, fmt.Sprintf("restart/w%d", w), acked[w].Load())
	}
}

// checkAcked checks the state holds every serial up to acked, each once,
// newest first with no gap.
func checkAcked(t *testing.T, s *postgres.Store, name string, acked uint64) {
	t.Helper()
	vs, err := s.Versions(ctx, name, 0, 1<<20)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if uint64(len(vs)) < acked {
		t.Errorf("%s: %d versions, but serial %d was acknowledged", name, len(vs), acked)
	}
	for i, v := range vs {
		if want := uint64(len(vs) - i); v.Serial != want {
			t.Errorf("%s: version %d (newest first) has serial %d, want %d", name, i, v.Serial, want)
			return
		}
	}
}
