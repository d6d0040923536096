package localfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// MirrorPath is where Terraform's unpacked filesystem_mirror layout expects
// the provider executable under mirrorDir, for the platform this process runs on.
func MirrorPath(mirrorDir string) string {
	return filepath.Join(mirrorDir, filepath.FromSlash(Address), Version,
		runtime.GOOS+"_"+runtime.GOARCH, ExecutableName)
}

// WriteMirror installs providerBinary into mirrorDir in the unpacked mirror
// layout and returns the installed path, so `terraform init` can find the
// provider without a registry; the demo passes infractl's own executable.
// It hard-links when it can and copies otherwise, and is a no-op when
// providerBinary already is the installed file.
func WriteMirror(mirrorDir, providerBinary string) (string, error) {
	dst := MirrorPath(mirrorDir)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("creating provider mirror: %w", err)
	}
	src, err := filepath.Abs(providerBinary)
	if err != nil {
		return "", fmt.Errorf("resolving provider binary: %w", err)
	}
	if si, err := os.Stat(src); err != nil {
		return "", fmt.Errorf("provider binary: %w", err)
	} else if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		return dst, nil
	}
	tmp := dst + ".tmp"
	_ = os.Remove(tmp)
	if err := link(src, tmp); err != nil {
		if err := copyExecutable(src, tmp); err != nil {
			_ = os.Remove(tmp)
			return "", err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("installing provider into mirror: %w", err)
	}
	return dst, nil
}

// link is os.Link, replaceable so tests can take the copy path.
var link = os.Link

func copyExecutable(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("opening provider binary: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("creating %s: %w", dst, err)
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copying provider binary to %s: %w", dst, err)
	}
	return out.Chmod(0o755)
}

// CLIConfig returns a Terraform CLI configuration that installs
// registry.terraform.io/infractl/* only from mirrorDir and everything else
// directly, with the upgrade checkpoint off because runs may have no network.
func CLIConfig(mirrorDir string) []byte {
	ns := path.Dir(Address) + "/*" // registry.terraform.io/infractl/*
	var b strings.Builder
	b.WriteString("# Written by infractl: serve " + Address + " from a local filesystem mirror.\n")
	b.WriteString("disable_checkpoint = true\n\n")
	b.WriteString("provider_installation {\n")
	b.WriteString("  filesystem_mirror {\n")
	b.WriteString("    path    = " + hclString(mirrorDir) + "\n")
	b.WriteString("    include = [" + hclString(ns) + "]\n")
	b.WriteString("  }\n")
	b.WriteString("  direct {\n")
	b.WriteString("    exclude = [" + hclString(ns) + "]\n")
	b.WriteString("  }\n")
	b.WriteString("}\n")
	return []byte(b.String())
}

// WriteCLIConfig writes CLIConfig(mirrorDir) to file; point Terraform at it
// with TF_CLI_CONFIG_FILE.
func WriteCLIConfig(file, mirrorDir string) error {
	if err := os.WriteFile(file, CLIConfig(mirrorDir), 0o644); err != nil {
		return fmt.Errorf("writing terraform CLI config: %w", err)
	}
	return nil
}

// hclString quotes s as a string literal for the CLI configuration, which
// Terraform still parses as HCL 1: only backslashes, quotes and control
// characters need escaping, and "${" stays literal (there is no interpolation
// there, and HCL 2's "$${" escape would be taken literally too).
func hclString(s string) string {
	r := strings.NewReplacer(
		`\`, `\\`,
		`"`, `\"`,
		"\n", `\n`,
		"\r", `\r`,
		"\t", `\t`,
	)
	return `"` + r.Replace(s) + `"`
}
