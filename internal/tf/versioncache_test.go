package tf

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "infractl-tf-test-cache-")
	if err != nil {
		panic(err)
	}
	versionCacheFile = func() (string, error) { return filepath.Join(dir, "tf-versions.json"), nil }
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeFakeTerraform(t *testing.T, path, ver string, counter string) {
	t.Helper()
	script := "#!/bin/sh\necho run >> " + counter + "\necho '{\"terraform_version\":\"" + ver + "\",\"platform\":\"linux_amd64\",\"terraform_outdated\":false}'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestVersionCache(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform")
	counter := filepath.Join(dir, "runs")
	writeFakeTerraform(t, bin, "1.7.0", counter)
	runs := func() int {
		b, _ := os.ReadFile(counter)
		n := 0
		for _, c := range b {
			if c == '\n' {
				n++
			}
		}
		return n
	}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		b, err := Find(ctx, FindOptions{Explicit: bin})
		if err != nil {
			t.Fatal(err)
		}
		if b.Version.String() != "1.7.0" || b.Flavor != FlavorTerraform {
			t.Fatalf("got %s %s", b.Flavor, b.Version)
		}
	}
	if n := runs(); n != 1 {
		t.Errorf("version probed %d times for an unchanged binary, want 1", n)
	}

	// Replacing the binary (an upgrade or a downgrade) is noticed.
	writeFakeTerraform(t, bin, "1.4.7", counter)
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(bin, later, later)
	if _, err := Find(ctx, FindOptions{Explicit: bin}); err == nil {
		t.Fatal("a binary downgraded to 1.4.7 was accepted from the cache")
	}
	if n := runs(); n != 2 {
		t.Errorf("probes after replacing the binary = %d, want 2", n)
	}
	// And it stays refused.
	if _, err := Find(ctx, FindOptions{Explicit: bin}); err == nil {
		t.Fatal("cached 1.4.7 accepted")
	}
}

func TestVersionCacheUnusable(t *testing.T) {
	old := versionCacheFile
	versionCacheFile = func() (string, error) { return "/dev/null/nope/tf-versions.json", nil }
	defer func() { versionCacheFile = old }()
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform")
	writeFakeTerraform(t, bin, "1.6.0", filepath.Join(dir, "runs"))
	b, err := Find(context.Background(), FindOptions{Explicit: bin})
	if err != nil || b.Version.String() != "1.6.0" {
		t.Fatalf("Find with an unwritable cache: %v %v", b, err)
	}
}
