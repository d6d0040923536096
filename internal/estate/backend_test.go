package estate

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func backendTF(body string) map[string]string {
	return map[string]string{"main.tf": "terraform {\n" + body + "\n}\n"}
}

func TestStateAddress(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // "DIR/" is replaced by the environment directory
	}{
		{"no backend", map[string]string{"main.tf": ""}, "DIR/terraform.tfstate"},
		{"local default", backendTF(`backend "local" {}`), "DIR/terraform.tfstate"},
		{"local relative", backendTF(`backend "local" { path = "state/dev.tfstate" }`), "DIR/state/dev.tfstate"},
		{"local absolute", backendTF(`backend "local" { path = "/var/state/dev.tfstate" }`), "/var/state/dev.tfstate"},
		{"s3", backendTF(`backend "s3" {
  bucket               = "b"
  key                  = "env/dev.tfstate"
  workspace_key_prefix = "ignored"
}`), "s3://b/env/dev.tfstate"},
		{"s3 partial", backendTF(`backend "s3" { region = "eu-west-1" }`), "s3"},
		{"s3 non-literal", backendTF(`backend "s3" {
  bucket = "${var.env}-state"
  key    = local.key
}`), "s3://${var.env}-state/${local.key}"},
		{"http", backendTF(`backend "http" { address = "https://s.example.com/dev" }`), "https://s.example.com/dev"},
		{"http partial", backendTF(`backend "http" {}`), "http"},
		{"pg default schema", backendTF(`backend "pg" { conn_str = "postgres://db" }`), "pg:terraform_remote_state"},
		{"pg schema", backendTF(`backend "pg" { schema_name = "dev" }`), "pg:dev"},
		{"gcs", backendTF(`backend "gcs" {
  bucket = "b"
  prefix = "/envs/dev/"
}`), "gs://b/envs/dev"},
		{"gcs no prefix", backendTF(`backend "gcs" { bucket = "b" }`), "gs://b"},
		{"gcs partial", backendTF(`backend "gcs" {}`), "gcs"},
		{"azurerm", backendTF(`backend "azurerm" {
  storage_account_name = "acct"
  container_name       = "tfstate"
  key                  = "dev.tfstate"
}`), "azurerm://acct/tfstate/dev.tfstate"},
		{"azurerm partial", backendTF(`backend "azurerm" { key = "dev.tfstate" }`), "azurerm"},
		{"consul", backendTF(`backend "consul" { path = "x" }`), "consul"},
		{"cloud", backendTF(`cloud {
  organization = "acme"
  workspaces {
    name = "dev"
  }
}`), "cloud"},
		{"number as text", backendTF(`backend "pg" { schema_name = 42 }`), "pg:42"},
		{"null is unset", backendTF(`backend "pg" { schema_name = null }`), "pg:terraform_remote_state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := loadOne(t, tt.files)
			if env.Err != nil {
				t.Fatal(env.Err)
			}
			want := tt.want
			if rest, ok := strings.CutPrefix(want, "DIR/"); ok {
				want = filepath.Join(env.Dir, rest)
			}
			if got := env.Backend.StateAddress(); got != want {
				t.Errorf("StateAddress() = %q, want %q", got, want)
			}
		})
	}
}

func TestBackendS3Details(t *testing.T) {
	dev := loadBasic(t, "dev")
	b := dev.Backend
	if b.Type != "s3" || b.Implicit || pos(b.Range) != "environments/dev/main.tf:4:3" {
		t.Fatalf("Backend = %s implicit=%v at %s", b.Type, b.Implicit, pos(b.Range))
	}
	tests := []struct {
		name, want, pos string
	}{
		{"bucket", `cty.StringVal("acme-tfstate")`, "environments/dev/main.tf:5:5"},
		{"key", `cty.StringVal("dev/terraform.tfstate")`, "environments/dev/main.tf:6:5"},
		{"region", `cty.StringVal("eu-west-1")`, "environments/dev/main.tf:7:5"},
		{"use_lockfile", `cty.True`, "environments/dev/main.tf:8:5"},
		{"max_retries", `cty.NumberIntVal(5)`, "environments/dev/main.tf:9:5"},
	}
	if len(b.Attributes) != len(tests) {
		t.Errorf("len(Attributes) = %d, want %d", len(b.Attributes), len(tests))
	}
	for _, tt := range tests {
		a, ok := b.Attributes[tt.name]
		if !ok {
			t.Errorf("attribute %s missing", tt.name)
			continue
		}
		if a.Name != tt.name || !a.Literal || a.Value.GoString() != tt.want || pos(a.Range) != tt.pos {
			t.Errorf("%s = %+v, want %s at %s", tt.name, a, tt.want, tt.pos)
		}
	}
	if len(b.Blocks) != 1 {
		t.Fatalf("Blocks = %+v, want assume_role", b.Blocks)
	}
	role := b.Blocks[0]
	arn, ok := role.Attributes["role_arn"].AsString()
	if role.Type != "assume_role" || len(role.Labels) != 0 || pos(role.Range) != "environments/dev/main.tf:11:5" ||
		!ok || arn != "arn:aws:iam::123456789012:role/tfstate" {
		t.Errorf("assume_role = %+v", role)
	}
}

func TestBackendNonLiteral(t *testing.T) {
	env := loadOne(t, backendTF(`backend "s3" {
  bucket = var.bucket
  key    = "${terraform.workspace}/x"
  region = upper("eu")
  nested {
    inner = local.x
    deeper "label" {
      ok = true
    }
  }
}`))
	if env.Err != nil {
		t.Fatalf("non-literal backend values must not be errors: %v", env.Err)
	}
	for name, expr := range map[string]string{
		"bucket": "var.bucket",
		"key":    `"${terraform.workspace}/x"`,
		"region": `upper("eu")`,
	} {
		a := env.Backend.Attributes[name]
		if a.Literal || a.Value != cty.NilVal || a.Expr != expr {
			t.Errorf("%s = literal %v value %#v expr %q, want non-literal %q", name, a.Literal, a.Value, a.Expr, expr)
		}
		if _, ok := a.AsString(); ok {
			t.Errorf("%s.AsString() ok for a non-literal", name)
		}
	}
	nested := env.Backend.Blocks[0]
	if nested.Attributes["inner"].Literal || len(nested.Blocks) != 1 {
		t.Fatalf("nested = %+v", nested)
	}
	deeper := nested.Blocks[0]
	if deeper.Type != "deeper" || !slices.Equal(deeper.Labels, []string{"label"}) || !deeper.Attributes["ok"].Value.True() {
		t.Errorf("deeper = %+v", deeper)
	}
}

func TestBackendCloud(t *testing.T) {
	env := loadOne(t, backendTF(`cloud {
  organization = "acme"
  workspaces {
    tags = ["app"]
  }
}`))
	b := env.Backend
	org, _ := b.Attributes["organization"].AsString()
	if b.Type != "cloud" || org != "acme" || len(b.Blocks) != 1 || b.Blocks[0].Type != "workspaces" {
		t.Errorf("cloud backend = %+v", b)
	}
	if _, ok := b.Blocks[0].Attributes["tags"].AsString(); ok {
		t.Error("a list converted to a string")
	}
}

func TestBackendJSONNested(t *testing.T) {
	env := loadOne(t, map[string]string{
		"main.tf.json": `{"terraform": {"backend": {"s3": {"bucket": "b", "key": "k", "assume_role": {"role_arn": "arn"}}}}}`,
	})
	if env.Err != nil {
		t.Fatal(env.Err)
	}
	role := env.Backend.Attributes["assume_role"]
	if !role.Literal || !role.Value.Type().IsObjectType() || role.Value.GetAttr("role_arn").AsString() != "arn" {
		t.Errorf("assume_role = %+v, want an object attribute", role)
	}
	if got := env.Backend.StateAddress(); got != "s3://b/k" {
		t.Errorf("StateAddress() = %q", got)
	}
}

func TestImplicitBackend(t *testing.T) {
	prod := loadBasic(t, "prod")
	if prod.Backend.Type != "local" || !prod.Backend.Implicit || len(prod.Backend.Attributes) != 0 {
		t.Errorf("Backend = %+v, want implicit local", prod.Backend)
	}
}

func TestStateAddressHidesCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://ci:hunter2@state.example.com/states/dev?token=abc123&env=dev", "https://REDACTED@state.example.com/states/dev?env=dev&token=REDACTED"},
		{"http://127.0.0.1:7420/v1/states/ml/prod", "http://127.0.0.1:7420/v1/states/ml/prod"},
		{"https://x.example.com/s?X-Amz-Signature=deadbeef", "https://x.example.com/s?X-Amz-Signature=REDACTED"},
	} {
		b := &Backend{Type: "http", Attributes: map[string]Attribute{"address": {Name: "address", Value: cty.StringVal(tc.in), Literal: true}}}
		if got := b.StateAddress(); got != tc.want {
			t.Errorf("StateAddress(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
