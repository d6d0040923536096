package ui

import (
	"bufio"
	"bytes"
	stdjson "encoding/json"
	"errors"
	"io"
	"runtime"
	"testing"
)

// Results, written down per habit 15. Machine: 2-vCPU AMD EPYC VM,
// linux/amd64, Go 1.26.8. Stream: synthStream(50_000), 100,649,552 bytes,
// 207,105 messages.
//
//	go test ./internal/tf/ui -run '^$' -bench Decode -benchmem -count 5
//
//	BenchmarkDecode          236-250 MB/s  702 B/msg  6.6 allocs/msg  (1,366,000 allocs/op)
//	BenchmarkDecodeStdlibV1   87-97 MB/s  1186 B/msg 24.4 allocs/msg (5,045,000 allocs/op)
//
// Memory does not grow with the stream: TestDecodeMemoryDoesNotGrow decodes
// 20,715 and 207,150 messages with the same 702-708 B/msg and 6.57 allocs/msg,
// a peak heap of +8-12 MiB in both cases (GC pacing, not accumulation) and
// under 150 KiB live after a GC at the end.

// BenchmarkDecode measures the Decoder on the synthetic 50,000-resource
// stream. Besides MB/s and allocs/op (per whole stream) it reports allocs and
// bytes per message, which must not depend on the length of the stream.
func BenchmarkDecode(b *testing.B) {
	data, want := synth50k()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		if got := decodeAll(b, bytes.NewReader(data)); got != want {
			b.Fatalf("decoded %d messages, want %d", got, want)
		}
	}
	runtime.ReadMemStats(&after)
	msgs := float64(want) * float64(b.N)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/msgs, "allocs/msg")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/msgs, "B/msg")
}

// BenchmarkDecodeStdlibV1 is the same work with encoding/json (v1) and
// bufio.Scanner, kept as the baseline that motivated go-json-experiment.
func BenchmarkDecodeStdlibV1(b *testing.B) {
	data, want := synth50k()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := bufio.NewScanner(bytes.NewReader(data))
		s.Buffer(make([]byte, 64<<10), MaxLineSize)
		n := 0
		for s.Scan() {
			var m Message
			if err := stdjson.Unmarshal(s.Bytes(), &m); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != want {
			b.Fatalf("decoded %d messages, want %d", n, want)
		}
	}
}

// decodeAll decodes r to the end and returns the number of messages.
func decodeAll(tb testing.TB, r io.Reader) int {
	tb.Helper()
	d := NewDecoder(r)
	n := 0
	for {
		m, err := d.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			tb.Fatal(err)
		}
		if m.Level == LevelRaw {
			tb.Fatalf("message %d not decoded: %s", n, m.Raw)
		}
		n++
	}
}

// memProfile is what decoding a stream cost, for comparing a short stream
// with a long one.
type memProfile struct {
	messages     int
	bytesPerMsg  float64
	allocsPerMsg float64
	peakHeap     uint64 // highest HeapAlloc sampled while decoding, over the baseline
	retained     int64  // live heap after a GC at the end, decoder still reachable
}

// profileDecode decodes reps back-to-back copies of data, sampling the heap
// as it goes.
func profileDecode(t *testing.T, data []byte, reps int) memProfile {
	t.Helper()
	readers := make([]io.Reader, reps)
	for i := range readers {
		readers[i] = bytes.NewReader(data)
	}
	var base, ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)

	var p memProfile
	d := NewDecoder(io.MultiReader(readers...))
	for {
		_, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p.messages++
		if p.messages%256 == 0 {
			runtime.ReadMemStats(&ms)
			p.peakHeap = max(p.peakHeap, ms.HeapAlloc-min(ms.HeapAlloc, base.HeapAlloc))
		}
	}
	runtime.ReadMemStats(&ms)
	p.bytesPerMsg = float64(ms.TotalAlloc-base.TotalAlloc) / float64(p.messages)
	p.allocsPerMsg = float64(ms.Mallocs-base.Mallocs) / float64(p.messages)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	p.retained = int64(ms.HeapAlloc) - int64(base.HeapAlloc)
	runtime.KeepAlive(d)
	runtime.KeepAlive(data)
	return p
}

// TestDecodeMemoryDoesNotGrow decodes a stream once and ten times over and
// checks that the cost per message and the heap stay the same: memory is
// bounded by a line, not by the run.
func TestDecodeMemoryDoesNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes ~60 MB")
	}
	data, _ := synthStream(5_000)
	one := profileDecode(t, data, 1)
	ten := profileDecode(t, data, 10)
	t.Logf("1x:  %d msgs, %.0f B/msg, %.2f allocs/msg, peak heap +%d KiB, retained %d KiB",
		one.messages, one.bytesPerMsg, one.allocsPerMsg, one.peakHeap>>10, one.retained>>10)
	t.Logf("10x: %d msgs, %.0f B/msg, %.2f allocs/msg, peak heap +%d KiB, retained %d KiB",
		ten.messages, ten.bytesPerMsg, ten.allocsPerMsg, ten.peakHeap>>10, ten.retained>>10)

	if ten.messages != 10*one.messages {
		t.Fatalf("10x stream gave %d messages, want %d", ten.messages, 10*one.messages)
	}
	if r := ten.allocsPerMsg / one.allocsPerMsg; r > 1.05 || r < 0.95 {
		t.Errorf("allocs per message changed with stream length: 1x %.2f, 10x %.2f", one.allocsPerMsg, ten.allocsPerMsg)
	}
	if r := ten.bytesPerMsg / one.bytesPerMsg; r > 1.05 || r < 0.95 {
		t.Errorf("bytes per message changed with stream length: 1x %.0f, 10x %.0f", one.bytesPerMsg, ten.bytesPerMsg)
	}
	// The heap between GCs is garbage waiting to be collected; its peak is
	// set by the GC pacer, not by how much has been decoded. Allow slack
	// for pacing, but a leak of even a few bytes per message (10x the
	// messages) would show up as megabytes.
	const slack = 8 << 20
	if ten.peakHeap > one.peakHeap+slack {
		t.Errorf("peak heap grew with stream length: 1x +%d KiB, 10x +%d KiB", one.peakHeap>>10, ten.peakHeap>>10)
	}
	if ten.retained > one.retained+(1<<20) {
		t.Errorf("decoder holds %d KiB after a 10x stream, %d KiB after 1x", ten.retained>>10, one.retained>>10)
	}
}
