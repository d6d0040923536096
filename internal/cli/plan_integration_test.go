package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const devStep1 = `
resource "terraform_data" "keep" { input = "a" }
resource "terraform_data" "upd" { input = "v1" }
resource "terraform_data" "rep" { triggers_replace = "r1" }
resource "terraform_data" "del" { input = "bye" }
resource "terraform_data" "old" { input = "moving" }
resource "terraform_data" "forgetme" { input = "kept outside" }
`

// devStep2 changes every kind of action once: create (plus a read that
// waits for it), update, replace, delete, move, import and, where the
// terraform binary has removed blocks (1.7+), forget.
const devStep2 = `
resource "terraform_data" "keep" { input = "a" }
resource "terraform_data" "upd" { input = "v2" }
resource "terraform_data" "rep" { triggers_replace = "r2" }

moved {
  from = terraform_data.old
  to   = terraform_data.moved
}
resource "terraform_data" "moved" { input = "moving" }

%s
import {
  to = localfs_file.imp
  id = "imported.txt"
}
resource "localfs_file" "imp" {
  path    = "imported.txt"
  content = "already here\n"
}

resource "localfs_file" "new" {
  path    = "new.txt"
  content = "fresh\n"
}
data "localfs_file" "readback" { path = localfs_file.new.path }
`

func threeEnvEstate() map[string]string {
	simple := tfMain(`resource "localfs_file" "cfg" {
  path    = "cfg.txt"
  content = "v1\n"
}
`)
	return map[string]string{
		"infractl.hcl": `environment "dev" {}
environment "staging" {}
environment "prod" { protected = true }
`,
		"environments/dev/main.tf":     tfMain(devStep1),
		"environments/staging/main.tf": simple,
		"environments/prod/main.tf":    simple,
	}
}

func TestPlanCountsEveryActionExactly(t *testing.T) {
	h := newHarness(t, threeEnvEstate())
	h.must(0, "init", "--all")
	h.must(2, "plan", "dev")
	h.must(0, "apply", "dev")

	forget := 0
	removed := `resource "terraform_data" "forgetme" { input = "kept outside" }`
	if terraformAtLeast(t, "1.7.0") {
		forget = 1
		removed = "removed {\n  from = terraform_data.forgetme\n  lifecycle { destroy = false }\n}\n"
	}
	h.write("environments/dev/main.tf", tfMain(fmt.Sprintf(devStep2, removed)))
	h.write("environments/dev/imported.txt", "already here\n")
	var got planJSON
	h.mustJSON(2, &got, "plan", "dev", "--detail")
	if len(got.Environments) != 1 {
		t.Fatalf("environments = %d, want 1", len(got.Environments))
	}
	e := got.Environments[0]
	counts := map[string][2]int{
		"add": {e.Add, 1}, "change": {e.Change, 1}, "destroy": {e.Destroy, 1}, "replace": {e.Replace, 1},
		"import": {e.Import, 1}, "move": {e.Move, 1}, "forget": {e.Forget, forget}, "read": {e.Read, 1}, "drift": {e.Drift, 0},
	}
	for name, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s = %d, want %d", name, c[0], c[1])
		}
	}
	if e.Status != "changes" || got.ExitCode != 2 {
		t.Errorf("status %q exit_code %d, want changes 2", e.Status, got.ExitCode)
	}
	// Terraform's own summary folds the replace into add and remove.
	if ts := e.TerraformSummary; ts["add"] != float64(2) || ts["remove"] != float64(2) || ts["change"] != float64(1) || ts["import"] != float64(1) {
		t.Errorf("terraform_summary = %v, want add 2 change 1 import 1 remove 2", ts)
	}
	actions := map[string]string{}
	for _, r := range e.Resources {
		actions[r.Address] = r.Action + "/" + r.Reason
	}
	for addr, want := range map[string]string{
		"terraform_data.upd":         "update/",
		"terraform_data.rep":         "replace/cannot_update",
		"terraform_data.del":         "delete/delete_because_no_resource_config",
		"terraform_data.moved":       "move/",
		"localfs_file.imp":           "import/",
		"localfs_file.new":           "create/",
		"data.localfs_file.readback": "read/read_because_dependency_pending",
	} {
		if actions[addr] != want {
			t.Errorf("%s: got %q, want %q (all: %v)", addr, actions[addr], want, actions)
		}
	}

	if forget == 1 && actions["terraform_data.forgetme"] != "forget/delete_because_no_resource_config" {
		t.Errorf("terraform_data.forgetme: got %q, want forget/delete_because_no_resource_config", actions["terraform_data.forgetme"])
	}

	// The saved plan is private and applies exactly what was counted.
	info, err := os.Stat(filepath.Join(h.root, "environments/dev/.infractl.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("saved plan mode %o, want 600", perm)
	}
	var applied struct {
		Environments []struct {
			Name                                string
			Status                              string
			Added, Changed, Destroyed, Imported int
		} `json:"environments"`
	}
	h.mustJSON(0, &applied, "apply", "dev")
	a := applied.Environments[0]
	if a.Status != "applied" || a.Added != 2 || a.Changed != 1 || a.Destroyed != 2 || a.Imported != 1 {
		t.Errorf("apply report %+v, want applied added 2 changed 1 destroyed 2 imported 1", a)
	}
	if got := h.read("environments/dev/new.txt"); got != "fresh\n" {
		t.Errorf("new.txt = %q", got)
	}
	// A plan is applied once.
	if out := h.must(1, "apply", "dev"); !strings.Contains(out, "no saved plan for dev") {
		t.Errorf("second apply output lacks 'no saved plan for dev':\n%s", out)
	}
	h.must(0, "plan", "dev")
}
