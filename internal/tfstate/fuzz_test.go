package tfstate

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse and Inspect never panic, that they agree on
// every body Parse accepts, and that an accepted state survives Encode,
// Diff and BumpSerial. Seeds are the fixtures; new corpus entries the
// fuzzer finds live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"states", "invalid"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.tfstate"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(minimal("")))
	f.Add([]byte(`{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed", "type": "t", "name": "n", "provider": "p",
		"instances": [{"index_key": "k", "attributes": {"a": {"value": "s", "type": "string"}}, "sensitive_attributes": [[{"type": "get_attr", "value": "a"}]]},
		{"index_key": "k", "deposed": "00000001", "attributes_flat": {"a": "b"}}]}],
		"outputs": {"o": {"value": "s", "type": "string", "sensitive": true}}}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		meta, inspectErr := Inspect(body)
		s, err := Parse(body)
		if err != nil {
			return
		}
		if inspectErr != nil {
			t.Fatalf("Parse accepts what Inspect rejects: %v", inspectErr)
		}
		if got := s.Meta(); got != meta {
			t.Fatalf("Parse Meta %+v != Inspect Meta %+v", got, meta)
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("re-encoded state does not parse: %v\n%s", err, enc)
		}
		want, got := s.Meta(), again.Meta()
		want.Size, got.Size = 0, 0
		if got != want {
			t.Fatalf("Meta after re-encoding %+v != %+v", got, want)
		}
		if !SameContent(s, again) {
			t.Fatalf("re-encoded state has different content")
		}
		if d := Diff(s, again, DiffOptions{}); !d.IsEmpty() {
			t.Fatalf("diff of a state with its re-encoding: %+v", d)
		}
		d := Diff(nil, s, DiffOptions{})
		if err := d.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if s.Serial < 1<<63 {
			bumped, err := BumpSerial(body, s.Serial+1, s.Lineage)
			if err != nil {
				t.Fatalf("BumpSerial: %v", err)
			}
			bm, err := Inspect(bumped)
			if err != nil || bm.Serial != s.Serial+1 || bm.Lineage != s.Lineage {
				t.Fatalf("bumped state: %+v, %v", bm, err)
			}
		}
		_ = s.Redacted()
	})
}
