package tfstate

import (
	"strconv"
	"testing"
)

// largeState builds a state of at least size bytes from the real v1
// fixture by repeating its resources under new names, so that the shape of
// the benchmark input (dynamic values, nested objects, sensitive paths) is
// Terraform's own.
func largeState(tb testing.TB, size int) []byte {
	tb.Helper()
	base := parseFixture(tb, "v1")
	s := *base
	s.Resources = nil
	for i := 0; ; i++ {
		for _, r := range base.Resources {
			r.Name += "_" + strconv.Itoa(i)
			s.Resources = append(s.Resources, r)
		}
		if i%8 != 7 {
			continue
		}
		b, err := s.Encode()
		if err != nil {
			tb.Fatal(err)
		}
		if len(b) >= size {
			return b
		}
	}
}

// Results, 2-core AMD EPYC (the project's standard machine), Go 1.26.8,
// go test -run '^$' -bench . -benchmem ./internal/tfstate/ (bodies are the
// first size at or above the target that largeState reaches):
//
//	BenchmarkInspect/100KB   184-238 µs/op  435-563 MB/s  43 KB/op  1686 allocs/op
//	BenchmarkInspect/5MB     9.5-11 ms/op   475-559 MB/s  2.1 MB/op  85690 allocs/op
//	BenchmarkParse/100KB     1.2 ms/op    88 MB/s   248 KB/op   3879 allocs/op
//	BenchmarkParse/5MB        59 ms/op    90 MB/s    13 MB/op 198049 allocs/op
//	BenchmarkDiff/100KB      3.9 ms/op (every instance changed) 2.3 MB/op
//
// Inspect streams with jsontext and skips attribute values; Parse scans the
// same way and then decodes with encoding/json, hence about 6x Inspect.
func BenchmarkInspect(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"100KB", 100 << 10}, {"5MB", 5 << 20}} {
		body := largeState(b, size.bytes)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Inspect(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"100KB", 100 << 10}, {"5MB", 5 << 20}} {
		body := largeState(b, size.bytes)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDiff(b *testing.B) {
	before := largeState(b, 100<<10)
	from := mustParseB(b, before)
	to := mustParseB(b, before)
	// Change one attribute in every instance.
	for i := range to.Resources {
		for j := range to.Resources[i].Instances {
			in := &to.Resources[i].Instances[j]
			in.Attributes = append([]byte(`{"changed": true, `), in.Attributes[1:]...)
		}
	}
	b.Run("100KB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Diff(from, to, DiffOptions{})
		}
	})
}

func mustParseB(b *testing.B, body []byte) *State {
	s, err := Parse(body)
	if err != nil {
		b.Fatal(err)
	}
	return s
}
