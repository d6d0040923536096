package sqlite_test

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/sqlite"
	"github.com/infractl/infractl/internal/store/storetest"
)

// Benchmarks of Terraform's write cycle (LOCK -> GET -> POST a 100 KB
// state with serial+1 -> UNLOCK) through statestore.Service on SQLite,
// without HTTP. Results, machine and command are in bench_results.md.

const (
	benchClients   = 32
	benchStateSize = 100 << 10
)

var benchCodecs = []struct {
	name  string
	codec statestore.Codec
}{
	{"s2", nil}, // the default
	{"zstd", statestore.NewZstdCodec()},
	{"identity", statestore.IdentityCodec{}},
}

// BenchmarkCycleParallel runs the cycle from 32 goroutines, each on its
// own state, and reports cycles/s and the p50/p99 latency of one cycle.
func BenchmarkCycleParallel(b *testing.B) {
	for _, c := range benchCodecs {
		b.Run(c.name, func(b *testing.B) {
			svc := benchService(b, c.codec)
			tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
			var next atomic.Int64
			lat := newLatencies()
			b.SetParallelism((benchClients + gomaxprocs() - 1) / gomaxprocs())
			b.ResetTimer()
			m := startMeter()
			b.RunParallel(func(pb *testing.PB) {
				n := next.Add(1)
				name := fmt.Sprintf("bench/state-%d", n)
				var serial uint64
				var mine []time.Duration
				for i := 0; pb.Next(); i++ {
					t0 := time.Now()
					serial++
					if err := cycle(svc, name, fmt.Sprintf("%d-%d", n, i), tmpl(serial)); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				lat.add(mine)
			})
			b.StopTimer()
			m.report(b, b.N)
			b.ReportMetric(ms(lat.quantile(0.50)), "p50-ms")
			b.ReportMetric(ms(lat.quantile(0.99)), "p99-ms")
			b.ReportMetric(0, "ns/op") // per-op time is meaningless across 32 clients
		})
	}
}

// BenchmarkCycleAtRate offers the cycle at a fixed total rate (1,500/s,
// the HTTP server's target) from 32 clients on their own states, each
// starting a cycle every 32/rate seconds, and reports the latency of a
// cycle measured from when it was due (so a late start counts), which is
// what a client sees when the server is not saturated.
func BenchmarkCycleAtRate(b *testing.B) {
	rate := 1500.0 // cycles/s offered
	svc := benchService(b, nil)
	tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
	lat := newLatencies()
	per := (b.N + benchClients - 1) / benchClients
	interval := time.Duration(float64(time.Second) * float64(benchClients) / rate)
	b.ResetTimer()
	m := startMeter()
	start := m.start
	var wg sync.WaitGroup
	for c := range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("rate/state-%d", c)
			due := start.Add(interval * time.Duration(c) / benchClients)
			var mine []time.Duration
			for i := range per {
				time.Sleep(time.Until(due))
				if err := cycle(svc, name, fmt.Sprintf("%d-%d", c, i), tmpl(uint64(i+1))); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(due))
				due = due.Add(interval)
			}
			lat.add(mine)
		}()
	}
	wg.Wait()
	b.StopTimer()
	m.report(b, per*benchClients)
	b.ReportMetric(ms(lat.quantile(0.50)), "p50-ms")
	b.ReportMetric(ms(lat.quantile(0.99)), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// cycle is one LOCK -> GET -> POST -> UNLOCK.
func cycle(svc *statestore.Service, name, id string, body []byte) error {
	if _, err := svc.Lock(ctx, name, info(id), "127.0.0.1:1"); err != nil {
		return err
	}
	if _, _, err := svc.Get(ctx, name); err != nil && !errors.Is(err, statestore.ErrNotFound) {
		return err
	}
	if _, err := svc.Write(ctx, name, statestore.WriteRequest{Body: body, LockID: id, RemoteAddr: "127.0.0.1:1"}); err != nil {
		return err
	}
	_, err := svc.Unlock(ctx, name, id)
	return err
}

// BenchmarkCycleContended runs the cycle from 32 goroutines on one state.
// A client that finds the state locked retries after 1 ms (Terraform with
// -lock-timeout retries too, more slowly). It reports cycles/s, hold
// latency (lock acquired to unlocked) and wait latency (first LOCK
// attempt to acquired) separately, and checks no update was lost.
func BenchmarkCycleContended(b *testing.B) {
	for _, c := range benchCodecs {
		b.Run(c.name, func(b *testing.B) {
			svc := benchService(b, c.codec)
			tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
			var serial uint64 // guarded by the state's lock
			var next atomic.Int64
			hold, wait := newLatencies(), newLatencies()
			b.SetParallelism((benchClients + gomaxprocs() - 1) / gomaxprocs())
			b.ResetTimer()
			m := startMeter()
			b.RunParallel(func(pb *testing.PB) {
				n := next.Add(1)
				var holds, waits []time.Duration
				for i := 0; pb.Next(); i++ {
					id := fmt.Sprintf("%d-%d", n, i)
					t0 := time.Now()
					for {
						_, err := svc.Lock(ctx, "contended", info(id), "127.0.0.1:1")
						var le *statestore.LockedError
						if errors.As(err, &le) {
							time.Sleep(time.Millisecond)
							continue
						}
						if err != nil {
							b.Error(err)
							return
						}
						break
					}
					t1 := time.Now()
					if _, _, err := svc.Get(ctx, "contended"); err != nil && !errors.Is(err, statestore.ErrNotFound) {
						b.Error(err)
						return
					}
					serial++
					if _, err := svc.Write(ctx, "contended", statestore.WriteRequest{Body: tmpl(serial), LockID: id}); err != nil {
						b.Error(err)
						return
					}
					if _, err := svc.Unlock(ctx, "contended", id); err != nil {
						b.Error(err)
						return
					}
					waits = append(waits, t1.Sub(t0))
					holds = append(holds, time.Since(t1))
				}
				hold.add(holds)
				wait.add(waits)
			})
			b.StopTimer()
			m.report(b, b.N)
			if _, meta, err := svc.Get(ctx, "contended"); err != nil || meta.Serial != uint64(b.N) {
				b.Fatalf("after %d cycles the state has serial %d (%v): updates were lost", b.N, meta.Serial, err)
			}
			b.ReportMetric(ms(hold.quantile(0.50)), "hold-p50-ms")
			b.ReportMetric(ms(hold.quantile(0.99)), "hold-p99-ms")
			b.ReportMetric(ms(wait.quantile(0.50)), "wait-p50-ms")
			b.ReportMetric(ms(wait.quantile(0.99)), "wait-p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func benchService(b *testing.B, codec statestore.Codec) *statestore.Service {
	b.Helper()
	var opts sqlite.Options
	if v := os.Getenv("BENCH_CKPT"); v != "" {
		opts.CheckpointPages, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("BENCH_BATCH"); v != "" {
		opts.MaxBatch, _ = strconv.Atoi(v)
	}
	s, err := sqlite.Open(ctx, b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	sopts := statestore.Options{Codec: codec}
	if v := os.Getenv("BENCH_GATE"); v != "" {
		sopts.MaxConcurrent, _ = strconv.Atoi(v)
	}
	return statestore.NewService(s, sopts)
}

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func newLatencies() *latencies { return &latencies{} }

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d = append(l.d, d...)
}

func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return l.d[int(q*float64(len(l.d)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the CPU time all processes have used, from /proc/stat
// (0 where there is none). Benchmarks report machineBusy minus their own
// CPU time per second as "others-cores": the load other processes put on
// the machine during the run, so noisy runs can be told apart.
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 8 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for i, v := range f[1:8] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// meter measures a benchmark's wall time, own CPU time and the machine's.
type meter struct {
	start     time.Time
	cpu, busy time.Duration
}

func startMeter() meter { return meter{time.Now(), cpuTime(), machineBusy()} }

// report adds cycles/s, cpu-us/cycle and others-cores for n cycles.
func (m meter) report(b *testing.B, n int) {
	elapsed := time.Since(m.start)
	cpu := cpuTime() - m.cpu
	others := machineBusy() - m.busy - cpu
	b.ReportMetric(float64(n)/elapsed.Seconds(), "cycles/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-us/cycle")
	b.ReportMetric(max(0, others.Seconds()/elapsed.Seconds()), "others-cores")
}
