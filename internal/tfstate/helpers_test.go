package tfstate

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// fixtureNames are the real Terraform 1.11.4 states record.sh writes, in
// the order they were recorded.
var fixtureNames = []string{"v1", "v2", "v3-tainted", "v4-deposed", "empty"}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "states", name+".tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t testing.TB, name string) *State {
	t.Helper()
	s, err := Parse(readFixture(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return s
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from golden file (run go test -update if the change is intended)\ngot:\n%s\nwant:\n%s",
			name, got, want)
	}
}

// minimal returns a small valid v4 state body with the given extra
// top-level members spliced in before "resources".
func minimal(extra string) string {
	return `{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "aaaa",` + extra +
		`"outputs": {}, "resources": [], "check_results": null}`
}
