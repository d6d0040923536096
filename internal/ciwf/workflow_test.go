package ciwf

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/infractl/infractl/internal/estate"
)

var update = flag.Bool("update", false, "rewrite golden files")

// mlPlatform loads examples/ml-platform where it is, inside infractl's
// repository, as `infractl -C examples/ml-platform ci github` would.
func mlPlatform(t *testing.T) (*estate.Estate, Options) {
	t.Helper()
	root, err := filepath.Abs("../../examples/ml-platform")
	if err != nil {
		t.Fatal(err)
	}
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return e, Options{RepoRoot: repo, Self: IsSelfRepo(repo)}
}

func TestGenerateMLPlatformGolden(t *testing.T) {
	e, opts := mlPlatform(t)
	if !opts.Self {
		t.Fatal("IsSelfRepo is false for infractl's own repository")
	}
	got, err := Generate(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "ml-platform.infra.yml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := UnifiedDiff(golden, "generated", want, got); d != "" {
		t.Errorf("workflow differs from %s (go test ./internal/ciwf -update):\n%s", golden, d)
	}
	again, err := Generate(e, opts)
	if err != nil || !bytes.Equal(again, got) {
		t.Errorf("second generation differs: output is not deterministic (%v)", err)
	}
	validate(t, got)
}

// validate checks a workflow against SchemaStore's GitHub workflow schema.
func validate(t *testing.T, workflow []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(workflow, &doc); err != nil {
		t.Fatalf("generated workflow is not YAML: %v\n%s", err, workflow)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", "github-workflow.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://json.schemastore.org/github-workflow.json"
	if err := c.AddResource(url, schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compiling the schema: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("workflow does not validate against the GitHub workflow schema: %v\n%s", err, workflow)
	}
	return doc
}

func TestSchemaRejectsInvalidWorkflow(t *testing.T) {
	// The validation must be able to fail: a job without runs-on or steps.
	bad := []byte("on: push\njobs:\n  x:\n    name: nothing\n    concurrency: 3\n")
	var doc map[string]any
	if err := yaml.Unmarshal(bad, &doc); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(doc)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	f, err := os.Open(filepath.Join("testdata", "github-workflow.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, _ := jsonschema.UnmarshalJSON(f)
	c := jsonschema.NewCompiler()
	c.AddResource("schema.json", schemaDoc)
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err == nil {
		t.Error("an invalid workflow validated")
	}
}

// job returns jobs.<id> of a decoded workflow.
func job(t *testing.T, doc map[string]any, id string) map[string]any {
	t.Helper()
	jobs := doc["jobs"].(map[string]any)
	j, ok := jobs[id].(map[string]any)
	if !ok {
		t.Fatalf("no job %s; jobs: %v", id, keys(jobs))
	}
	return j
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestGenerateStructure(t *testing.T) {
	e, opts := mlPlatform(t)
	out, err := Generate(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	doc := validate(t, out)
	if got := keys(doc["jobs"].(map[string]any)); !slices.Equal(got, []string{"apply-dev", "apply-prod", "apply-staging", "plan"}) {
		t.Errorf("jobs = %v", got)
	}
	for _, tc := range []struct {
		id, needs, environment string
	}{
		{"apply-dev", "", ""},
		{"apply-staging", "apply-dev", ""},
		{"apply-prod", "apply-staging", "prod"},
	} {
		j := job(t, doc, tc.id)
		needs, _ := j["needs"].([]any)
		if tc.needs == "" && needs != nil || tc.needs != "" && (len(needs) != 1 || needs[0] != tc.needs) {
			t.Errorf("%s needs %v, want %q", tc.id, needs, tc.needs)
		}
		if env, _ := j["environment"].(string); env != tc.environment {
			t.Errorf("%s environment %q, want %q", tc.id, env, tc.environment)
		}
		conc := j["concurrency"].(map[string]any)
		name := strings.TrimPrefix(tc.id, "apply-")
		if conc["group"] != "infractl-"+name || conc["cancel-in-progress"] != false {
			t.Errorf("%s concurrency %v", tc.id, conc)
		}
		if perms := j["permissions"].(map[string]any); len(perms) != 2 || perms["contents"] != "read" || perms["id-token"] != "write" {
			t.Errorf("%s permissions %v", tc.id, perms)
		}
	}
	plan := job(t, doc, "plan")
	include := plan["strategy"].(map[string]any)["matrix"].(map[string]any)["include"].([]any)
	if len(include) != 3 || include[2].(map[string]any)["environment"] != "prod" || include[2].(map[string]any)["terraform-version"] != ">=1.11" {
		t.Errorf("plan matrix %v", include)
	}
	if !strings.Contains(string(out), `infractl plan "$INFRACTL_ENV" --lock-timeout 5m --output markdown >> "$GITHUB_STEP_SUMMARY"`) {
		t.Error("the plan step does not write the markdown plan to the job summary")
	}
	if doc["permissions"].(map[string]any)["contents"] != "read" {
		t.Errorf("workflow permissions %v", doc["permissions"])
	}
}

// TestGenerateLocalEstate covers an estate without AWS, at the repository
// root, outside infractl's repository, with undeclared environments, a
// module outside the estate and names that are not valid job IDs.
func TestGenerateLocalEstate(t *testing.T) {
	repo := t.TempDir()
	files := map[string]string{
		"infra/infractl.hcl":              "environment \"qa.1\" {}\nenvironment \"live\" {\n  depends_on = [\"qa.1\"]\n  protected  = true\n}\n",
		"infra/environments/qa.1/main.tf": "terraform {\n  required_version = \"~> 1.9\"\n}\nmodule \"m\" {\n  source = \"../../../shared/m\"\n}\n",
		"infra/environments/live/main.tf": "resource \"terraform_data\" \"x\" {}\n",
		"infra/environments/qa-1/main.tf": "resource \"terraform_data\" \"y\" {}\n",
		"shared/m/main.tf":                "",
	}
	for name, content := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	os.Mkdir(filepath.Join(repo, ".git"), 0o755)
	if got := RepoRoot(filepath.Join(repo, "infra")); got != repo {
		t.Fatalf("RepoRoot = %s, want %s", got, repo)
	}
	e, err := estate.Load(filepath.Join(repo, "infra"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(e, Options{RepoRoot: repo, Path: ".github/workflows/infra-live.yml", InfractlVersion: "v1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	doc := validate(t, out)
	s := string(out)
	for _, want := range []string{
		"# Regenerate from the repository root with: infractl -C infra ci github --out .github/workflows/infra-live.yml\n",
		"run: go install github.com/infractl/infractl/cmd/infractl@v1.2.3\n",
		"      - shared/m/**\n",
		"      - .github/workflows/infra-live.yml\n",
		"terraform-version: \">=1.9.0 <2.0.0\"\n",
		"terraform_version: latest\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("workflow lacks %q", want)
		}
	}
	if strings.Contains(s, "id-token") || strings.Contains(s, "aws") {
		t.Error("an estate without AWS gets AWS credentials")
	}
	if got := keys(doc["jobs"].(map[string]any)); !slices.Equal(got, []string{"apply-live", "apply-qa-1", "apply-qa-1-2", "plan"}) {
		t.Errorf("jobs = %v", got)
	}
	if needs := job(t, doc, "apply-live")["needs"].([]any); len(needs) != 1 || needs[0] != "apply-qa-1" {
		t.Errorf("apply-live needs %v", needs)
	}
	found, err := FindGenerated(repo, "infra")
	if err != nil || found != nil {
		t.Errorf("FindGenerated before writing: %v %v", found, err)
	}
	os.MkdirAll(filepath.Join(repo, ".github", "workflows"), 0o755)
	os.WriteFile(filepath.Join(repo, ".github", "workflows", "infra-live.yml"), out, 0o644)
	os.WriteFile(filepath.Join(repo, ".github", "workflows", "other.yml"), []byte("on: push\n"), 0o644)
	found, err = FindGenerated(repo, "infra")
	if err != nil || !slices.Equal(found, []string{".github/workflows/infra-live.yml"}) {
		t.Errorf("FindGenerated = %v %v", found, err)
	}
	if found, _ := FindGenerated(repo, "elsewhere"); found != nil {
		t.Errorf("FindGenerated for another estate = %v", found)
	}
}

func TestGenerateMixedAWS(t *testing.T) {
	repo := t.TempDir()
	e, err := estate.Load(writeTree(t, repo, map[string]string{
		"environments/a/main.tf": "terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key    = \"a/terraform.tfstate\"\n  }\n}\n",
		"environments/b/main.tf": "resource \"terraform_data\" \"x\" {}\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Generate(e, Options{RepoRoot: repo})
	if err != nil {
		t.Fatal(err)
	}
	validate(t, out)
	s := string(out)
	for _, want := range []string{
		"      - if: matrix.aws\n",
		"aws-region: ${{ matrix.aws-region || vars.AWS_REGION }}",
		"aws-region: ${{ vars.AWS_REGION }}",
		"            aws: true\n",
		"            aws: false\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("workflow lacks %q", want)
		}
	}
	if strings.Contains(s, "defaults:") {
		t.Error("an estate at the repository root sets a working directory")
	}
}

func writeTree(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestGenerateOutsideRepository(t *testing.T) {
	e, err := estate.Load(writeTree(t, t.TempDir(), map[string]string{"environments/a/main.tf": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(e, Options{RepoRoot: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "the estate must be inside the repository") {
		t.Errorf("Generate: %v", err)
	}
}

func TestOptionsForVersion(t *testing.T) {
	e, _ := mlPlatform(t)
	for _, tc := range []struct{ version, want string }{
		{"v1.2.3", "v1.2.3"}, {"dev", ""}, {"v1.2.3-rc1", ""}, {"", ""},
	} {
		if got := OptionsFor(e, "", tc.version).InfractlVersion; got != tc.want {
			t.Errorf("OptionsFor(%q).InfractlVersion = %q, want %q", tc.version, got, tc.want)
		}
	}
	if got := OptionsFor(e, "./.github//workflows/x.yml", "").Path; got != ".github/workflows/x.yml" {
		t.Errorf("Path = %q", got)
	}
}
