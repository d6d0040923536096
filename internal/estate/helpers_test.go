package estate

import (
	"os"
	"path/filepath"
	"testing"
)

// writeTree creates files (slash-separated path -> content) under a new
// temporary directory and returns it.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// loadOne loads an estate with a single environment "x" made of files
// (names relative to the environment directory) and returns it.
func loadOne(t *testing.T, files map[string]string) *Environment {
	t.Helper()
	tree := map[string]string{}
	for name, content := range files {
		tree["environments/x/"+name] = content
	}
	e, err := Load(writeTree(t, tree))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	env, err := e.Env("x")
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// copyTree copies the directory src to a new temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
