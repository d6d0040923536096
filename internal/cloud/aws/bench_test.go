package aws

// Benchmarks against moto_server 5.2.1 on the 2-core dev machine (AMD EPYC,
// Go 1.26.8), `go test -run '^$' -bench . -benchtime=5x -count=3
// ./internal/cloud/aws/`, 2026-11-25:
//
//	BenchmarkLocksAll50       201-235 ms/op  (target < 2 s)
//	BenchmarkLocksAll50Cold   211-239 ms/op  (client construction included)
//	BenchmarkHistory500      1.56-1.61 s/op  (target < 3 s)
//	BenchmarkHistory500Parallelism: 1 -> 1.82 s, 4/16/32 -> 2.22-2.23 s
//
// moto answers from one Python process, so against it parallel body
// fetches do not help (its GIL is the bottleneck: about 3 ms of CPU per
// GetObject); against S3, where a GET is 20-50 ms of latency, 16 at a time
// is what keeps a 500-version history near a second. Listing 500 versions
// alone takes 0.13 s.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// lockedEstate makes n states in one bucket, each locked by a lock file and
// a DynamoDB item, as `infractl locks --all` finds them during a busy hour.
func lockedEstate(tb testing.TB, n int) []Config {
	tb.Helper()
	base := testState(tb, "", true, true)
	cfgs := make([]Config, n)
	for i := range cfgs {
		cfg := base
		cfg.Key = StateKey(fmt.Sprintf("env%02d", i))
		cfgs[i] = cfg
		b := openTest(tb, cfg)
		putState(tb, b, stateBody(1, lineageA, 3))
		if _, err := b.Lock(context.Background(), LockRequest{Operation: "OperationTypeApply", Who: "ci@runner"}); err != nil {
			tb.Fatal(err)
		}
	}
	return cfgs
}

// locksAll is what the CLI does for `locks --all`: one Locks call per
// environment, all at once.
func locksAll(tb testing.TB, cfgs []Config) {
	var wg sync.WaitGroup
	errs := make([]error, len(cfgs))
	counts := make([]int, len(cfgs))
	for i, cfg := range cfgs {
		wg.Go(func() {
			locks, err := Locks(context.Background(), cfg)
			errs[i], counts[i] = err, len(locks)
		})
	}
	wg.Wait()
	for i := range cfgs {
		if errs[i] != nil || counts[i] != 2 {
			tb.Fatalf("%s: %d locks, %v", cfgs[i], counts[i], errs[i])
		}
	}
}

// BenchmarkLocksAll50 measures `locks --all` over 50 environments against
// moto (target: under 2 s); results at the top of this file.
func BenchmarkLocksAll50(b *testing.B) {
	cfgs := lockedEstate(b, 50)
	locksAll(b, cfgs) // warm the client cache, as the CLI's first call would not be
	for b.Loop() {
		locksAll(b, cfgs)
	}
}

// BenchmarkLocksAll50Cold includes building the clients, which the CLI pays
// once per run.
func BenchmarkLocksAll50Cold(b *testing.B) {
	cfgs := lockedEstate(b, 50)
	for b.Loop() {
		clientsMu.Lock()
		clear(clientsCache)
		clientsMu.Unlock()
		locksAll(b, cfgs)
	}
}

// historyState writes n versions of a state with a few resources.
func historyState(tb testing.TB, n int) *Backend {
	tb.Helper()
	cfg := testState(tb, "prod/terraform.tfstate", true, false)
	bk := openTest(tb, cfg)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for serial := 1; serial <= n; serial++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			putState(tb, bk, stateBody(uint64(serial), lineageA, 10))
		})
	}
	wg.Wait()
	return bk
}

// BenchmarkHistory500 measures `state history` of a state with 500
// versions against moto (target: under 3 s).
func BenchmarkHistory500(b *testing.B) {
	bk := historyState(b, 500)
	for b.Loop() {
		versions, err := bk.Versions(context.Background())
		if err != nil || len(versions) != 500 {
			b.Fatalf("%d versions, %v", len(versions), err)
		}
	}
}

// TestBenchmarkShapes runs the benchmarks' set-up and one pass at a small
// size, so `go test` keeps them working without timing anything.
func TestBenchmarkShapes(t *testing.T) {
	locksAll(t, lockedEstate(t, 3))
	bk := historyState(t, 20)
	start := time.Now()
	versions, err := bk.Versions(context.Background())
	if err != nil || len(versions) != 20 {
		t.Fatalf("%d versions, %v", len(versions), err)
	}
	seen := map[uint64]bool{}
	for _, v := range versions {
		seen[v.Serial] = true
	}
	if len(seen) != 20 {
		t.Errorf("serials = %v", seen)
	}
	t.Logf("history of 20 versions in %v", time.Since(start))
}

// BenchmarkHistory500Parallelism compares body-fetch parallelism; it is
// how DefaultHistoryParallelism was chosen.
func BenchmarkHistory500Parallelism(b *testing.B) {
	bk := historyState(b, 500)
	for _, n := range []int{1, 4, 16, 32} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bk.HistoryParallelism = n
			for b.Loop() {
				if _, err := bk.Versions(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
