package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// TempEstate writes files (slash-separated relative name -> content) into a
// fresh t.TempDir and returns its path, so a test states its whole estate inline.
func TempEstate(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			t.Fatalf("TempEstate: %q is not a relative path inside the estate", name)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
