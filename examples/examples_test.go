// Package examples_test checks the example estates with the real terraform
// binary: they are formatted, and the built-in-only estate validates. The
// ml-platform estate needs the AWS and Kubernetes providers, which cannot
// be downloaded here, so beyond formatting it is checked by infractl lint
// (internal/lint's tests).
package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/infractl/infractl/internal/testenv"
)

func terraform(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(testenv.Terraform(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=", "CHECKPOINT_DISABLE=1", "TF_DATA_DIR="+filepath.Join(t.TempDir(), "data"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform %v in %s: %v\n%s", args, dir, err, out)
	}
}

func TestExamplesAreFormatted(t *testing.T) {
	for _, dir := range []string{"quickstart", "ml-platform"} {
		terraform(t, dir, "fmt", "-check", "-recursive", "-diff")
	}
}

func TestQuickstartValidates(t *testing.T) {
	envs, err := filepath.Glob("quickstart/environments/*")
	if err != nil || len(envs) != 3 {
		t.Fatalf("quickstart environments: %v %v", envs, err)
	}
	for _, env := range envs {
		terraform(t, env, "init", "-backend=false", "-input=false", "-no-color")
		terraform(t, env, "validate", "-no-color")
	}
}
