package statestore_test

import (
	"crypto/md5"
	"crypto/sha256"
	"testing"

	"github.com/infractl/infractl/internal/statestore"
	"github.com/infractl/infractl/internal/store/storetest"
	"github.com/infractl/infractl/internal/tfstate"
)

// BenchmarkWriteSteps measures, one goroutine at a time, the CPU work the
// service does on a 100 KB state per write (and per read, for decoding),
// so the cycle benchmarks in internal/store/sqlite can be broken down.
// Results are in internal/store/sqlite/bench_results.md.
func BenchmarkWriteSteps(b *testing.B) {
	body := storetest.Spec{Lineage: "bench", Serial: 7, Resources: storetest.ResourcesForSize(100 << 10)}.Body()
	zstd := statestore.NewZstdCodec()
	blob, _ := zstd.Encode(body)
	s2 := statestore.S2Codec{}
	s2blob, _ := s2.Encode(body)
	steps := []struct {
		name string
		fn   func()
	}{
		{"md5", func() { md5.Sum(body) }},
		{"sha256", func() { sha256.Sum256(body) }},
		{"inspect", func() {
			if _, err := tfstate.Inspect(body); err != nil {
				b.Fatal(err)
			}
		}},
		{"s2-encode", func() { s2.Encode(body) }}, //nolint:errcheck // cannot fail
		{"s2-decode", func() {
			if _, err := s2.Decode(s2blob); err != nil {
				b.Fatal(err)
			}
		}},
		{"zstd-encode", func() { zstd.Encode(body) }}, //nolint:errcheck // cannot fail
		{"zstd-decode", func() {
			if _, err := zstd.Decode(blob); err != nil {
				b.Fatal(err)
			}
		}},
		{"parse", func() {
			if _, err := tfstate.Parse(body); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, st := range steps {
		b.Run(st.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				st.fn()
			}
		})
	}
}
