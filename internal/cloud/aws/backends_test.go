package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/testenv"
)

func TestWriteBackends(t *testing.T) {
	clearAWSEnv(t)
	files := map[string]string{
		// No backend: backend.tf is created.
		"environments/dev/main.tf": "locals {\n  name = \"dev\"\n}\n",
		// An s3 backend with a comment and a profile: edited in place.
		"environments/staging/main.tf": `locals {
    unformatted   =   true
}
`,
		"environments/staging/backend.tf": `terraform {
  required_version = ">= 1.5"
  # State lives in the old bucket until migrated.
  backend "s3" {
    bucket         = "old-bucket"
    key            = "staging.tfstate"
    region         = "us-east-1"
    profile        = "staging" # keep me
    dynamodb_table = "old-locks"
  }
}
`,
		// Another backend type: skipped.
		"environments/legacy/main.tf": "terraform {\n  backend \"http\" {\n    address = \"http://state/legacy\"\n  }\n}\n",
		// backend.tf exists but holds something else: a block is appended.
		"environments/prod/backend.tf":   "# providers live here\nterraform {\n  required_version = \">= 1.5\"\n}\n",
		"environments/prod/main.tf":      "locals {}\n",
		"environments/prod/notes.tfvars": "x = 1\n",
	}
	root := testenv.TempEstate(t, files)
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	opts := BackendsOptions{Bucket: "acme-tfstate", Region: "eu-west-1", Table: "tflocks"}
	res, err := WriteBackends(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]BackendWrite{}
	for _, r := range res {
		got[r.Environment] = r
	}
	want := map[string]string{"dev": BackendCreated, "staging": BackendUpdated, "legacy": BackendSkipped, "prod": BackendCreated}
	for env, status := range want {
		if got[env].Status != status {
			t.Errorf("%s: %+v, want status %s", env, got[env], status)
		}
	}
	if !strings.Contains(got["legacy"].Reason, "http backend at environments/legacy/main.tf:2") {
		t.Errorf("legacy reason = %q", got["legacy"].Reason)
	}
	if !got["staging"].NeedsMigration || got["staging"].File != "environments/staging/backend.tf" {
		t.Errorf("staging = %+v", got["staging"])
	}

	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	wantDev := `terraform {
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "dev/terraform.tfstate"
    region         = "eu-west-1"
    encrypt        = true
    use_lockfile   = true
    dynamodb_table = "tflocks"
  }
}
`
	if d := read("environments/dev/backend.tf"); d != wantDev {
		t.Errorf("dev/backend.tf =\n%s\nwant\n%s", d, wantDev)
	}
	wantStaging := `terraform {
  required_version = ">= 1.5"
  # State lives in the old bucket until migrated.
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "staging/terraform.tfstate"
    region         = "eu-west-1"
    profile        = "staging" # keep me
    dynamodb_table = "tflocks"
    encrypt        = true
    use_lockfile   = true
  }
}
`
	if s := read("environments/staging/backend.tf"); s != wantStaging {
		t.Errorf("staging/backend.tf =\n%s\nwant\n%s", s, wantStaging)
	}
	if p := read("environments/prod/backend.tf"); !strings.HasPrefix(p, files["environments/prod/backend.tf"]) ||
		!strings.Contains(p, `key            = "prod/terraform.tfstate"`) {
		t.Errorf("prod/backend.tf =\n%s", p)
	}
	// Every other file is untouched.
	for name, content := range files {
		if strings.HasSuffix(name, "backend.tf") {
			continue
		}
		if read(name) != content {
			t.Errorf("%s changed:\n%s", name, read(name))
		}
	}

	// The written blocks read back as the configuration we asked for.
	e, err = estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dev", "staging", "prod"} {
		env, _ := e.Env(name)
		cfg, err := FromBackend(env.Backend)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.Bucket != "acme-tfstate" || cfg.Key != StateKey(name) || cfg.Region != "eu-west-1" || !cfg.Encrypt ||
			!cfg.UseLockfile || cfg.Table != "tflocks" {
			t.Errorf("%s reads back as %+v", name, cfg)
		}
	}

	// A second run changes nothing; a run without the table keeps the
	// argument (and says so), so endpoints.dynamodb is still written.
	res, err = WriteBackends(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != BackendUnchanged && r.Status != BackendSkipped {
			t.Errorf("second run: %+v", r)
		}
	}
	opts.Table = ""
	opts.Environments = []string{"dev"}
	opts.Endpoints = Endpoints{S3: "http://127.0.0.1:5000", DynamoDB: "http://127.0.0.1:5000"}
	opts.UsePathStyle, opts.SkipAWSChecks = true, true
	if res, err = WriteBackends(e, opts); err != nil || len(res) != 1 || res[0].Status != BackendUpdated || res[0].NeedsMigration ||
		!strings.Contains(res[0].Reason, "kept dynamodb_table from the existing block") {
		t.Fatalf("without table: %+v, %v", res, err)
	}
	d := read("environments/dev/backend.tf")
	if !strings.Contains(d, `dynamodb_table = "tflocks"`) || !strings.Contains(d, `s3       = "http://127.0.0.1:5000"`) ||
		!strings.Contains(d, `dynamodb = "http://127.0.0.1:5000"`) || !strings.Contains(d, "skip_requesting_account_id  = true") {
		t.Errorf("dev/backend.tf =\n%s", d)
	}

	// A dry run writes nothing.
	opts.Bucket = "other"
	before := read("environments/dev/backend.tf")
	opts.DryRun = true
	if res, err = WriteBackends(e, opts); err != nil || res[0].Status != BackendUpdated {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if read("environments/dev/backend.tf") != before {
		t.Error("dry run wrote")
	}
}
