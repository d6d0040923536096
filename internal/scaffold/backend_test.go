package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
)

func TestReplaceToken(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		changed  bool
	}{
		{"prod/terraform.tfstate", "qa/terraform.tfstate", true},
		{"envs/ml-prod/state", "envs/ml-qa/state", true},
		{"prod.tfstate", "qa.tfstate", true},
		{"production/terraform.tfstate", "production/terraform.tfstate", false},
		{"prod", "qa", true},
		{"a_prod_b:prod", "a_qa_b:qa", true},
	} {
		got, changed := replaceToken(tc.in, "prod", "qa")
		if got != tc.want || changed != tc.changed {
			t.Errorf("replaceToken(%q) = %q %v, want %q %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
	if got, ok := replaceInURLPath("https://prod.example.com/v1/states/prod", "prod", "qa"); !ok || got != "https://prod.example.com/v1/states/qa" {
		t.Errorf("replaceInURLPath = %q %v", got, ok)
	}
	if _, ok := replaceInURLPath("https://prod.example.com", "prod", "qa"); ok {
		t.Error("replaceInURLPath changed a host")
	}
}

func backendEnv(t *testing.T, backend string) *estate.Environment {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "environments", "prod")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte("terraform {\n"+backend+"\n}\n"), 0o644)
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := e.Env("prod")
	if env.Err != nil {
		t.Fatal(env.Err)
	}
	return env
}

func TestRekeyBackend(t *testing.T) {
	for _, tc := range []struct {
		name, backend string
		want          []BackendChange
		warning, err  string
	}{
		{name: "none", backend: ""},
		{name: "local in the directory", backend: `backend "local" { path = "state/prod.tfstate" }`},
		{name: "local outside", backend: `backend "local" { path = "../../states/prod.tfstate" }`,
			want: []BackendChange{{"path", "../../states/prod.tfstate", "../../states/qa.tfstate"}}},
		{name: "s3 key", backend: `backend "s3" {
  bucket = "b"
  key    = "prod/terraform.tfstate"
}`, want: []BackendChange{{"key", "prod/terraform.tfstate", "qa/terraform.tfstate"}}},
		{name: "s3 key without the name", backend: `backend "s3" {
  bucket = "acme-prod-state"
  key    = "terraform.tfstate"
}`, want: []BackendChange{{"key", "terraform.tfstate", "qa/terraform.tfstate"}}, warning: `backend argument bucket = "acme-prod-state" mentions prod and was kept: check it`},
		{name: "s3 partial", backend: `backend "s3" {}`, warning: "the s3 backend sets no key in the configuration (partial configuration): give qa its own in -backend-config"},
		{name: "gcs", backend: `backend "gcs" {
  bucket = "b"
  prefix = "ml/prod"
}`, want: []BackendChange{{"prefix", "ml/prod", "ml/qa"}}},
		{name: "gcs prefix without the name", backend: `backend "gcs" {
  bucket = "b"
  prefix = "ml"
}`, err: `the gcs backend's prefix "ml" does not mention prod`},
		{name: "http without the name", backend: `backend "http" { address = "http://h/v1/states/main" }`, err: "does not mention prod"},
		{name: "cloud", backend: `cloud {
  organization = "o"
  workspaces {
    name = "ml-prod"
  }
}`, want: []BackendChange{{"workspaces.name", "ml-prod", "ml-qa"}}},
		{name: "cloud tags", backend: `cloud {
  organization = "o"
  workspaces {
    tags = ["ml"]
  }
}`, err: "selects workspaces by tags"},
		{name: "unsupported", backend: `backend "kubernetes" { secret_suffix = "prod" }`, err: `env new cannot give a "kubernetes" backend its own state`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := backendEnv(t, tc.backend)
			got, warnings, err := rekeyBackend(env, "qa")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("changes = %+v, want %+v", got, tc.want)
			}
			if tc.warning != "" && !slices.Contains(warnings, tc.warning) || tc.warning == "" && len(warnings) > 0 {
				t.Errorf("warnings = %q, want %q", warnings, tc.warning)
			}
			if len(got) > 0 {
				src, _ := os.ReadFile(filepath.Join(env.Dir, "main.tf"))
				out, err := editBackend(src, "main.tf", env.Backend, got)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range got {
					if !strings.Contains(string(out), `"`+c.New+`"`) || strings.Contains(string(out), `"`+c.Old+`"`) {
						t.Errorf("edited backend:\n%s", out)
					}
				}
			}
		})
	}
}
