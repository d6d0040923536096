package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/ciwf"
	"github.com/infractl/infractl/internal/estate"
)

// copyDir copies src into a new temporary directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, r)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// mlPlatformWithoutStaging is a copy of examples/ml-platform from which
// staging was removed, as if it had never been created.
func mlPlatformWithoutStaging(t *testing.T) string {
	t.Helper()
	root := copyDir(t, "../../examples/ml-platform")
	if err := os.RemoveAll(filepath.Join(root, "environments", "staging")); err != nil {
		t.Fatal(err)
	}
	cfg := read(t, root, "infractl.hcl")
	cfg = strings.Replace(cfg, "environment \"staging\" {\n  depends_on = [\"dev\"]\n}\n\n", "", 1)
	cfg = strings.Replace(cfg, "depends_on = [\"staging\"]", "depends_on = [\"dev\"]", 1)
	writeFile(filepath.Join(root, "infractl.hcl"), []byte(cfg))
	return root
}

func read(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func load(t *testing.T, root string) *estate.Estate {
	t.Helper()
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// lineDiff returns the lines of b that are not in a and those of a not in
// b, as "+line" and "-line".
func lineDiff(a, b string) []string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "-"+l)
		}
	}
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "+"+l)
		}
	}
	return out
}

func TestCreateStagingFromProd(t *testing.T) {
	root := mlPlatformWithoutStaging(t)
	e := load(t, root)
	res, err := Create(e, Options{
		Name: "staging",
		From: "prod",
		Set: []string{
			`node_instance_types=["m6i.large"]`,
			"node_min_size=2",
			"db_instance_class=db.t4g.medium",
			"db_multi_az=true",
			"kubernetes_version=1.30",
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"backend.tf", "main.tf", "outputs.tf", "terraform.tfvars", "variables.tf"}; !slices.Equal(res.Files, want) {
		t.Errorf("Files = %v, want %v", res.Files, want)
	}
	if res.StateAddress != "s3://acme-ml-platform-tfstate/staging/terraform.tfstate" {
		t.Errorf("StateAddress = %s", res.StateAddress)
	}
	if want := []NetworkChange{{"vpc_cidr", "10.30.0.0/16", "10.31.0.0/16"}}; !slices.Equal(res.Networks, want) {
		t.Errorf("Networks = %v, want %v", res.Networks, want)
	}

	// Files that do not change are byte-for-byte copies.
	for _, f := range []string{"main.tf", "outputs.tf", "variables.tf"} {
		if read(t, root, "environments/staging/"+f) != read(t, root, "environments/prod/"+f) {
			t.Errorf("%s differs from prod's", f)
		}
	}
	if d := lineDiff(read(t, root, "environments/prod/backend.tf"), read(t, root, "environments/staging/backend.tf")); !slices.Equal(d, []string{
		`-    key          = "prod/terraform.tfstate"`,
		`+    key          = "staging/terraform.tfstate"`,
	}) {
		t.Errorf("backend.tf changes: %q", d)
	}
	if d := lineDiff(read(t, root, "environments/prod/terraform.tfvars"), read(t, root, "environments/staging/terraform.tfvars")); !slices.Equal(d, []string{
		`-environment = "prod"`,
		`-vpc_cidr                 = "10.30.0.0/16"`,
		`-kubernetes_version             = "1.35"`,
		`-node_instance_types = ["m6i.xlarge"]`,
		`-node_min_size       = 3`,
		`-db_instance_class                      = "db.r6g.large"`,
		`+environment = "staging"`,
		`+vpc_cidr                 = "10.31.0.0/16"`,
		`+kubernetes_version             = "1.30"`,
		`+node_instance_types = ["m6i.large"]`,
		`+node_min_size       = 2`,
		`+db_instance_class                      = "db.t4g.medium"`,
	}) {
		t.Errorf("terraform.tfvars changes:\n%s", strings.Join(d, "\n"))
	}

	// staging rehearses prod: it runs before prod, after dev.
	wantCfg := `# The ML platform estate: changes flow dev -> staging -> prod, and prod asks
# for confirmation before it is applied.

environment "dev" {}

environment "staging" {
  depends_on = ["dev"]
}

environment "prod" {
  depends_on = ["staging"]
  protected  = true
}
`
	if got := read(t, root, "infractl.hcl"); !strings.HasPrefix(got, wantCfg) {
		t.Errorf("infractl.hcl:\n%s\nwant it to start with\n%s", got, wantCfg)
	}
	if res.Config.Position != "before prod" || !slices.Equal(res.Config.DependsOn, []string{"dev"}) || res.Config.Protected ||
		res.Config.Rewired != "prod: depends_on [dev] -> [staging]" {
		t.Errorf("Config = %+v", res.Config)
	}
	after := load(t, root)
	if got := after.Names(); !slices.Equal(got, []string{"dev", "staging", "prod"}) {
		t.Errorf("order = %v", got)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, "extra_tags still mentions prod") }) {
		t.Errorf("no warning about extra_tags (CostCenter = ml-prod): %q", res.Warnings)
	}
	reasons := map[string]string{}
	for _, v := range res.Variables {
		reasons[v.Variable] = v.Reason
	}
	if reasons["environment"] != "renamed" || reasons["vpc_cidr"] != "network" || reasons["db_multi_az"] != "set" {
		t.Errorf("Variables = %+v", res.Variables)
	}
}

func TestCreateAfterUnprotected(t *testing.T) {
	root := copyDir(t, "../../examples/ml-platform")
	res, err := Create(load(t, root), Options{Name: "dev2", From: "dev"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := read(t, root, "infractl.hcl")
	if !strings.Contains(cfg, "environment \"dev\" {}\n\nenvironment \"dev2\" {\n  depends_on = [\"dev\"]\n}\n\nenvironment \"staging\" {") {
		t.Errorf("infractl.hcl:\n%s", cfg)
	}
	if res.Config.Position != "after dev" {
		t.Errorf("Config = %+v", res.Config)
	}
	// dev is 10.10, staging 10.20, prod 10.30: the next free after dev.
	if want := []NetworkChange{{"vpc_cidr", "10.10.0.0/16", "10.11.0.0/16"}}; !slices.Equal(res.Networks, want) {
		t.Errorf("Networks = %v", res.Networks)
	}
	if got := load(t, root).Names(); !slices.Equal(got, []string{"dev", "dev2", "staging", "prod"}) {
		t.Errorf("order = %v", got)
	}

	res, err = Create(load(t, root), Options{Name: "prod-eu", From: "prod", Protected: true, CIDR: "10.50.0.0/16"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg = read(t, root, "infractl.hcl")
	if !strings.Contains(cfg, "environment \"prod\" {\n  depends_on = [\"staging\"]\n  protected  = true\n}\n\nenvironment \"prod-eu\" {\n  depends_on = [\"prod\"]\n  protected  = true\n}\n\n# What") {
		t.Errorf("infractl.hcl:\n%s", cfg)
	}
	if want := []NetworkChange{{"vpc_cidr", "10.30.0.0/16", "10.50.0.0/16"}}; !slices.Equal(res.Networks, want) {
		t.Errorf("Networks = %v", res.Networks)
	}
}

func TestCreateRefusals(t *testing.T) {
	root := copyDir(t, "../../examples/ml-platform")
	e := load(t, root)
	os.MkdirAll(filepath.Join(root, "environments", "docs"), 0o755)
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"existing", Options{Name: "staging", From: "prod"}, "environment staging already exists"},
		{"existing directory", Options{Name: "docs", From: "prod"}, "environments/docs already exists"},
		{"bad name", Options{Name: "../x", From: "prod"}, `"../x" is not a usable environment name`},
		{"hidden name", Options{Name: ".x", From: "prod"}, "is not a usable environment name"},
		{"unknown from", Options{Name: "qa", From: "nope"}, `--from: unknown environment "nope"`},
		{"undeclared variable", Options{Name: "qa", From: "prod", Set: []string{"node_count=3"}}, `--set node_count: prod declares no variable "node_count"`},
		{"wrong type", Options{Name: "qa", From: "prod", Set: []string{"node_min_size=three"}}, `--set node_min_size: "three" is not a value of type number`},
		{"wrong list", Options{Name: "qa", From: "prod", Set: []string{"node_instance_types=m6i.large"}}, `is not a value of type list(string)`},
		{"no equals", Options{Name: "qa", From: "prod", Set: []string{"x"}}, `--set "x": want VAR=VALUE`},
		{"twice", Options{Name: "qa", From: "prod", Set: []string{"az_count=2", "az_count=3"}}, "--set az_count is given twice"},
		{"overlapping cidr", Options{Name: "qa", From: "prod", CIDR: "10.20.128.0/17"}, "network 10.20.128.0/17 for vpc_cidr overlaps staging's vpc_cidr (10.20.0.0/16)"},
		{"overlapping set", Options{Name: "qa", From: "prod", Set: []string{"vpc_cidr=10.10.0.0/16"}}, "overlaps dev's vpc_cidr"},
		{"bad cidr", Options{Name: "qa", From: "prod", CIDR: "10.40.0.1"}, "--cidr 10.40.0.1: not an IPv4 network"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Create(e, tc.opts, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Create: %v, want an error containing %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(root, "environments", "qa")); err == nil {
				t.Error("a refused environment was created")
			}
		})
	}
	if got := read(t, root, "infractl.hcl"); got != read(t, "../../examples/ml-platform", "infractl.hcl") {
		t.Errorf("refusals changed infractl.hcl:\n%s", got)
	}
}

func TestCreateLocalEstate(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"environments/prod/main.tf": `terraform {
  backend "http" {
    address        = "http://prod.state.internal:8080/v1/states/ml/prod"
    lock_address   = "http://prod.state.internal:8080/v1/states/ml/prod/lock"
    unlock_address = "http://prod.state.internal:8080/v1/states/ml/prod/lock"
  }
}

variable "env" { type = string }
variable "subnets" { type = map(string) }
variable "cidr" { type = string }
variable "size" {}
variable "on" { type = bool }
`,
		"environments/prod/terraform.tfvars":    "env     = \"prod\"\ncidr    = \"192.168.0.0/20\"\nsubnets = { a = \"192.168.1.0/24\", b = \"192.168.2.0/24\" }\n",
		"environments/prod/zz.auto.tfvars":      "size = 3\n",
		"environments/prod/.terraform.lock.hcl": "# lock\n",
		"environments/prod/.terraform/x":        "cache",
		"environments/prod/terraform.tfstate":   "{}",
		"environments/prod/.infractl.tfplan":    "plan",
		"environments/prod/templates/a.tpl":     "hello",
		"environments/other/main.tf":            "variable \"cidr\" { default = \"192.168.16.0/20\" }\n",
		"shared/common.tf":                      "# shared\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	if err := os.Symlink("../../shared/common.tf", filepath.Join(root, "environments/prod/common.tf")); err != nil {
		t.Fatal(err)
	}
	res, err := Create(load(t, root), Options{Name: "qa", From: "prod", Set: []string{"size=SPOT", "on=true"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{".terraform.lock.hcl", "common.tf", "main.tf", "templates/a.tpl", "terraform.tfvars", "zz.auto.tfvars"}; !slices.Equal(res.Files, want) {
		t.Errorf("Files = %v, want %v", res.Files, want)
	}
	if link, err := os.Readlink(filepath.Join(root, "environments/qa/common.tf")); err != nil || link != "../../shared/common.tf" {
		t.Errorf("common.tf link = %q, %v", link, err)
	}
	if want := "http://prod.state.internal:8080/v1/states/ml/qa"; res.StateAddress != want {
		t.Errorf("StateAddress = %s, want %s", res.StateAddress, want)
	}
	if len(res.Backend) != 3 || res.Backend[2].New != "http://prod.state.internal:8080/v1/states/ml/qa/lock" {
		t.Errorf("Backend = %+v", res.Backend)
	}
	// other has 192.168.16.0/20: the next free /20 after prod's is .32.
	wantVars := "env     = \"qa\"\ncidr    = \"192.168.32.0/20\"\nsubnets = {\n  a = \"192.168.33.0/24\"\n  b = \"192.168.34.0/24\"\n}\n\non = true\n"
	if got := read(t, root, "environments/qa/terraform.tfvars"); got != wantVars {
		t.Errorf("terraform.tfvars:\n%s\nwant\n%s", got, wantVars)
	}
	if got := read(t, root, "environments/qa/zz.auto.tfvars"); got != "size = \"SPOT\"\n" {
		t.Errorf("zz.auto.tfvars: %q (the value terraform uses is set where it is set)", got)
	}
	if res.Config.File != "" {
		t.Errorf("Config = %+v, want no change without infractl.hcl", res.Config)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q, want none", res.Warnings)
	}
}

func TestCreateRegeneratesWorkflows(t *testing.T) {
	repo := t.TempDir()
	root := filepath.Join(repo, "infra")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	os.MkdirAll(filepath.Join(root, "environments", "dev"), 0o755)
	os.WriteFile(filepath.Join(root, "environments", "dev", "main.tf"), []byte("resource \"terraform_data\" \"x\" {}\n"), 0o644)
	e := load(t, root)
	if _, _, _, err := ciwf.Sync(e, ciwf.OptionsFor(e, "", "v1.2.3"), true); err != nil {
		t.Fatal(err)
	}
	res, err := Create(e, Options{Name: "qa", From: "dev"}, func(e *estate.Estate) ([]string, error) { return ciwf.Regenerate(e, "v1.2.3") })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Workflows, []string{".github/workflows/infra.yml"}) {
		t.Errorf("Workflows = %v", res.Workflows)
	}
	if wf := read(t, repo, ".github/workflows/infra.yml"); !strings.Contains(wf, "apply-qa:") {
		t.Errorf("the regenerated workflow has no apply-qa job:\n%s", wf)
	}
}
