package localfs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/infractl/infractl/internal/provider/localfs"
	"github.com/infractl/infractl/internal/testenv"
)

// These tests drive the real terraform binary against the provider served from
// a filesystem mirror (testenv.Provider). They skip when terraform or go is
// missing, and fail instead under INFRACTL_REQUIRE_INTEGRATION=1.

const threeFiles = `
provider "localfs" {
  root = "data"
}

resource "localfs_file" "a" {
  path    = "a.txt"
  content = "alpha\n"
}

resource "localfs_file" "b" {
  path            = "sub/b.txt"
  content         = "bravo\n"
  file_permission = "0600"
}

resource "localfs_file" "c" {
  path    = "c.txt"
  content = "charlie\n"
}
`

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestApplyNoChangesAndDrift(t *testing.T) {
	t.Parallel()
	e := newEstate(t, threeFiles)

	out := e.must("apply", "-input=false", "-auto-approve", "-json")
	if got, want := actions(t, out, "planned_change"), map[string]string{
		"localfs_file.a": "create", "localfs_file.b": "create", "localfs_file.c": "create",
	}; !sameActions(got, want) {
		t.Fatalf("apply planned %v, want %v", got, want)
	}
	for rel, want := range map[string]string{"data/a.txt": "alpha\n", "data/sub/b.txt": "bravo\n", "data/c.txt": "charlie\n"} {
		if got := e.readFile(rel); got != want {
			t.Errorf("%s = %q, want %q", rel, got, want)
		}
	}
	for rel, want := range map[string]os.FileMode{"data/a.txt": 0o644, "data/sub/b.txt": 0o600} {
		fi, err := os.Stat(e.path(rel))
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("mode of %s = %v, %v; want %v", rel, fi.Mode().Perm(), err, want)
		}
	}
	st := e.state()
	if got := st.attr("localfs_file.a", "sha256"); got != sum("alpha\n") {
		t.Errorf("sha256 of a = %v, want %s", got, sum("alpha\n"))
	}
	if got := st.attr("localfs_file.a", "id"); got != "a.txt" {
		t.Errorf("id of a = %v, want a.txt", got)
	}

	if code, out := e.planExit(); code != 0 {
		t.Fatalf("plan right after apply: exit %d, want 0 (no changes)\n%s", code, out)
	}

	// Change b behind Terraform's back: drift "update", and the plan puts it back.
	e.writeFile("data/sub/b.txt", "tampered\n")
	if got, want := actions(t, e.must("plan", "-input=false", "-refresh-only", "-json"), "resource_drift"),
		map[string]string{"localfs_file.b": "update"}; !sameActions(got, want) {
		t.Fatalf("refresh-only drift = %v, want %v", got, want)
	}
	out = e.must("plan", "-input=false", "-json")
	if got, want := actions(t, out, "resource_drift"), map[string]string{"localfs_file.b": "update"}; !sameActions(got, want) {
		t.Errorf("plan drift = %v, want %v", got, want)
	}
	if got, want := actions(t, out, "planned_change"), map[string]string{"localfs_file.b": "update"}; !sameActions(got, want) {
		t.Errorf("plan changes = %v, want %v", got, want)
	}

	// Delete c behind Terraform's back: drift "delete", and the plan creates it again.
	if err := os.Remove(e.path("data/c.txt")); err != nil {
		t.Fatal(err)
	}
	if got, want := actions(t, e.must("plan", "-input=false", "-refresh-only", "-json"), "resource_drift"),
		map[string]string{"localfs_file.b": "update", "localfs_file.c": "delete"}; !sameActions(got, want) {
		t.Fatalf("refresh-only drift = %v, want %v", got, want)
	}
	if got, want := actions(t, e.must("plan", "-input=false", "-json"), "planned_change"),
		map[string]string{"localfs_file.b": "update", "localfs_file.c": "create"}; !sameActions(got, want) {
		t.Errorf("plan changes = %v, want %v", got, want)
	}

	// Permission drift replaces the file (file_permission forces replacement).
	if err := os.Chmod(e.path("data/a.txt"), 0o640); err != nil {
		t.Fatal(err)
	}
	if got := actions(t, e.must("plan", "-input=false", "-json"), "planned_change")["localfs_file.a"]; got != "replace" {
		t.Errorf("after chmod 0640, plan for a = %q, want replace", got)
	}

	e.must("apply", "-input=false", "-auto-approve")
	if got := e.readFile("data/sub/b.txt"); got != "bravo\n" {
		t.Errorf("after apply b = %q, want bravo", got)
	}
	if got := e.readFile("data/c.txt"); got != "charlie\n" {
		t.Errorf("after apply c = %q, want charlie", got)
	}
	if code, out := e.planExit(); code != 0 {
		t.Fatalf("plan after repair: exit %d, want 0\n%s", code, out)
	}

	e.must("destroy", "-input=false", "-auto-approve")
	for _, rel := range []string{"data/a.txt", "data/sub/b.txt", "data/c.txt"} {
		if _, err := os.Stat(e.path(rel)); !os.IsNotExist(err) {
			t.Errorf("%s after destroy: %v, want not exist", rel, err)
		}
	}
}

func TestUpdateInPlace(t *testing.T) {
	t.Parallel()
	cfg := func(content, secret string) string {
		return fmt.Sprintf(`
resource "localfs_file" "f" {
  path              = "f.txt"
  content           = %q
  sensitive_content = %q
}
`, content, secret)
	}
	e := newEstate(t, cfg("one\n", "s1"))
	e.must("apply", "-input=false", "-auto-approve")

	// A content change is an in-place update with sha256 unknown until apply.
	e.setConfig(cfg("two\n", "s1"))
	c := e.planChange("localfs_file.f")
	if !slices.Equal(c.Actions, []string{"update"}) {
		t.Fatalf("content change actions = %v, want [update]", c.Actions)
	}
	if c.AfterUnknown["sha256"] != true {
		t.Errorf("content change: sha256 after_unknown = %v, want true", c.AfterUnknown["sha256"])
	}
	e.must("apply", "-input=false", "-auto-approve")
	if got := e.state().attr("localfs_file.f", "sha256"); got != sum("two\n") {
		t.Errorf("sha256 after update = %v, want %s", got, sum("two\n"))
	}

	// An update that leaves content alone keeps the known sha256.
	e.setConfig(cfg("two\n", "s2"))
	c = e.planChange("localfs_file.f")
	if !slices.Equal(c.Actions, []string{"update"}) {
		t.Fatalf("secret change actions = %v, want [update]", c.Actions)
	}
	if c.AfterUnknown["sha256"] == true || c.After["sha256"] != sum("two\n") {
		t.Errorf("secret-only change: sha256 unknown=%v after=%v, want known %s",
			c.AfterUnknown["sha256"], c.After["sha256"], sum("two\n"))
	}
}

func TestReplaceOnPathOrPermissionChange(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	cfg := func(path, perm string) string {
		return fmt.Sprintf(`
resource "localfs_file" "f" {
  path            = %q
  content         = "moving\n"
  file_permission = %q
}
`, path, perm)
	}
	e := newEstate(t, cfg("old.txt", "0644"))
	e.must("apply", "-input=false", "-auto-approve")

	moved := filepath.Join(outside, "new.txt") // absolute: ignores the root
	e.setConfig(cfg(moved, "0644"))
	if got := actions(t, e.must("plan", "-input=false", "-json"), "planned_change"); got["localfs_file.f"] != "replace" {
		t.Fatalf("path change planned %v, want localfs_file.f: replace", got)
	}
	e.must("apply", "-input=false", "-auto-approve")
	if _, err := os.Stat(e.path("old.txt")); !os.IsNotExist(err) {
		t.Errorf("old.txt after replace: %v, want not exist", err)
	}
	if b, err := os.ReadFile(moved); err != nil || string(b) != "moving\n" {
		t.Errorf("%s = %q, %v", moved, b, err)
	}

	e.setConfig(cfg(moved, "0640"))
	if c := e.planChange("localfs_file.f"); !slices.Equal(c.Actions, []string{"delete", "create"}) {
		t.Fatalf("permission change actions = %v, want [delete create]", c.Actions)
	}
	e.must("apply", "-input=false", "-auto-approve")
	if fi, err := os.Stat(moved); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode of %s = %v, %v; want 0640", moved, fi.Mode().Perm(), err)
	}
}

func TestImport(t *testing.T) {
	t.Parallel()
	e := newEstate(t, `
resource "localfs_file" "x" {
  path    = "existing.txt"
  content = "was here first\n"
}
`)
	e.writeFile("existing.txt", "was here first\n")
	if err := os.Chmod(e.path("existing.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.must("import", "-input=false", "localfs_file.x", "existing.txt")
	if code, out := e.planExit(); code != 0 {
		t.Fatalf("plan after import: exit %d, want 0 (no changes)\n%s", code, out)
	}
	if got := e.state().attr("localfs_file.x", "sha256"); got != sum("was here first\n") {
		t.Errorf("imported sha256 = %v", got)
	}

	// Import picks up the secret side file too, so a config with sensitive_content matches.
	e.setConfig(`
resource "localfs_file" "z" {
  path              = "with-secret.txt"
  content           = "z\n"
  sensitive_content = "pssst"
  file_permission   = "0600"
}
`)
	e.writeFile("with-secret.txt", "z\n")
	e.writeFile("with-secret.txt.secret", "pssst")
	if err := os.Chmod(e.path("with-secret.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.must("state", "rm", "localfs_file.x")
	e.must("import", "-input=false", "localfs_file.z", "with-secret.txt")
	if code, out := e.planExit(); code != 0 {
		t.Fatalf("plan after importing a file with a secret: exit %d, want 0\n%s", code, out)
	}

	// Importing a file that is not there is Terraform's "non-existent" error.
	e.setConfig(`
resource "localfs_file" "y" {
  path    = "missing.txt"
  content = "x"
}
`)
	_, errs, code := e.run("import", "-input=false", "localfs_file.y", "missing.txt")
	if code == 0 || !strings.Contains(errs, "Cannot import non-existent remote object") {
		t.Errorf("import of a missing file: exit %d, stderr:\n%s", code, errs)
	}
}

func TestFailOnApply(t *testing.T) {
	t.Parallel()
	cfg := func(content string, fail bool) string {
		return fmt.Sprintf(`
resource "localfs_file" "f" {
  path          = "f.txt"
  content       = %q
  fail_on_apply = %t
}
`, content, fail)
	}
	e := newEstate(t, cfg("v1\n", true))

	// A failing create writes nothing and records nothing.
	out, _, code := e.run("apply", "-input=false", "-auto-approve", "-json")
	if code != 1 {
		t.Fatalf("apply with fail_on_apply: exit %d, want 1\n%s", code, out)
	}
	if got := errorSummaries(t, out); !slices.Equal(got, []string{"fail_on_apply is set"}) {
		t.Errorf("error diagnostics = %q, want [\"fail_on_apply is set\"]", got)
	}
	if _, err := os.Stat(e.path("f.txt")); !os.IsNotExist(err) {
		t.Errorf("f.txt after failed create: %v, want not exist", err)
	}
	if got := strings.TrimSpace(e.must("state", "list")); got != "" {
		t.Errorf("state after failed create = %q, want empty", got)
	}

	// A failing update leaves the file and the state as they were.
	e.setConfig(cfg("v1\n", false))
	e.must("apply", "-input=false", "-auto-approve")
	e.setConfig(cfg("v2\n", true))
	out, _, code = e.run("apply", "-input=false", "-auto-approve", "-json")
	if code != 1 || !slices.Equal(errorSummaries(t, out), []string{"fail_on_apply is set"}) {
		t.Fatalf("failing update: exit %d, errors %q", code, errorSummaries(t, out))
	}
	if got := e.readFile("f.txt"); got != "v1\n" {
		t.Errorf("f.txt after failed update = %q, want v1", got)
	}
	if got := e.state().attr("localfs_file.f", "content"); got != "v1\n" {
		t.Errorf("state content after failed update = %v, want v1", got)
	}
	if got := actions(t, e.must("plan", "-input=false", "-json"), "planned_change"); got["localfs_file.f"] != "update" {
		t.Errorf("plan after failed update = %v, want localfs_file.f: update", got)
	}
}

func TestSensitiveContentIsRedacted(t *testing.T) {
	t.Parallel()
	const secret = "hunter2-topsecret"
	e := newEstate(t, `
resource "localfs_file" "s" {
  path              = "s.txt"
  content           = "public\n"
  sensitive_content = "`+secret+`"
}
`)
	for _, args := range [][]string{
		{"plan", "-input=false"},
		{"plan", "-input=false", "-json"},
		{"apply", "-input=false", "-auto-approve"},
	} {
		out, errs, code := e.run(args...)
		if code != 0 {
			t.Fatalf("terraform %v: exit %d\n%s", args, code, errs)
		}
		if strings.Contains(out+errs, secret) {
			t.Errorf("terraform %v printed the secret:\n%s", args, out)
		}
		if args[len(args)-1] == "-input=false" && !strings.Contains(out, "sensitive_content = (sensitive value)") {
			t.Errorf("terraform %v does not show sensitive_content as (sensitive value):\n%s", args, out)
		}
	}
	st := e.state()
	r := st.resource("localfs_file.s")
	if r.SensitiveValues["sensitive_content"] != true {
		t.Errorf("show -json sensitive_values = %v, want sensitive_content: true", r.SensitiveValues)
	}
	if _, ok := r.SensitiveValues["content"]; ok {
		t.Errorf("content is marked sensitive: %v", r.SensitiveValues)
	}
	fi, err := os.Stat(e.path("s.txt.secret"))
	if err != nil || fi.Mode().Perm() != 0o600 || e.readFile("s.txt.secret") != secret {
		t.Errorf("s.txt.secret: %v, mode %v", err, fi.Mode())
	}
	if got := e.readFile("s.txt"); got != "public\n" {
		t.Errorf("s.txt = %q, want the public content only", got)
	}

	// Changing the secret on disk is drift too, and the drift report redacts both values.
	e.writeFile("s.txt.secret", "leaked-on-disk")
	out, errs, code := e.run("plan", "-input=false", "-refresh-only", "-json")
	if code != 0 {
		t.Fatalf("refresh-only plan: exit %d\n%s", code, errs)
	}
	if got := actions(t, out, "resource_drift"); !sameActions(got, map[string]string{"localfs_file.s": "update"}) {
		t.Errorf("secret drift = %v, want localfs_file.s: update", got)
	}
	out, _, _ = e.run("plan", "-input=false", "-refresh-only")
	if strings.Contains(out, secret) || strings.Contains(out, "leaked-on-disk") {
		t.Errorf("refresh-only plan printed a secret:\n%s", out)
	}

	e.must("destroy", "-input=false", "-auto-approve")
	if _, err := os.Stat(e.path("s.txt.secret")); !os.IsNotExist(err) {
		t.Errorf("s.txt.secret after destroy: %v", err)
	}
}

func TestDataSource(t *testing.T) {
	t.Parallel()
	e := newEstate(t, `
data "localfs_file" "pre" {
  path = "pre.txt"
}

resource "localfs_file" "gen" {
  path    = "gen.txt"
  content = "generated\n"
}

data "localfs_file" "gen" {
  path = localfs_file.gen.path
}

output "pre" {
  value = data.localfs_file.pre
}

output "gen" {
  value = data.localfs_file.gen.content
}
`)
	e.writeFile("pre.txt", "read me\n")
	// gen's read waits for the resource, so the plan shows it as a "read" action.
	got := actions(t, e.must("plan", "-input=false", "-json"), "planned_change")
	if want := map[string]string{"localfs_file.gen": "create", "data.localfs_file.gen": "read"}; !sameActions(got, want) {
		t.Fatalf("plan = %v, want %v", got, want)
	}
	e.must("apply", "-input=false", "-auto-approve")
	var outputs struct {
		Pre struct {
			Value map[string]string `json:"value"`
		} `json:"pre"`
		Gen struct {
			Value string `json:"value"`
		} `json:"gen"`
	}
	if err := json.Unmarshal([]byte(e.must("output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	if v := outputs.Pre.Value; v["content"] != "read me\n" || v["sha256"] != sum("read me\n") || v["path"] != "pre.txt" {
		t.Errorf("output pre = %v", v)
	}
	if outputs.Gen.Value != "generated\n" {
		t.Errorf("output gen = %q, want generated", outputs.Gen.Value)
	}

	if err := os.Remove(e.path("pre.txt")); err != nil {
		t.Fatal(err)
	}
	out, _, code := e.run("plan", "-input=false", "-json")
	if code != 1 || !slices.Equal(errorSummaries(t, out), []string{"Cannot read file"}) {
		t.Errorf("plan with pre.txt gone: exit %d, errors %q; want 1, [Cannot read file]", code, errorSummaries(t, out))
	}
}

func TestReadDelay(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	body := `
resource "localfs_file" "a" {
  path    = "a.txt"
  content = "a"
}

resource "localfs_file" "b" {
  path    = "b.txt"
  content = "b"
}

data "localfs_file" "a" {
  path       = "a.txt"
  depends_on = [localfs_file.a]
}
`
	e := newEstate(t, body)
	e.must("apply", "-input=false", "-auto-approve")

	// Each read must take at least the delay, measured from terraform's own
	// refresh_start/refresh_complete timestamps: a lower bound, however slow the machine.
	checkReads := func(what string) {
		t.Helper()
		took := readTimes(t, e.must("plan", "-input=false", "-json"))
		for _, addr := range []string{"localfs_file.a", "localfs_file.b", "data.localfs_file.a"} {
			if d, ok := took[addr]; !ok || d < delay {
				t.Errorf("%s: reading %s took %v (seen %v), want >= %v", what, addr, d, ok, delay)
			}
		}
	}

	e.setConfig(fmt.Sprintf("provider \"localfs\" {\n  read_delay = %q\n}\n", delay) + body)
	checkReads("read_delay in the provider block")

	e.setConfig(body)
	e.env = []string{"LOCALFS_READ_DELAY=" + delay.String()}
	checkReads("LOCALFS_READ_DELAY")

	// Without a delay the same reads are fast, so the checks above can fail.
	e.env = nil
	for addr, d := range readTimes(t, e.must("plan", "-input=false", "-json")) {
		if d >= delay {
			t.Logf("without read_delay, reading %s took %v (>= %v; a slow machine?)", addr, d, delay)
		}
	}

	e.setConfig("provider \"localfs\" {\n  read_delay = \"soon\"\n}\n" + body)
	out, _, code := e.run("plan", "-input=false", "-json")
	if code != 1 || !slices.Equal(errorSummaries(t, out), []string{"Invalid read_delay"}) {
		t.Errorf("bad read_delay: exit %d, errors %q; want 1, [Invalid read_delay]", code, errorSummaries(t, out))
	}
}

// TestMirrorAtAnOddPath installs the provider the way the demo will (a copy
// of an existing executable via WriteMirror) under a path that needs HCL
// escaping, and checks terraform accepts the CLI config and the mirror.
func TestMirrorAtAnOddPath(t *testing.T) {
	t.Parallel()
	p := testenv.Provider(t)
	mirror := filepath.Join(t.TempDir(), `odd "dir" ${x} %{y}`)
	if _, err := localfs.WriteMirror(mirror, p.Binary); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "terraform.rc")
	if err := localfs.WriteCLIConfig(rc, mirror); err != nil {
		t.Fatal(err)
	}
	dir := testenv.TempEstate(t, map[string]string{"main.tf": localfs.RequiredProviders + `
resource "localfs_file" "f" {
  path    = "f.txt"
  content = "hi\n"
}
`})
	for _, args := range [][]string{{"init", "-input=false"}, {"apply", "-input=false", "-auto-approve"}} {
		cmd := p.Command(context.Background(), dir, args...)
		cmd.Env = append(cmd.Env, "TF_CLI_CONFIG_FILE="+rc)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "f.txt")); err != nil || string(b) != "hi\n" {
		t.Errorf("f.txt = %q, %v", b, err)
	}
}
