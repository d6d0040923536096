package tf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
)

// Flavor tells Terraform and OpenTofu apart; a few flags depend on it.
type Flavor string

// The binaries infractl can drive.
const (
	FlavorTerraform Flavor = "terraform"
	FlavorTofu      Flavor = "tofu"
)

// EnvBinary names the environment variable that selects the binary when
// --tf-binary is not given, so CI can pin one without editing infractl.hcl.
const EnvBinary = "INFRACTL_TF_BINARY"

// MinVersion is the oldest Terraform infractl supports: the first with
// import blocks and the UI 1.2 "importing" field that import counts rely on.
var MinVersion = version.Must(version.NewVersion("1.5.0"))

// versionTimeout bounds the `version -json` probe; a binary that hangs there
// is not one we can drive.
const versionTimeout = 30 * time.Second

// Binary is a resolved, version-checked terraform or tofu executable.
type Binary struct {
	// Path is the absolute path that will be executed.
	Path string
	// Flavor is terraform or tofu.
	Flavor Flavor
	// Version is what `version -json` reported.
	Version *version.Version
}

// String names the binary for messages, e.g. "terraform 1.11.4 (/usr/bin/terraform)".
func (b *Binary) String() string {
	return fmt.Sprintf("%s %s (%s)", b.Flavor, b.Version, b.Path)
}

// Features lists what the binary's version supports, so argv builders stay
// pure functions of options and features.
type Features struct {
	// InitJSON is true when `init -json` exists: Terraform 1.9, OpenTofu 1.7.
	InitJSON bool
}

// Features reports what b supports.
func (b *Binary) Features() Features {
	initJSON := version.Must(version.NewVersion("1.9.0"))
	if b.Flavor == FlavorTofu {
		initJSON = version.Must(version.NewVersion("1.7.0"))
	}
	return Features{InitJSON: b.Version.Core().GreaterThanOrEqual(initJSON)}
}

// FindOptions are the user's explicit choices of binary, highest priority
// first; empty fields are skipped.
type FindOptions struct {
	// Explicit comes from --tf-binary.
	Explicit string
	// ConfigBinary comes from infractl.hcl.
	ConfigBinary string
	// Dir is the directory a relative ConfigBinary path is resolved
	// against (the estate root, where infractl.hcl lives); empty means the
	// working directory. Relative --tf-binary and environment paths are
	// always relative to the working directory, as on any command line.
	Dir string
}

// NotFoundError reports that no usable binary was found, listing every
// place that was tried so the user can see what to fix.
type NotFoundError struct {
	Tried []string
}

// Error lists what was tried and how to fix it.
func (e *NotFoundError) Error() string {
	return "no terraform or tofu binary found; tried " + strings.Join(e.Tried, ", ") +
		". Install Terraform >= " + MinVersion.String() + " or OpenTofu, or point infractl at a binary with --tf-binary or " + EnvBinary
}

// UnsupportedVersionError reports a binary older than MinVersion.
type UnsupportedVersionError struct {
	Path    string
	Flavor  Flavor
	Version *version.Version
}

// Error names the binary, its version and the minimum, and how to choose
// another binary.
func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("%s %s at %s is too old: infractl needs %s or later; install a newer version, or point infractl at another binary with --tf-binary or %s",
		e.Flavor, e.Version, e.Path, MinVersion, EnvBinary)
}

// Find resolves the binary to run, in this order: opts.Explicit
// (--tf-binary), $INFRACTL_TF_BINARY, opts.ConfigBinary (infractl.hcl),
// `terraform` on PATH, `tofu` on PATH. A name is looked up on PATH, a path is
// used as is. A binary the user named explicitly must work: Find does not
// fall back to PATH when it is missing. The chosen binary's version is
// checked once, with `version -json`.
func Find(ctx context.Context, opts FindOptions) (*Binary, error) {
	config := opts.ConfigBinary
	if opts.Dir != "" && isPath(config) && !filepath.IsAbs(config) {
		config = filepath.Join(opts.Dir, config)
	}
	named := []struct{ source, value string }{
		{"--tf-binary", opts.Explicit},
		{EnvBinary, os.Getenv(EnvBinary)},
		{"infractl.hcl", config},
	}
	var tried []string
	for _, n := range named {
		if n.value == "" {
			tried = append(tried, n.source+" (not set)")
			continue
		}
		path, err := resolve(n.value)
		if err != nil {
			return nil, fmt.Errorf("terraform binary %q from %s: %w", n.value, n.source, err)
		}
		return cachedProbe(ctx, path)
	}
	for _, name := range []string{"terraform", "tofu"} {
		path, err := exec.LookPath(name)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%q on PATH", name))
			continue
		}
		if path, err = filepath.Abs(path); err != nil {
			return nil, err
		}
		return cachedProbe(ctx, path)
	}
	return nil, &NotFoundError{Tried: tried}
}

// resolve turns a name or path into an absolute path to an executable.
func resolve(nameOrPath string) (string, error) {
	path := nameOrPath
	if !isPath(nameOrPath) {
		p, err := exec.LookPath(nameOrPath)
		if err != nil {
			return "", fmt.Errorf("not found on PATH")
		}
		path = p
	} else {
		info, err := os.Stat(path)
		if err != nil {
			return "", errors.Unwrap(err) // "no such file or directory"
		}
		if info.IsDir() || info.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s is not an executable file", path)
		}
	}
	return filepath.Abs(path)
}

// isPath tells a path ("./bin/terraform") from a name to look up on PATH.
func isPath(s string) bool {
	return strings.ContainsRune(s, filepath.Separator) || strings.ContainsRune(s, '/')
}

// versionOutput is what `terraform version -json` prints (OpenTofu prints
// the same keys, without terraform_outdated).
type versionOutput struct {
	Version  string `json:"terraform_version"`
	Platform string `json:"platform"`
	Outdated *bool  `json:"terraform_outdated"`
}

// probe runs `version -json` and checks the result.
func probe(ctx context.Context, path string) (*Binary, error) {
	out, err := runVersion(ctx, path, VersionOptions{}.Args(Features{}))
	if err != nil {
		return nil, err
	}
	var v versionOutput
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return nil, fmt.Errorf("%s does not look like terraform or tofu: `version -json` printed %q", path, truncate(out, 200))
	}
	ver, err := version.NewVersion(v.Version)
	if err != nil {
		return nil, fmt.Errorf("%s reported version %q: %w", path, v.Version, err)
	}
	b := &Binary{Path: path, Flavor: FlavorTerraform, Version: ver}
	if isTofu(ctx, path, v) {
		b.Flavor = FlavorTofu
	}
	if ver.Core().LessThan(MinVersion) {
		return nil, &UnsupportedVersionError{Path: path, Flavor: b.Flavor, Version: ver}
	}
	return b, nil
}

// isTofu tells OpenTofu from Terraform. Its `version -json` has the same
// keys, so the name decides; a tofu installed under the name terraform is
// recognised by the missing terraform_outdated key and then confirmed by the
// human `version` output, which starts with "OpenTofu".
func isTofu(ctx context.Context, path string, v versionOutput) bool {
	base := strings.ToLower(filepath.Base(path))
	if strings.Contains(base, "tofu") {
		return true
	}
	if v.Outdated != nil {
		return false
	}
	out, err := runVersion(ctx, path, []string{"version"})
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(out), []byte("OpenTofu"))
}

// runVersion runs a version subcommand with a clean environment and no
// update check.
func runVersion(ctx context.Context, path string, args []string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, path, args...)
	c.Env = append(Environ(os.Environ()), "CHECKPOINT_DISABLE=1")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("running %s %s: %w", path, strings.Join(args, " "), ctx.Err())
		}
		return nil, fmt.Errorf("running %s %s: %w: %s", path, strings.Join(args, " "), err, truncate(stderr.Bytes(), 500))
	}
	return out, nil
}

// truncate shortens b for an error message.
func truncate(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
