package aws

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/testenv"
)

// writeEstate writes files as an estate, runs WriteBackends on it and
// returns the estate root.
func writeEstate(t *testing.T, files map[string]string, opts BackendsOptions) (string, map[string]BackendWrite) {
	t.Helper()
	clearAWSEnv(t)
	root := testenv.TempEstate(t, files)
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := WriteBackends(e, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]BackendWrite{}
	for _, r := range res {
		got[r.Environment] = r
	}
	return root, got
}

func readFile(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// terraformValidate runs terraform init -backend=false and validate in
// dir, which must hold configuration without providers.
func terraformValidate(t *testing.T, dir string) {
	t.Helper()
	tf := testenv.Terraform(t)
	for _, args := range [][]string{{"init", "-backend=false", "-input=false", "-no-color"}, {"validate", "-no-color"}} {
		cmd := exec.Command(tf, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("terraform %s in %s: %v\n%s", args[0], dir, err, out)
		}
	}
}

func TestWriteBackendsOneLineBlock(t *testing.T) {
	files := map[string]string{
		// Partial configuration: everything comes from -backend-config.
		"environments/empty/main.tf": "terraform {\n  backend \"s3\" {}\n}\n",
		// A one-line block may hold one argument.
		"environments/onearg/main.tf": "terraform {\n  backend \"s3\" { key = \"old\" }\n}\n",
	}
	root, got := writeEstate(t, files, BackendsOptions{Bucket: "acme-tfstate", Region: "eu-west-1"})
	want := map[string]string{
		"empty": `terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "empty/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
`,
		"onearg": `terraform {
  backend "s3" {
    key          = "onearg/terraform.tfstate"
    bucket       = "acme-tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
`,
	}
	for env, w := range want {
		if got[env].Status != BackendUpdated {
			t.Errorf("%s: %+v", env, got[env])
		}
		if s := readFile(t, root, "environments/"+env+"/main.tf"); s != w {
			t.Errorf("%s/main.tf =\n%s\nwant\n%s", env, s, w)
		}
		terraformValidate(t, filepath.Join(root, "environments", env))
	}
}

// messyMain has an s3 backend block next to unformatted code, with
// comments above, inside (on the header line, above and after arguments,
// free-standing, last) and after it, and a heredoc inside.
const messyMain = `# header comment
resource   "terraform_data"    "y" {
    input =    "keep   me"
}

terraform {
    required_version   = ">= 1.10"
    # about the backend (above the block)
    backend "s3" { # on the header line
        # above bucket
        bucket = "old-bucket"   # after bucket
        key = "old.tfstate"
        region="us-east-1"

        # free-standing comment inside
        profile = "ops" // keep
        assume_role = {
          role_arn = "arn:aws:iam::111111111111:role/x"
          policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
}
EOT
        }
        # last comment
    } # after the closing brace
}

locals {
  x    = 1
}
`

// messyBlock is the block of messyMain after WriteBackends: formatted at
// the block's own indentation, every comment kept (new arguments after
// the last one), the heredoc's lines untouched.
const messyBlock = `backend "s3" { # on the header line
      # above bucket
      bucket = "acme-tfstate" # after bucket
      key    = "app/terraform.tfstate"
      region = "eu-west-1"

      # free-standing comment inside
      profile = "ops" // keep
      assume_role = {
        role_arn = "arn:aws:iam::111111111111:role/x"
        policy   = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
}
EOT
      }
      # last comment
      encrypt      = true
      use_lockfile = true
    }`

func TestWriteBackendsTouchesOnlyTheBlock(t *testing.T) {
	crlf := strings.ReplaceAll(messyMain, "\n", "\r\n")
	files := map[string]string{
		"environments/app/main.tf":  messyMain,
		"environments/crlf/main.tf": crlf,
		// No backend, and a backend.tf with unformatted content and no
		// final newline: the new block is appended after it.
		"environments/new/main.tf":    "locals {}\n",
		"environments/new/backend.tf": "terraform {\n    required_version   =   \">= 1.10\"\n}",
	}
	root, got := writeEstate(t, files, BackendsOptions{Bucket: "acme-tfstate", Region: "eu-west-1"})
	for _, env := range []string{"app", "crlf"} {
		if got[env].Status != BackendUpdated || !got[env].NeedsMigration {
			t.Errorf("%s: %+v", env, got[env])
		}
	}

	start := strings.Index(messyMain, `backend "s3"`)
	end := strings.Index(messyMain, "} # after the closing brace") + 1
	wantApp := messyMain[:start] + messyBlock + messyMain[end:]
	if s := readFile(t, root, "environments/app/main.tf"); s != wantApp {
		t.Errorf("app/main.tf =\n%s\nwant\n%s", s, wantApp)
	}
	start = strings.Index(crlf, `backend "s3"`)
	end = strings.Index(crlf, "} # after the closing brace") + 1
	wantCRLF := crlf[:start] + strings.ReplaceAll(strings.ReplaceAll(messyBlock, "app/", "crlf/"), "\n", "\r\n") + crlf[end:]
	if s := readFile(t, root, "environments/crlf/main.tf"); s != wantCRLF {
		t.Errorf("crlf/main.tf =\n%q\nwant\n%q", s, wantCRLF)
	}

	wantNew := files["environments/new/backend.tf"] + `

terraform {
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "new/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
`
	if s := readFile(t, root, "environments/new/backend.tf"); got["new"].Status != BackendCreated || s != wantNew {
		t.Errorf("new/backend.tf (%+v) =\n%s\nwant\n%s", got["new"], s, wantNew)
	}
	if s := readFile(t, root, "environments/new/main.tf"); s != files["environments/new/main.tf"] {
		t.Errorf("new/main.tf changed: %q", s)
	}

	// The results read back and validate; a second run leaves every byte.
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app", "crlf", "new"} {
		env, _ := e.Env(name)
		cfg, err := FromBackend(env.Backend)
		if err != nil || cfg.Bucket != "acme-tfstate" || cfg.Key != StateKey(name) || !cfg.UseLockfile || !cfg.Encrypt {
			t.Errorf("%s reads back as %+v, %v", name, cfg, err)
		}
		terraformValidate(t, filepath.Join(root, "environments", name))
	}
	before := readFile(t, root, "environments/app/main.tf")
	res, err := WriteBackends(e, BackendsOptions{Bucket: "acme-tfstate", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != BackendUnchanged {
			t.Errorf("second run: %+v", r)
		}
	}
	if readFile(t, root, "environments/app/main.tf") != before {
		t.Error("a second run rewrote app/main.tf")
	}
}

func TestWriteBackendsKeepsUserSettings(t *testing.T) {
	files := map[string]string{
		// kms_key_id and dynamodb_table the options do not mention, and an
		// endpoints entry of the user's.
		"environments/locked/main.tf": `terraform {
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "locked/terraform.tfstate"
    region         = "eu-west-1"
    kms_key_id     = "alias/team"
    dynamodb_table = "team-locks"
    endpoints = {
      iam = "http://iam.local"
    }
  }
}
`,
		// No table anywhere: no endpoints.dynamodb.
		"environments/plain/main.tf": "locals {}\n",
	}
	opts := BackendsOptions{Bucket: "acme-tfstate", Region: "eu-west-1",
		Endpoints: Endpoints{S3: "http://s3.local", DynamoDB: "http://ddb.local"}}
	root, got := writeEstate(t, files, opts)

	locked := got["locked"]
	if locked.Status != BackendUpdated || locked.NeedsMigration ||
		!strings.Contains(locked.Reason, "kept kms_key_id from the existing block") ||
		!strings.Contains(locked.Reason, "kept dynamodb_table from the existing block") {
		t.Errorf("locked = %+v", locked)
	}
	wantLocked := `terraform {
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "locked/terraform.tfstate"
    region         = "eu-west-1"
    kms_key_id     = "alias/team"
    dynamodb_table = "team-locks"
    endpoints = {
      dynamodb = "http://ddb.local"
      iam      = "http://iam.local"
      s3       = "http://s3.local"
    }
    encrypt      = true
    use_lockfile = true
  }
}
`
	if s := readFile(t, root, "environments/locked/main.tf"); s != wantLocked {
		t.Errorf("locked/main.tf =\n%s\nwant\n%s", s, wantLocked)
	}
	plain := readFile(t, root, "environments/plain/backend.tf")
	if strings.Contains(plain, "dynamodb") || !strings.Contains(plain, `s3 = "http://s3.local"`) || got["plain"].Reason != "" {
		t.Errorf("plain/backend.tf (%+v) =\n%s", got["plain"], plain)
	}

	// Explicit options replace the values.
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	opts.KMSKey, opts.Table, opts.Environments = "alias/new", "new-locks", []string{"locked"}
	res, err := WriteBackends(e, opts)
	if err != nil || len(res) != 1 || res[0].Status != BackendUpdated || res[0].Reason != "" {
		t.Fatalf("explicit options: %+v, %v", res, err)
	}
	e, _ = estate.Load(root)
	env, _ := e.Env("locked")
	cfg, err := FromBackend(env.Backend)
	if err != nil || cfg.KMSKeyID != "alias/new" || cfg.Table != "new-locks" || cfg.Endpoints.DynamoDB != "http://ddb.local" {
		t.Errorf("locked reads back as %+v, %v", cfg, err)
	}
}
