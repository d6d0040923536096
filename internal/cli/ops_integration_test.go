package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestPlanParallelOneBrokenEnvironment(t *testing.T) {
	files := threeEnvEstate()
	files["environments/staging/main.tf"] = tfMain(`resource "terraform_data" "x" { input = var.missing }`)
	h := newHarness(t, files)
	h.must(0, "init", "--all") // init does not evaluate references
	var got planJSON
	h.mustJSON(1, &got, "plan", "--all")
	status := map[string]string{}
	for _, e := range got.Environments {
		status[e.Name] = e.Status
		if e.Name == "staging" && !strings.Contains(e.Error, "main.tf:") {
			t.Errorf("staging error %q lacks the file:line of the broken reference", e.Error)
		}
	}
	want := map[string]string{"dev": "changes", "staging": "error", "prod": "changes"}
	for name, s := range want {
		if status[name] != s {
			t.Errorf("%s: status %q, want %q", name, status[name], s)
		}
	}
	if got.ExitCode != 1 {
		t.Errorf("exit_code %d, want 1", got.ExitCode)
	}
}

func TestDependencyFailureSkipsDependants(t *testing.T) {
	files := threeEnvEstate()
	files["infractl.hcl"] = `environment "dev" {}
environment "staging" { depends_on = ["dev"] }
environment "prod" { depends_on = ["staging"] }
`
	files["environments/dev/main.tf"] = tfMain(`resource "terraform_data" "x" { input = var.missing }`)
	h := newHarness(t, files)
	var got planJSON
	h.mustJSON(1, &got, "plan", "--all")
	for _, e := range got.Environments {
		want := "skipped"
		if e.Name == "dev" {
			want = "error"
		}
		if e.Status != want {
			t.Errorf("%s: status %q, want %q (%s)", e.Name, e.Status, want, e.Error)
		}
	}
	if e := got.Environments[2]; !strings.Contains(e.Error, `dependency "staging"`) {
		t.Errorf("prod error %q does not name the failed dependency", e.Error)
	}
}

func TestApplyRefusedAfterConfigEdit(t *testing.T) {
	h := newHarness(t, threeEnvEstate())
	h.must(0, "init", "staging")
	h.must(2, "plan", "staging")
	h.write("environments/staging/main.tf", h.read("environments/staging/main.tf")+"\n# an edit after the plan\n")
	out := h.must(1, "apply", "staging")
	if !strings.Contains(out, "refused") || !strings.Contains(out, "configuration changed since the plan") {
		t.Errorf("apply after edit:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(h.root, "environments/staging/cfg.txt")); err == nil {
		t.Error("the refused apply created cfg.txt")
	}
	h.must(2, "plan", "staging")
	h.must(0, "apply", "staging")
	if got := h.read("environments/staging/cfg.txt"); got != "v1\n" {
		t.Errorf("cfg.txt = %q", got)
	}
}

func TestApplyProtectedNeedsApproval(t *testing.T) {
	h := newHarness(t, threeEnvEstate())
	h.must(0, "init", "prod")
	h.must(2, "plan", "prod")
	out := h.must(1, "apply", "prod") // stdin is not a terminal
	if !strings.Contains(out, "prod is protected") {
		t.Errorf("protected apply without approval:\n%s", out)
	}
	h.must(0, "apply", "prod", "--auto-approve")
}

func TestApplyFailureListsCompletedResources(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": tfMain(`
resource "localfs_file" "ok" {
  path    = "ok.txt"
  content = "fine\n"
}
resource "localfs_file" "bad" {
  path          = "bad.txt"
  content       = "never\n"
  fail_on_apply = true
  depends_on    = [localfs_file.ok]
}
`)})
	h.must(0, "init", "dev")
	h.must(2, "plan", "dev")
	var got struct {
		Environments []struct {
			Status    string                     `json:"status"`
			Completed []struct{ Address string } `json:"completed"`
			Errored   []struct{ Address string } `json:"errored"`
			Error     string                     `json:"error"`
		} `json:"environments"`
	}
	h.mustJSON(1, &got, "apply", "dev")
	e := got.Environments[0]
	if e.Status != "error" || len(e.Completed) != 1 || e.Completed[0].Address != "localfs_file.ok" ||
		len(e.Errored) != 1 || e.Errored[0].Address != "localfs_file.bad" || !strings.Contains(e.Error, "fail_on_apply") {
		t.Errorf("failed apply report: %+v", e)
	}
}

func TestDriftAfterChangeBehindTerraform(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": tfMain(`
resource "localfs_file" "a" {
  path    = "a.txt"
  content = "original\n"
}
resource "localfs_file" "b" {
  path    = "b.txt"
  content = "original\n"
}
resource "localfs_file" "c" {
  path    = "c.txt"
  content = "untouched\n"
}
`)})
	h.must(0, "init", "dev")
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")
	h.must(0, "drift", "dev")

	h.write("environments/dev/a.txt", "edited by hand\n")
	if err := os.Remove(filepath.Join(h.root, "environments/dev/b.txt")); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Environments []struct {
			Status    string `json:"status"`
			Resources []struct {
				Address    string   `json:"address"`
				Action     string   `json:"action"`
				Attributes []string `json:"attributes"`
			} `json:"resources"`
		} `json:"environments"`
		ExitCode int `json:"exit_code"`
	}
	h.mustJSON(2, &got, "drift", "dev", "--detail")
	e := got.Environments[0]
	if e.Status != "drift" || len(e.Resources) != 2 {
		t.Fatalf("drift report: %+v", e)
	}
	byAddr := map[string]string{}
	for _, r := range e.Resources {
		byAddr[r.Address] = r.Action + " " + strings.Join(r.Attributes, ",")
	}
	if !strings.HasPrefix(byAddr["localfs_file.a"], "update ") || !strings.Contains(byAddr["localfs_file.a"], "content") {
		t.Errorf("localfs_file.a: %q, want update with content", byAddr["localfs_file.a"])
	}
	if !strings.HasPrefix(byAddr["localfs_file.b"], "delete") {
		t.Errorf("localfs_file.b: %q, want delete", byAddr["localfs_file.b"])
	}
	// Drift never changes state: the next plan puts things back.
	var p planJSON
	h.mustJSON(2, &p, "plan", "dev")
	if pe := p.Environments[0]; pe.Add != 1 || pe.Change != 1 || pe.Drift != 2 {
		t.Errorf("plan after drift: add %d change %d drift %d, want 1 1 2", pe.Add, pe.Change, pe.Drift)
	}
}

func TestImport(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": tfMain(`
resource "localfs_file" "existing" {
  path    = "existing.txt"
  content = "made by hand\n"
}
`)})
	h.write("environments/dev/existing.txt", "made by hand\n")
	h.must(0, "init", "dev")
	out := h.must(0, "import", "dev", "localfs_file.existing", "existing.txt")
	if !strings.Contains(out, "imported") {
		t.Errorf("import output:\n%s", out)
	}
	h.must(0, "plan", "dev")
	out, _, code := h.run("import", "dev", "localfs_file.nope", "x.txt")
	if code != 1 || !strings.Contains(out, "error") {
		t.Errorf("import of an undeclared address: exit %d\n%s", code, out)
	}
	_, errOut, code := h.run("import", "qa", "localfs_file.existing", "existing.txt")
	if code != 1 || !strings.Contains(errOut, `unknown environment "qa"`) || !strings.Contains(errOut, "dev") {
		t.Errorf("import into unknown env: exit %d, stderr %q", code, errOut)
	}
}

func TestStateBackupAndRestore(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": tfMain(`resource "terraform_data" "x" { input = "one" }`)})
	h.must(0, "init", "dev")
	_, errOut, code := h.run("state", "backup", "dev")
	if code != 1 || !strings.Contains(errOut, "no state") {
		t.Errorf("backup without state: exit %d, stderr %q", code, errOut)
	}
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")

	var b1 struct {
		Path    string `json:"path"`
		Serial  uint64 `json:"serial"`
		Lineage string `json:"lineage"`
	}
	h.mustJSON(0, &b1, "state", "backup", "dev")
	if ok, _ := regexp.MatchString(`/\.infractl/backups/dev-serial\d+-\d{8}T\d{6}\.\d+Z\.tfstate$`, b1.Path); !ok {
		t.Errorf("backup path %q", b1.Path)
	}
	info, err := os.Stat(b1.Path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %o, want 600", info.Mode().Perm())
	}

	// Move state forward, then restoring the older backup is refused.
	h.write("environments/dev/main.tf", tfMain(`resource "terraform_data" "x" { input = "two" }`))
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")
	_, errOut, code = h.run("state", "restore", "dev", b1.Path)
	if code != 1 || !strings.Contains(errOut, "cannot import state with serial") || !strings.Contains(errOut, "current state: serial") {
		t.Errorf("restore of an older serial: exit %d, stderr:\n%s", code, errOut)
	}

	// Another lineage is refused, naming both.
	body, _ := os.ReadFile(b1.Path)
	var st map[string]any
	json.Unmarshal(body, &st)
	st["lineage"] = "00000000-0000-0000-0000-000000000000"
	st["serial"] = 100
	other, _ := json.MarshalIndent(st, "", "  ")
	otherPath := filepath.Join(t.TempDir(), "other.tfstate")
	os.WriteFile(otherPath, other, 0o600)
	_, errOut, code = h.run("state", "restore", "dev", otherPath)
	if code != 1 || !strings.Contains(errOut, "00000000-0000-0000-0000-000000000000") || !strings.Contains(errOut, b1.Lineage) {
		t.Errorf("restore of another lineage: exit %d, stderr:\n%s", code, errOut)
	}

	// --force restores the old state; the replaced one was backed up.
	var res struct {
		Backup struct {
			Path   string `json:"path"`
			Serial uint64 `json:"serial"`
		} `json:"backup"`
		Serial uint64 `json:"serial"`
	}
	h.mustJSON(0, &res, "state", "restore", "dev", b1.Path, "--force")
	if res.Backup.Path == "" || res.Backup.Serial <= b1.Serial {
		t.Errorf("restore did not back up the newer state first: %+v", res)
	}
	var p planJSON
	h.mustJSON(2, &p, "plan", "dev")
	if pe := p.Environments[0]; pe.Change != 1 {
		t.Errorf("plan after restoring the old state: change %d, want 1 (input one -> two)", pe.Change)
	}
}

func TestEnvsAndSelectionErrors(t *testing.T) {
	h := newHarness(t, threeEnvEstate())
	var got struct {
		Environments []struct {
			Name      string `json:"name"`
			Order     int    `json:"order"`
			Backend   string `json:"backend"`
			Protected bool   `json:"protected"`
		} `json:"environments"`
	}
	h.mustJSON(0, &got, "envs")
	if len(got.Environments) != 3 || got.Environments[2].Name != "prod" || !got.Environments[2].Protected || got.Environments[0].Backend != "local" {
		t.Errorf("envs: %+v", got.Environments)
	}
	_, errOut, code := h.run("plan", "qa")
	if code != 1 || !strings.Contains(errOut, `unknown environment "qa"; known environments: dev, staging, prod`) {
		t.Errorf("plan qa: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = h.run("plan")
	if code != 1 || !strings.Contains(errOut, "--all") {
		t.Errorf("plan without selection: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = h.run("plan", "--all", "-o", "yaml")
	if code != 1 || !strings.Contains(errOut, "table, json or markdown") {
		t.Errorf("plan -o yaml: exit %d, stderr %q", code, errOut)
	}
}

func TestPlanInitializesAFreshEnvironment(t *testing.T) {
	h := newHarness(t, threeEnvEstate())
	var got planJSON
	h.mustJSON(2, &got, "plan", "prod") // no `infractl init` before
	if e := got.Environments[0]; e.Status != "changes" || e.Add != 1 {
		t.Errorf("plan of a fresh environment: %+v", e)
	}
	if _, err := os.Stat(filepath.Join(h.root, "environments/prod/.terraform")); err != nil {
		t.Errorf("prod was not initialized: %v", err)
	}
}

func TestAutoInitRunsOnceForBuiltinOnlyEnvironment(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": `resource "terraform_data" "x" { input = 1 }`})
	h.must(2, "plan", "dev")
	h.must(2, "plan", "dev")
	inits, _ := filepath.Glob(filepath.Join(h.root, ".infractl/runs/*/dev/init*.jsonl"))
	plans, _ := filepath.Glob(filepath.Join(h.root, ".infractl/runs/*/dev/plan*.jsonl"))
	if len(inits) != 1 || len(plans) != 2 {
		t.Errorf("run logs: %d init, %d plan; want 1 init (the first plan only) and 2 plans", len(inits), len(plans))
	}
	for _, p := range append(inits, plans...) {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("run log %s: %v mode %v, want 0600", p, err, info.Mode().Perm())
		}
	}
}

func TestInterruptStopsTerraformAndReleasesTheLock(t *testing.T) {
	files := threeEnvEstate()
	files["infractl.hcl"] = `environment "dev" {}
environment "staging" { depends_on = ["dev"] }
`
	delete(files, "environments/prod/main.tf")
	h := newHarness(t, files)
	h.must(0, "init", "--all")
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")
	t.Setenv("LOCALFS_READ_DELAY", "30s")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once terraform holds the state lock and is refreshing.
		lock := filepath.Join(h.root, "environments/dev/.terraform.tfstate.lock.info")
		for i := 0; i < 200; i++ {
			if _, err := os.Stat(lock); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	out, _, code := h.runCtx(ctx, "plan", "--all", "-o", "json")
	if elapsed := time.Since(start); elapsed > 25*time.Second {
		t.Errorf("interrupted plan took %v: terraform did not stop on SIGINT", elapsed)
	}
	if code != ExitInterrupted {
		t.Errorf("exit %d, want %d", code, ExitInterrupted)
	}
	var got planJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if s := got.Environments[1]; s.Status != "skipped" || s.Error != "interrupted before it started" {
		t.Errorf("staging: %s %q, want skipped, interrupted before it started", s.Status, s.Error)
	}
	if _, err := os.Stat(filepath.Join(h.root, "environments/dev/.terraform.tfstate.lock.info")); err == nil {
		t.Error("the state lock was left behind")
	}
}

func TestOutputOnlyPlanIsApplied(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": `output "o" { value = "v1" }`})
	var p planJSON
	h.mustJSON(2, &p, "plan", "dev")
	if p.Environments[0].Status != "changes" {
		t.Fatalf("output-only plan: %+v", p.Environments[0])
	}
	out := h.must(0, "apply", "dev")
	if !strings.Contains(out, "applied") {
		t.Errorf("apply of an output-only plan:\n%s", out)
	}
	h.must(0, "plan", "dev")
}

func TestNoChangeApplyIsRecorded(t *testing.T) {
	h := newHarness(t, map[string]string{"environments/dev/main.tf": `resource "terraform_data" "x" { input = 1 }`})
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")
	h.write("environments/dev/main.tf", `resource "terraform_data" "x" { input = 1 } # a comment: same plan`)
	h.must(0, "plan", "dev")
	h.must(0, "apply", "dev")
	var rec struct {
		Status     string `json:"status"`
		ConfigHash string `json:"config_hash"`
	}
	if err := json.Unmarshal([]byte(h.read(".infractl/envs/dev/last-apply.json")), &rec); err != nil {
		t.Fatal(err)
	}
	a := newApp(Stdio{})
	a.chdir = h.root
	e, _ := a.loadEstate()
	hash, _ := e.Environments[0].ConfigHash()
	if rec.Status != "no-changes" || rec.ConfigHash != hash {
		t.Errorf("last apply record %+v, want no-changes for the current configuration %s", rec, hash)
	}
}
