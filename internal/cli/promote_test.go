package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/testenv"
)

// promoteEstate is made of terraform_data only, so it plans and applies
// without any provider download.
func promoteEstate() map[string]string {
	main := `terraform {
  required_version = ">= 1.5"
}

variable "image_tag" {
  type = string
}

variable "replicas" {
  type = number
}

resource "terraform_data" "model" {
  input = "registry.example.internal/churn:${var.image_tag} x${var.replicas}"
}
`
	return map[string]string{
		"infractl.hcl": `environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

promote {
  variables = ["image_tag"]
}
`,
		"environments/dev/main.tf":              main,
		"environments/dev/terraform.tfvars":     "image_tag = \"1.5.0\"\nreplicas  = 1\n",
		"environments/staging/main.tf":          main,
		"environments/staging/terraform.tfvars": "# what staging runs\nimage_tag = \"1.4.2\" # tested in dev\nreplicas  = 2\n",
	}
}

// TestPromote runs the promotion rules against real applies: refused
// without an apply of FROM, after a failed one and after FROM changed;
// then the promotion writes only the tag and --plan plans TO.
func TestPromote(t *testing.T) {
	tfBin := testenv.Terraform(t)
	t.Setenv("INFRACTL_TF_BINARY", tfBin)
	t.Setenv("NO_COLOR", "1")
	root := testenv.TempEstate(t, promoteEstate())
	stagingVars := filepath.Join(root, "environments", "staging", "terraform.tfvars")

	_, errOut, code := estRun(t, root, "promote", "dev", "staging")
	if code != ExitError || !strings.Contains(errOut, "promotion refused: dev has no apply recorded by infractl") {
		t.Fatalf("promote without an apply of dev: exit %d\n%s", code, errOut)
	}

	// A failed apply of dev is refused.
	record := filepath.Join(root, ".infractl", "envs", "dev", "last-apply.json")
	estWriteFile(t, record, `{"environment":"dev","status":"error","config_hash":"x","applied_at":"2026-11-25T10:00:00Z","error":"creating terraform_data.model: boom"}`)
	_, errOut, code = estRun(t, root, "promote", "dev", "staging")
	if code != ExitError || !strings.Contains(errOut, "the last apply of dev (2026-11-25 10:00:00 UTC) ended error: creating terraform_data.model: boom") {
		t.Fatalf("promote after a failed apply: exit %d\n%s", code, errOut)
	}

	estMustRun(t, root, 2, "plan", "dev", "staging")
	estMustRun(t, root, 0, "apply", "dev", "staging")

	// dev changed after its apply: refused until it is applied again.
	devVars := filepath.Join(root, "environments", "dev", "terraform.tfvars")
	applied := estReadFile(t, devVars)
	estWriteFile(t, devVars, strings.Replace(applied, "1.5.0", "1.6.0", 1))
	_, errOut, code = estRun(t, root, "promote", "dev", "staging")
	if code != ExitError || !strings.Contains(errOut, "dev's configuration changed after its last apply") {
		t.Fatalf("promote after dev changed: exit %d\n%s", code, errOut)
	}
	estWriteFile(t, devVars, applied)

	// A dry run shows the change and writes nothing.
	before := estReadFile(t, stagingVars)
	var dry struct {
		From, To string
		DryRun   bool `json:"dry_run"`
		Changes  []struct {
			Name, File, Before, After string
			Line                      int
		}
		FromApply struct{ Status string } `json:"from_apply"`
	}
	out := estMustRun(t, root, 0, "promote", "dev", "staging", "--dry-run", "-o", "json")
	if err := json.Unmarshal([]byte(out), &dry); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !dry.DryRun || len(dry.Changes) != 1 || dry.Changes[0].Name != "image_tag" || dry.Changes[0].Before != `"1.4.2"` ||
		dry.Changes[0].After != `"1.5.0"` || dry.Changes[0].Line != 2 || dry.FromApply.Status != "applied" {
		t.Errorf("dry run: %+v", dry)
	}
	if estReadFile(t, stagingVars) != before {
		t.Error("a dry run wrote the file")
	}

	out = estMustRun(t, root, 2, "promote", "dev", "staging", "--plan")
	for _, want := range []string{
		"~ image_tag  (environments/staging/terraform.tfvars:2)\n    - \"1.4.2\"\n    + \"1.5.0\"\n",
		"Wrote environments/staging/terraform.tfvars.\n",
		"staging",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("promote --plan output lacks %q:\n%s", want, out)
		}
	}
	if got, want := estReadFile(t, stagingVars), "# what staging runs\nimage_tag = \"1.5.0\" # tested in dev\nreplicas  = 2\n"; got != want {
		t.Errorf("staging terraform.tfvars:\n%s\nwant\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(root, "environments", "staging", ".infractl.tfplan")); err != nil {
		t.Errorf("promote --plan left no saved plan: %v", err)
	}

	// The saved plan is staging's new tag, one update, and applies.
	var pj planJSON
	out = estMustRun(t, root, 2, "plan", "staging", "-o", "json")
	if err := json.Unmarshal([]byte(out), &pj); err != nil || len(pj.Environments) != 1 || pj.Environments[0].Change != 1 || pj.Environments[0].Add != 0 {
		t.Errorf("plan staging after promote: %v %+v", err, pj)
	}
	estMustRun(t, root, 0, "apply", "staging")

	// Nothing left to promote; -o json with --plan carries the plan.
	var res struct {
		Changes []any           `json:"changes"`
		Plan    json.RawMessage `json:"plan"`
	}
	out = estMustRun(t, root, 0, "promote", "dev", "staging", "--plan", "-o", "json")
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Changes) != 0 || !strings.Contains(string(res.Plan), `"status": "no-changes"`) {
		t.Errorf("promote --plan -o json with nothing to promote: %v\n%s", err, out)
	}
	if out := estMustRun(t, root, 0, "promote", "dev", "staging"); !strings.Contains(out, "Nothing to promote: staging already has dev's image_tag.") {
		t.Errorf("promote with nothing to promote:\n%s", out)
	}
}
