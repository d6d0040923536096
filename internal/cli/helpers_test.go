package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/hashicorp/go-version"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
	"github.com/infractl/infractl/internal/testenv"
)

// harness runs infractl in-process against an estate in a temp dir, with
// the real terraform binary and the localfs provider from a local mirror.
type harness struct {
	t    *testing.T
	root string
}

func newHarness(t *testing.T, files map[string]string) *harness {
	t.Helper()
	p := testenv.Provider(t)
	for _, kv := range p.Env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("INFRACTL_TF_BINARY", p.Terraform)
	t.Setenv("NO_COLOR", "1")
	return &harness{t: t, root: testenv.TempEstate(t, files)}
}

// run executes infractl with args from the estate root and returns stdout,
// stderr and the exit code.
func (h *harness) run(args ...string) (string, string, int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	return h.runCtx(ctx, args...)
}

// runCtx is run with the caller's context, to interrupt a run.
func (h *harness) runCtx(ctx context.Context, args ...string) (string, string, int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Main(ctx, append([]string{"--chdir", h.root}, args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

// must runs infractl and fails the test unless it exits with want.
func (h *harness) must(want int, args ...string) string {
	h.t.Helper()
	out, errOut, code := h.run(args...)
	if code != want {
		h.t.Fatalf("infractl %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out
}

// mustJSON runs infractl with -o json and decodes stdout into v.
func (h *harness) mustJSON(want int, v any, args ...string) {
	h.t.Helper()
	out := h.must(want, append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		h.t.Fatalf("decoding %s output: %v\n%s", args[0], err, out)
	}
}

func (h *harness) write(rel, content string) {
	h.t.Helper()
	p := filepath.Join(h.root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.root, rel))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

// tfMain prefixes an environment's configuration with the localfs
// provider requirement.
func tfMain(body string) string { return localfs.RequiredProviders + "\n" + body }

// planJSON mirrors the public JSON shape of `infractl plan -o json`.
type planJSON struct {
	Environments []struct {
		Name             string         `json:"name"`
		Status           string         `json:"status"`
		Add              int            `json:"add"`
		Change           int            `json:"change"`
		Destroy          int            `json:"destroy"`
		Replace          int            `json:"replace"`
		Import           int            `json:"import"`
		Move             int            `json:"move"`
		Forget           int            `json:"forget"`
		Read             int            `json:"read"`
		Drift            int            `json:"drift"`
		TerraformSummary map[string]any `json:"terraform_summary"`
		Resources        []struct {
			Address string `json:"address"`
			Action  string `json:"action"`
			Reason  string `json:"reason"`
		} `json:"resources"`
		Error string `json:"error"`
	} `json:"environments"`
	ExitCode int `json:"exit_code"`
}

// terraformAtLeast reports whether the terraform under test is at least
// min, for features newer than the oldest supported release (1.5).
func terraformAtLeast(t *testing.T, min string) bool {
	t.Helper()
	_, v, err := testenv.FindTerraform()
	if err != nil {
		t.Fatal(err)
	}
	have, err := version.NewVersion(v)
	if err != nil {
		t.Fatal(err)
	}
	return have.Core().GreaterThanOrEqual(version.Must(version.NewVersion(min)))
}
