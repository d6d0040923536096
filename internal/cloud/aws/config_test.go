package aws

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/testenv"
)

// loadEnv writes an estate with one environment "dev" whose main.tf is
// mainTF, and returns it loaded.
func loadEnv(t *testing.T, mainTF string, extra map[string]string) (*estate.Estate, *estate.Environment) {
	t.Helper()
	files := map[string]string{"environments/dev/main.tf": mainTF}
	for k, v := range extra {
		files[k] = v
	}
	root := testenv.TempEstate(t, files)
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.Env("dev")
	if err != nil {
		t.Fatal(err)
	}
	if env.Err != nil {
		t.Fatal(env.Err)
	}
	return e, env
}

// clearAWSEnv unsets the variables FromBackend falls back to, so the
// developer's shell cannot change the results.
func clearAWSEnv(t *testing.T) {
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
		"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "AWS_S3_ENDPOINT", "AWS_DYNAMODB_ENDPOINT", "AWS_SSE_CUSTOMER_KEY"} {
		t.Setenv(name, "")
	}
}

func TestFromBackendFullBlock(t *testing.T) {
	clearAWSEnv(t)
	_, env := loadEnv(t, `
terraform {
  backend "s3" {
    bucket         = "acme-tfstate"
    key            = "dev/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "tflocks"
    use_lockfile   = true
    encrypt        = true
    kms_key_id     = "alias/tfstate"
    profile        = "ops"
    max_retries    = 7
    shared_config_files = ["/etc/aws/config"]
    workspace_key_prefix = "ws"
    endpoints = {
      s3       = "http://127.0.0.1:9000"
      dynamodb = "http://127.0.0.1:9001"
    }
    use_path_style = true
    assume_role = {
      role_arn     = "arn:aws:iam::111111111111:role/tf"
      session_name = "infractl"
      external_id  = "x-1"
    }
  }
}
`, nil)
	cfg, err := FromBackend(env.Backend)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Connection: Connection{
			Region:            "eu-west-1",
			Endpoints:         Endpoints{S3: "http://127.0.0.1:9000", DynamoDB: "http://127.0.0.1:9001"},
			UsePathStyle:      true,
			Profile:           "ops",
			SharedConfigFiles: []string{"/etc/aws/config"},
			AssumeRole:        AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/tf", SessionName: "infractl", ExternalID: "x-1"},
			MaxRetries:        7,
		},
		Bucket: "acme-tfstate", Key: "dev/terraform.tfstate", WorkspaceKeyPrefix: "ws", Table: "tflocks",
		UseLockfile: true, Encrypt: true, KMSKeyID: "alias/tfstate", Source: "environments/dev/main.tf:3",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("FromBackend =\n%+v\nwant\n%+v", cfg, want)
	}
	if cfg.LockID() != "acme-tfstate/dev/terraform.tfstate" || cfg.DigestID() != "acme-tfstate/dev/terraform.tfstate-md5" ||
		cfg.LockfileKey() != "dev/terraform.tfstate.tflock" || cfg.String() != "s3://acme-tfstate/dev/terraform.tfstate" {
		t.Errorf("derived names: %s %s %s %s", cfg.LockID(), cfg.DigestID(), cfg.LockfileKey(), cfg)
	}
	if got := cfg.ForWorkspace("blue").Key; got != "ws/blue/dev/terraform.tfstate" {
		t.Errorf("workspace key = %s", got)
	}
	cfg.WorkspaceKeyPrefix = ""
	if got := cfg.ForWorkspace("blue").LockID(); got != "acme-tfstate/env:/blue/dev/terraform.tfstate" {
		t.Errorf("default-prefix workspace lock ID = %s", got)
	}
	if cfg.ForWorkspace("default").Key != cfg.Key || cfg.Locking() != "lockfile+dynamodb" {
		t.Error("default workspace or locking")
	}
}

func TestFromBackendMergesBackendConfig(t *testing.T) {
	clearAWSEnv(t)
	e, env := loadEnv(t, `
terraform {
  backend "s3" {
    key = "dev/terraform.tfstate"
  }
}
`, map[string]string{
		"environments/dev/prod.s3.tfbackend": `
bucket       = "from-file"
region       = "us-west-2"
use_lockfile = true
access_key   = "AKIAEXAMPLE"
secret_key   = "secret"
`,
		"environments/dev/extra.json": `{"dynamodb_table": "from-json"}`,
	})
	dir := filepath.Join(e.Root, "environments", "dev")
	cfg, err := FromBackend(env.Backend,
		filepath.Join(dir, "prod.s3.tfbackend"),
		filepath.Join(dir, "extra.json"),
		"key=override/terraform.tfstate",
		`endpoints={ s3 = "http://localhost:4566" }`,
		"encrypt=true")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Bucket != "from-file" || cfg.Region != "us-west-2" || !cfg.UseLockfile || cfg.Table != "from-json" ||
		cfg.Key != "override/terraform.tfstate" || cfg.AccessKey != "AKIAEXAMPLE" || cfg.SecretKey != "secret" ||
		cfg.Endpoints.S3 != "http://localhost:4566" || !cfg.Encrypt {
		t.Errorf("merged config = %+v", cfg)
	}
}

func TestFromBackendEnvironmentFallbacks(t *testing.T) {
	clearAWSEnv(t)
	t.Setenv("AWS_REGION", "ap-south-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:5001")
	_, env := loadEnv(t, `
terraform {
  backend "s3" {
    bucket           = "b"
    key              = "k"
    endpoint         = "http://legacy:9000"
    force_path_style = true
  }
}
`, nil)
	cfg, err := FromBackend(env.Backend)
	if err != nil {
		t.Fatal(err)
	}
	want := Endpoints{S3: "http://legacy:9000", DynamoDB: "http://127.0.0.1:5001", STS: "http://127.0.0.1:5000"}
	if cfg.Region != "ap-south-1" || cfg.Endpoints != want || !cfg.UsePathStyle {
		t.Errorf("config = %+v", cfg)
	}
}

func TestFromBackendErrors(t *testing.T) {
	clearAWSEnv(t)
	tests := []struct {
		name, mainTF  string
		backendConfig []string
		wantArg, want string
	}{
		{"missing bucket", `terraform {
  backend "s3" {
    key    = "k"
    region = "us-east-1"
  }
}`, nil, "bucket", `environments/dev/main.tf:2: the s3 backend needs "bucket"`},
		{"missing region", `terraform {
  backend "s3" {
    bucket = "b"
    key    = "k"
  }
}`, nil, "region", "AWS_REGION"},
		{"not literal", `variable "b" {}
terraform {
  backend "s3" {
    bucket = var.b
    key    = "k"
    region = "us-east-1"
  }
}`, nil, "bucket", "environments/dev/main.tf:4: bucket = var.b is not a literal value"},
		{"bad bool", `terraform {
  backend "s3" {
    bucket       = "b"
    key          = "k"
    region       = "us-east-1"
    use_lockfile = "maybe"
  }
}`, nil, "use_lockfile", "use_lockfile must be true or false"},
		{"other backend", `terraform {
  backend "http" {
    address = "http://x"
  }
}`, nil, "", "environments/dev/main.tf:2: the backend is http, not s3"},
		{"no backend", `locals {}`, nil, "", "the backend is local (no backend block), not s3"},
		{"missing backend-config file", `terraform {
  backend "s3" {}
}`, []string{"/nonexistent/prod.tfbackend"}, "", "reading -backend-config file"},
		{"key with slash", `terraform {
  backend "s3" {
    bucket = "b"
    key    = "/k"
    region = "us-east-1"
  }
}`, nil, "key", "must not start or end with /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := loadEnv(t, tt.mainTF, nil)
			_, err := FromBackend(env.Backend, tt.backendConfig...)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if ce.Arg != tt.wantArg || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q (arg %q), want arg %q and text %q", err, ce.Arg, tt.wantArg, tt.want)
			}
		})
	}
}

func TestFromBackendPartialConfiguration(t *testing.T) {
	clearAWSEnv(t)
	e, env := loadEnv(t, "terraform {\n  backend \"s3\" {}\n}\n", map[string]string{
		"environments/dev/backend.hcl": "bucket = \"b\"\nkey = \"k\"\nregion = \"us-east-1\"\nnot valid hcl here\n",
	})
	_, err := FromBackend(env.Backend, filepath.Join(e.Root, "environments/dev/backend.hcl"))
	if err == nil || !strings.Contains(err.Error(), "backend.hcl") {
		t.Fatalf("invalid backend-config file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(e.Root, "environments/dev/backend.hcl"), []byte("bucket = \"b\"\nkey = \"k\"\nregion = \"us-east-1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := FromBackend(env.Backend, filepath.Join(e.Root, "environments/dev/backend.hcl"))
	if err != nil || cfg.Bucket != "b" || cfg.Locking() != "none" {
		t.Fatalf("partial configuration: %+v, %v", cfg, err)
	}
}
