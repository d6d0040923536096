package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// EnvTFBinary names the terraform (or tofu) binary to test with, the same
// variable infractl itself honours, so tests and the CLI agree on the binary.
const EnvTFBinary = "INFRACTL_TF_BINARY"

// minTerraform is the oldest version infractl supports (-json UI, import blocks).
const minTerraform = "1.5"

// FindTerraform returns the path and version of the terraform binary named by
// INFRACTL_TF_BINARY or found on PATH, or an error saying why it is unusable;
// it does not depend on package testing so tools can share the lookup.
func FindTerraform() (path, version string, err error) {
	name := os.Getenv(EnvTFBinary)
	if name == "" {
		name = "terraform"
	}
	path, err = exec.LookPath(name)
	if err != nil {
		return "", "", fmt.Errorf("looking up %s: %w", name, err)
	}
	cmd := exec.Command(path, "version", "-json")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("running %s version -json: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		return "", "", fmt.Errorf("reading version of %s from %q: %v", path, out, err)
	}
	if !atLeast(v.Version, minTerraform) {
		return "", "", fmt.Errorf("%s is version %s, want >= %s", path, v.Version, minTerraform)
	}
	return path, v.Version, nil
}

var findTerraform = sync.OnceValues(func() (string, error) {
	path, _, err := FindTerraform()
	return path, err
})

// Terraform returns the terraform binary for this test process, looked up and
// version-checked once; a missing or too old binary skips t, or fails it
// under INFRACTL_REQUIRE_INTEGRATION=1.
func Terraform(t testing.TB) string {
	t.Helper()
	path, err := findTerraform()
	Need(t, "terraform", err)
	return path
}

// atLeast compares dotted numeric versions ("1.11.4" >= "1.5"), ignoring any
// pre-release suffix, which is all a minimum-version check needs.
func atLeast(have, want string) bool {
	h, w := versionParts(have), versionParts(want)
	for i := range max(len(h), len(w)) {
		var a, b int
		if i < len(h) {
			a = h[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return a > b
		}
	}
	return true
}

func versionParts(v string) []int {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	var parts []int
	for _, s := range strings.Split(v, ".") {
		n, err := strconv.Atoi(s)
		if err != nil {
			break
		}
		parts = append(parts, n)
	}
	return parts
}
