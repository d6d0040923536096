package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
)

func TestAtLeast(t *testing.T) {
	tests := []struct {
		have, want string
		ok         bool
	}{
		{"1.11.4", "1.5", true},
		{"1.5.0", "1.5", true},
		{"1.5", "1.5.0", true},
		{"1.4.7", "1.5", false},
		{"0.15.5", "1.5", false},
		{"2.0.0", "1.5", true},
		{"1.6.0-alpha20230816", "1.5", true},
		{"v1.10.0", "1.5", true},
		{"1.10.0", "1.9", true},
	}
	for _, tt := range tests {
		if got := atLeast(tt.have, tt.want); got != tt.ok {
			t.Errorf("atLeast(%q, %q) = %v, want %v", tt.have, tt.want, got, tt.ok)
		}
	}
}

// recorder is a testing.TB that records Skipf and Fatalf instead of acting.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestNeed(t *testing.T) {
	missing := errors.New(`exec: "terraform": executable file not found in $PATH`)
	tests := []struct {
		name, require string
		err           error
		skip, fail    bool
	}{
		{"present", "1", nil, false, false},
		{"missing on a laptop", "", missing, true, false},
		{"missing with require=0", "0", missing, true, false},
		{"missing in CI", "1", missing, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvRequireIntegration, tt.require)
			r := &recorder{TB: t}
			Need(r, "terraform", tt.err)
			if (r.skipped != "") != tt.skip || (r.failed != "") != tt.fail {
				t.Fatalf("skipped=%q failed=%q, want skip=%v fail=%v", r.skipped, r.failed, tt.skip, tt.fail)
			}
			msg := r.skipped + r.failed
			if tt.err != nil && (!strings.Contains(msg, "executable file not found") || !strings.Contains(msg, "INFRACTL_TF_BINARY")) {
				t.Errorf("message %q should say what is missing and how to install it", msg)
			}
		})
	}
}

func TestTempEstate(t *testing.T) {
	dir := TempEstate(t, map[string]string{
		"infractl.hcl":             "# empty\n",
		"environments/dev/main.tf": "locals {}\n",
	})
	b, err := os.ReadFile(filepath.Join(dir, "environments", "dev", "main.tf"))
	if err != nil || string(b) != "locals {}\n" {
		t.Fatalf("main.tf = %q, %v", b, err)
	}
}

func TestSourceKeyStable(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	a, err := sourceKey(root)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sourceKey(root)
	if a != b || len(a) != 16 {
		t.Fatalf("sourceKey = %q then %q, want the same 16 hex digits", a, b)
	}
}

// TestProviderInit is the harness's own integration test: the mirror must
// satisfy `terraform init` with no registry, and a second init (what every
// further test pays) is timed in the log.
func TestProviderInit(t *testing.T) {
	start := time.Now()
	p := Provider(t)
	t.Logf("Provider (build or cache hit): %v", time.Since(start))
	if fi, err := os.Stat(p.Binary); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Fatalf("provider binary %s: %v (mode %v)", p.Binary, err, fi.Mode())
	}
	for i := range 2 {
		dir := TempEstate(t, map[string]string{"main.tf": localfs.RequiredProviders})
		start := time.Now()
		out, err := p.Command(context.Background(), dir, "init", "-input=false", "-no-color").CombinedOutput()
		if err != nil {
			t.Fatalf("terraform init: %v\n%s", err, out)
		}
		t.Logf("terraform init #%d: %v", i+1, time.Since(start))
		if !strings.Contains(string(out), "Installing infractl/localfs v0.1.0") {
			t.Errorf("init output does not show the provider being installed:\n%s", out)
		}
		lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
		if err != nil || !strings.Contains(string(lock), `provider "registry.terraform.io/infractl/localfs"`) {
			t.Errorf("lock file: %v\n%s", err, lock)
		}
	}
}

func TestPruneBuilds(t *testing.T) {
	cache := t.TempDir()
	old := time.Now().Add(-2 * pruneAfter)
	for _, name := range []string{"localfs-old", "localfs-keep", "localfs-fresh", "localfs-x.tmp-1", "other"} {
		if err := os.Mkdir(filepath.Join(cache, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if name != "localfs-fresh" {
			if err := os.Chtimes(filepath.Join(cache, name), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	pruneBuilds(cache, "localfs-keep")
	var got []string
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if want := []string{"localfs-fresh", "localfs-keep", "other"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after pruning: %v, want %v", got, want)
	}
}
