package server_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/server"
	"github.com/infractl/infractl/internal/store/storetest"
)

// BenchmarkCycleHTTP is Terraform's write cycle over HTTP against the
// in-process server: 32 clients, each on its own state, looping LOCK ->
// GET -> POST (100 KB state, ?ID=, Content-MD5) -> UNLOCK over keep-alive
// connections, access logs written to a file at info level. It reports
// cycles/s, the p50/p99 of one cycle, and the CPU time of a cycle (server
// and load generator together, which share the machine; the generator
// computes each body's MD5, as Terraform does).
//
//	go test -run '^$' -bench CycleHTTP -benchtime 6000x ./internal/server/
func BenchmarkCycleHTTP(b *testing.B) {
	const clients = 32
	dir := b.TempDir()
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logFile.Close()
	s, err := server.New(server.Config{
		Listen: "127.0.0.1:0", DataDir: filepath.Join(dir, "data"),
		Logger: slog.New(slog.NewJSONHandler(logFile, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())

	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, DisableCompression: true}}
	tmpl := storetest.Spec{Lineage: "bench", Resources: storetest.ResourcesForSize(100 << 10)}.Template()
	base := s.URL() + "/v1/states/bench/"

	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	var cycles atomic.Int64
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := next.Add(1)
			state := base + "s" + strconv.FormatInt(n, 10)
			var mine []time.Duration
			for serial := uint64(1); cycles.Add(1) <= int64(b.N); serial++ {
				t0 := time.Now()
				if err := benchCycle(hc, state, fmt.Sprintf("c%d-%d", n, serial), tmpl(serial)); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := processCPU() - cpu0
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "cycles/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "cpu-µs/cycle")
	b.ReportMetric(0, "ns/op")
}

// processCPU is the CPU time this process (server and load generator)
// has used, so the cost of a cycle can be read even when other processes
// share the machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchCycle runs one LOCK -> GET -> POST -> UNLOCK cycle as Terraform
// sends it.
func benchCycle(hc *http.Client, state, lockID string, body []byte) error {
	lock := []byte(`{"ID":"` + lockID + `","Operation":"OperationTypeApply","Info":"","Who":"bench@vm","Version":"1.11.4","Created":"2026-11-25T16:59:07.516287585Z","Path":""}`)
	steps := []struct {
		method, url string
		body        []byte
	}{
		{"LOCK", state + "/lock", lock},
		{"GET", state, nil},
		{"POST", state + "?ID=" + lockID, body},
		{"UNLOCK", state + "/lock", lock},
	}
	for _, st := range steps {
		var rd io.Reader
		if st.body != nil {
			rd = bytes.NewReader(st.body)
		}
		req, err := http.NewRequest(st.method, st.url, rd)
		if err != nil {
			return err
		}
		if st.body != nil {
			sum := md5.Sum(st.body)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && !(st.method == "GET" && resp.StatusCode == http.StatusNoContent) {
			return fmt.Errorf("%s %s: %d", st.method, st.url, resp.StatusCode)
		}
	}
	return nil
}
