package testenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
)

// ProviderSetup is everything a test needs to run terraform against the
// localfs provider served from a local filesystem mirror.
type ProviderSetup struct {
	// Terraform is the terraform binary (see Terraform).
	Terraform string
	// Binary is the provider executable inside the mirror.
	Binary string
	// MirrorDir is the filesystem_mirror root that holds Binary.
	MirrorDir string
	// CLIConfigFile is the CLI configuration that points terraform at MirrorDir.
	CLIConfigFile string
	// Env holds the variables to add to terraform's environment
	// (TF_CLI_CONFIG_FILE and CHECKPOINT_DISABLE).
	Env []string
}

// Provider returns the localfs provider set up for terraform, building
// cmd/terraform-provider-localfs at most once per test process and reusing a
// build from an earlier process when the provider's sources are unchanged.
// Missing terraform or go skips t, or fails it under INFRACTL_REQUIRE_INTEGRATION=1;
// a build error always fails it.
func Provider(t testing.TB) ProviderSetup {
	t.Helper()
	tf := Terraform(t)
	_, err := exec.LookPath("go")
	Need(t, "go", err)
	setup, err := buildProvider()
	if err != nil {
		t.Fatalf("building the localfs provider: %v", err)
	}
	setup.Terraform = tf
	return setup
}

// Environ is the environment for a terraform child: this process's, without
// variables that would change terraform's behaviour behind a test's back
// (TF_LOG*, TF_CLI_ARGS*, TF_CLI_CONFIG_FILE, TF_PLUGIN_CACHE_DIR,
// TF_DATA_DIR, LOCALFS_*), plus Env.
func (p ProviderSetup) Environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"),
			strings.HasPrefix(name, "TF_CLI_ARGS"),
			name == "TF_CLI_CONFIG_FILE",
			name == "TF_PLUGIN_CACHE_DIR",
			name == "TF_DATA_DIR",
			strings.HasPrefix(name, "LOCALFS_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, p.Env...)
}

// Command returns terraform args run in dir with Environ, so a test drives
// real terraform with one line; the caller sets Stdout/Stderr or calls Output.
func (p ProviderSetup) Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.Terraform, args...)
	cmd.Dir = dir
	cmd.Env = p.Environ()
	return cmd
}

var buildProvider = sync.OnceValues(func() (ProviderSetup, error) {
	root, err := moduleRoot()
	if err != nil {
		return ProviderSetup{}, err
	}
	key, err := sourceKey(root)
	if err != nil {
		return ProviderSetup{}, err
	}
	cache, err := cacheDir()
	if err != nil {
		return ProviderSetup{}, err
	}
	return ensureBuilt(root, filepath.Join(cache, "localfs-"+key))
})

// cacheDir is where built providers are kept across test processes.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "infractl", "testenv")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating test cache: %w", err)
	}
	return dir, nil
}

// ensureBuilt returns the setup in dir, building it first if no earlier
// process did. Builds go to a temp sibling renamed into place, so concurrent
// test processes (go test ./...) never see a half-written mirror.
func ensureBuilt(root, dir string) (ProviderSetup, error) {
	setup := ProviderSetup{
		MirrorDir:     filepath.Join(dir, "mirror"),
		CLIConfigFile: filepath.Join(dir, "terraform.rc"),
	}
	setup.Binary = localfs.MirrorPath(setup.MirrorDir)
	setup.Env = []string{
		"TF_CLI_CONFIG_FILE=" + setup.CLIConfigFile,
		"CHECKPOINT_DISABLE=1",
	}
	if _, err := os.Stat(setup.CLIConfigFile); err == nil {
		now := time.Now()
		_ = os.Chtimes(dir, now, now) // mark it used, so pruning keeps it
		return setup, nil
	}

	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".tmp-")
	if err != nil {
		return setup, fmt.Errorf("creating build dir: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after a successful rename
	built := filepath.Join(tmp, "terraform-provider-localfs")
	cmd := exec.Command("go", "build", "-o", built, "./cmd/terraform-provider-localfs")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return setup, fmt.Errorf("go build ./cmd/terraform-provider-localfs: %w\n%s", err, out)
	}
	if _, err := localfs.WriteMirror(filepath.Join(tmp, "mirror"), built); err != nil {
		return setup, err
	}
	if err := os.Remove(built); err != nil {
		return setup, err
	}
	// The config names the final mirror path, valid once tmp is renamed to dir.
	if err := localfs.WriteCLIConfig(filepath.Join(tmp, "terraform.rc"), setup.MirrorDir); err != nil {
		return setup, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have won the race; its build is as good as ours.
		if _, statErr := os.Stat(setup.CLIConfigFile); statErr == nil {
			return setup, nil
		}
		return setup, fmt.Errorf("installing provider build: %w", err)
	}
	pruneBuilds(filepath.Dir(dir), filepath.Base(dir))
	return setup, nil
}

// pruneAfter is how long a cached provider build (about 25 MB) may go unused
// before the next fresh build deletes it, so editing the provider does not
// fill the disk with stale builds.
const pruneAfter = 15 * time.Minute

// pruneBuilds removes provider builds and abandoned build dirs in cache,
// other than keep, that nobody has used for pruneAfter. Errors are ignored:
// pruning is housekeeping and must never fail a test.
func pruneBuilds(cache, keep string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep || !strings.HasPrefix(e.Name(), "localfs-") {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > pruneAfter {
			_ = os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}

// moduleRoot finds the infractl module's root above the working directory,
// which go test sets to the package under test.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module "+modulePath+"\n") {
			return dir, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod for module %s above the working directory", modulePath)
		}
		dir = parent
	}
}
