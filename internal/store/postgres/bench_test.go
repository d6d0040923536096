package postgres_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	"github.com/infractl/infractl/internal/store/postgres"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/testenv"
)

// Benchmarks of Terraform's write cycle (LOCK -> GET -> POST a 100 KB
// state with serial+1 -> UNLOCK) through statestore.Service on PostgreSQL,
// without HTTP, mirroring internal/store/sqlite's. Each benchmark runs on
// a cluster of its own (testenv.NewPostgresCluster: PostgreSQL 15 with
// default settings, fsync on), reached over TCP on 127.0.0.1. Results,
// machine and command are in bench_results.md.

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

// benchEnv is a cluster, a database on it and services over Stores on
// it, one per server replica.
type benchEnv struct {
	cluster *testenv.PostgresCluster
	svcs    []*statestore.Service
}

func newBenchEnv(b *testing.B, replicas int, codec statestore.Codec) *benchEnv {
	b.Helper()
	c := testenv.NewPostgresCluster(b)
	dsn := c.CreateDatabase(b)
	e := &benchEnv{cluster: c}
	for range replicas {
		s := openStore(b, dsn, postgres.Options{})
		e.svcs = append(e.svcs, statestore.NewService(s, statestore.Options{Codec: codec}))
	}
	return e
}

// BenchmarkCycleParallel runs the cycle from 32 goroutines, each on its
// own state, through one store, and reports cycles/s and the p50/p99
// latency of one cycle.
func BenchmarkCycleParallel(b *testing.B) {
	for _, c := range benchCodecs {
		b.Run(c.name, func(b *testing.B) { benchParallel(b, newBenchEnv(b, 1, c.codec)) })
	}
}

// BenchmarkCycleParallelReplicas is BenchmarkCycleParallel through two
// Stores on one database, as two server replicas: client n uses replica
// n mod 2. Both replicas run in this process, so they share its CPUs.
func BenchmarkCycleParallelReplicas(b *testing.B) {
	benchParallel(b, newBenchEnv(b, 2, nil))
}

func benchParallel(b *testing.B, e *benchEnv) {
	tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
	var next atomic.Int64
	lat := newLatencies()
	b.SetParallelism((benchClients + gomaxprocs() - 1) / gomaxprocs())
	b.ResetTimer()
	m := startMeter(b, e.cluster)
	b.RunParallel(func(pb *testing.PB) {
		n := next.Add(1)
		svc := e.svcs[int(n)%len(e.svcs)]
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
}

// BenchmarkCycleAtRate offers the cycle at a fixed total rate (1,500/s,
// the HTTP server's target, or BENCH_RATE) from 32 clients on their own
// states and reports the latency of a cycle measured from when it was
// due (so a late start counts).
func BenchmarkCycleAtRate(b *testing.B) {
	rate := 1500.0 // cycles/s offered
	if v, err := strconv.ParseFloat(os.Getenv("BENCH_RATE"), 64); err == nil && v > 0 {
		rate = v
	}
	e := newBenchEnv(b, 1, nil)
	svc := e.svcs[0]
	tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
	lat := newLatencies()
	per := (b.N + benchClients - 1) / benchClients
	interval := time.Duration(float64(time.Second) * float64(benchClients) / rate)
	b.ResetTimer()
	m := startMeter(b, e.cluster)
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

// BenchmarkCycleContended runs the cycle from 32 goroutines on one state
// through two replicas (a client that finds the state locked retries
// after 1 ms), reports hold and wait latency, and checks no update was
// lost.
func BenchmarkCycleContended(b *testing.B) {
	e := newBenchEnv(b, 2, nil)
	tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(benchStateSize)}.Template()
	var serial uint64 // guarded by the state's lock
	var next atomic.Int64
	hold, wait := newLatencies(), newLatencies()
	b.SetParallelism((benchClients + gomaxprocs() - 1) / gomaxprocs())
	b.ResetTimer()
	m := startMeter(b, e.cluster)
	b.RunParallel(func(pb *testing.PB) {
		n := next.Add(1)
		svc := e.svcs[int(n)%2]
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
	if _, meta, err := e.svcs[0].Get(ctx, "contended"); err != nil || meta.Serial != uint64(b.N) {
		b.Fatalf("after %d cycles the state has serial %d (%v): updates were lost", b.N, meta.Serial, err)
	}
	b.ReportMetric(ms(hold.quantile(0.50)), "hold-p50-ms")
	b.ReportMetric(ms(hold.quantile(0.99)), "hold-p99-ms")
	b.ReportMetric(ms(wait.quantile(0.50)), "wait-p50-ms")
	b.ReportMetric(ms(wait.quantile(0.99)), "wait-p99-ms")
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

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the CPU time all processes have used, from /proc/stat.
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

// serverCPU is the CPU time the PostgreSQL server has used: the
// postmaster with its reaped children (backends that exited) plus the
// live ones, from /proc (0 where there is none).
func serverCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	var ticks int64
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		_, rest, ok := strings.Cut(string(b), ") ") // after "pid (comm)"
		if !ok {
			continue
		}
		f := strings.Fields(rest) // state ppid ... utime(12) stime(13) cutime(14) cstime(15)
		if len(f) < 16 {
			continue
		}
		self := filepath.Base(filepath.Dir(p)) == strconv.Itoa(pid)
		if ppid, _ := strconv.Atoi(f[1]); !self && ppid != pid {
			continue
		}
		last := 13
		if self {
			last = 15
		}
		for _, v := range f[11 : last+1] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// meter measures a benchmark's wall time, its own CPU time, the
// PostgreSQL server's and the machine's.
type meter struct {
	start         time.Time
	pid           int
	cpu, pg, busy time.Duration
}

func startMeter(b *testing.B, c *testenv.PostgresCluster) meter {
	pid, err := c.PostmasterPID()
	if err != nil {
		b.Logf("no server CPU figures: %v", err)
	}
	return meter{time.Now(), pid, cpuTime(), serverCPU(pid), machineBusy()}
}

// report adds cycles/s, cpu-us/cycle (this process: service and store
// client), pg-cpu-us/cycle (the PostgreSQL server) and others-cores (the
// CPU every other process used during the run, so noisy runs can be told
// apart) for n cycles.
func (m meter) report(b *testing.B, n int) {
	elapsed := time.Since(m.start)
	cpu := cpuTime() - m.cpu
	pg := serverCPU(m.pid) - m.pg
	others := machineBusy() - m.busy - cpu - pg
	b.ReportMetric(float64(n)/elapsed.Seconds(), "cycles/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-us/cycle")
	b.ReportMetric(float64(pg.Microseconds())/float64(n), "pg-cpu-us/cycle")
	b.ReportMetric(max(0, others.Seconds()/elapsed.Seconds()), "others-cores")
}
