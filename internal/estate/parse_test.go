package estate

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func loadBasic(t *testing.T, name string) *Environment {
	t.Helper()
	e, err := Load("testdata/basic")
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.Env(name)
	if err != nil {
		t.Fatal(err)
	}
	if env.Err != nil {
		t.Fatalf("%s: %v", name, env.Err)
	}
	return env
}

// pos renders a range's start for compact comparisons.
func pos(r hcl.Range) string { return formatPos(r) }

func TestFiles(t *testing.T) {
	dev := loadBasic(t, "dev")
	want := []string{"a.auto.tfvars", "b.auto.tfvars.json", "extra.tfvars", "main.tf", "terraform.tfvars", "terraform.tfvars.json", "variables.tf"}
	if !slices.Equal(dev.Files, want) {
		t.Errorf("Files = %v, want %v", dev.Files, want)
	}
}

func TestModules(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"dev", []string{
			"network ../../modules/network  environments/dev/main.tf:37:1 local=true",
			"vpc terraform-aws-modules/vpc/aws 5.8.1 environments/dev/main.tf:42:1 local=false",
		}},
		{"staging", []string{"network ../../modules/network  environments/staging/main.tf:13:1 local=true"}},
		{"prod", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range loadBasic(t, tt.env).Modules {
			got = append(got, fmt.Sprintf("%s %s %s %s local=%v", m.Name, m.Source, m.Version, pos(m.Range), m.IsLocal()))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Modules =\n%s\nwant\n%s", tt.env, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestVariables(t *testing.T) {
	dev := loadBasic(t, "dev")
	type row struct {
		name, typ, def, desc, pos string
		sensitive                 bool
	}
	want := []row{
		{"region", "string", `cty.StringVal("eu-west-1") @ environments/dev/variables.tf:3:3`, "AWS region.", "environments/dev/variables.tf:1:1", false},
		{"cidr", "string", "none", "", "environments/dev/variables.tf:7:1", false},
		{"instance_count", "number", "cty.NumberIntVal(1) @ environments/dev/variables.tf:13:3", "", "environments/dev/variables.tf:11:1", false},
		{"tags", "map(string)", "cty.EmptyObjectVal @ environments/dev/variables.tf:18:3", "", "environments/dev/variables.tf:16:1", false},
		{"owner", "", `cty.StringVal("platform") @ environments/dev/variables.tf:22:3`, "", "environments/dev/variables.tf:21:1", false},
		{"db_password", "string", "none", "", "environments/dev/variables.tf:25:1", true},
	}
	var got []row
	for _, v := range dev.Variables {
		def := "none"
		if v.Default != nil {
			def = v.Default.Value.GoString() + " @ " + pos(v.Default.Range)
		}
		got = append(got, row{v.Name, v.Type, def, v.Description, pos(v.Range), v.Sensitive})
	}
	if !slices.Equal(got, want) {
		t.Errorf("Variables =\n%v\nwant\n%v", got, want)
	}
	if v, ok := dev.Variable("cidr"); !ok || v.Name != "cidr" {
		t.Errorf("Variable(cidr) = %v, %v", v, ok)
	}
	if _, ok := dev.Variable("nope"); ok {
		t.Error("Variable(nope) found")
	}
}

func TestTFVarsPrecedence(t *testing.T) {
	dev := loadBasic(t, "dev")
	want := map[string]string{
		// terraform.tfvars < terraform.tfvars.json < a.auto.tfvars < b.auto.tfvars.json;
		// extra.tfvars is only read with -var-file.
		"cidr":           `cty.StringVal("10.0.0.0/16") @ environments/dev/terraform.tfvars:1:1`,
		"instance_count": `cty.NumberIntVal(5) @ environments/dev/b.auto.tfvars.json:1:2`,
		"region":         `cty.StringVal("eu-west-3") @ environments/dev/terraform.tfvars.json:3:3`,
		"undeclared":     `cty.StringVal("x") @ environments/dev/terraform.tfvars:4:1`,
		"tags":           `cty.ObjectVal(map[string]cty.Value{"team":cty.StringVal("core")}) @ environments/dev/a.auto.tfvars:2:1`,
	}
	if got := render(dev.TFVars); !maps.Equal(got, want) {
		t.Errorf("TFVars =\n%v\nwant\n%v", got, want)
	}
	wantEffective := map[string]string{
		"cidr":           want["cidr"],
		"instance_count": want["instance_count"],
		"region":         want["region"],
		"tags":           want["tags"],
		"owner":          `cty.StringVal("platform") @ environments/dev/variables.tf:22:3`,
		// db_password has no default and no value; undeclared is not declared.
	}
	if got := render(dev.EffectiveVariables()); !maps.Equal(got, wantEffective) {
		t.Errorf("EffectiveVariables() =\n%v\nwant\n%v", got, wantEffective)
	}
}

func render(vals map[string]VarValue) map[string]string {
	out := map[string]string{}
	for k, v := range vals {
		out[k] = v.Value.GoString() + " @ " + pos(v.Range)
	}
	return out
}

func TestVarsLoadOrder(t *testing.T) {
	names := []string{"z.auto.tfvars", "terraform.tfvars.json", "a.auto.tfvars.json", "prod.tfvars", "m.auto.tfvars", "terraform.tfvars", ".x.auto.tfvars"}
	want := []string{"terraform.tfvars", "terraform.tfvars.json", "a.auto.tfvars.json", "m.auto.tfvars", "z.auto.tfvars"}
	if got := varsLoadOrder(names); !slices.Equal(got, want) {
		t.Errorf("varsLoadOrder() = %v, want %v", got, want)
	}
}

func TestRequirements(t *testing.T) {
	tests := []struct {
		env       string
		version   string
		providers []string
	}{
		{"dev", ">= 1.5.0", []string{
			"aws source=hashicorp/aws version=~> 5.0 at environments/dev/main.tf:17:5",
			// configuration_aliases holds references; it must not break decoding.
			"random source=hashicorp/random version= at environments/dev/main.tf:21:5",
		}},
		{"staging", "", []string{"aws source= version=~> 4.0 at environments/staging/main.tf:9:5"}},
		{"prod", "~> 1.9, >= 1.9.5", nil},
	}
	for _, tt := range tests {
		env := loadBasic(t, tt.env)
		if env.RequiredVersion != tt.version {
			t.Errorf("%s: RequiredVersion = %q, want %q", tt.env, env.RequiredVersion, tt.version)
		}
		var got []string
		for _, name := range slices.Sorted(maps.Keys(env.RequiredProviders)) {
			p := env.RequiredProviders[name]
			got = append(got, fmt.Sprintf("%s source=%s version=%s at %s", p.Name, p.Source, p.Version, pos(p.Range)))
		}
		if !slices.Equal(got, tt.providers) {
			t.Errorf("%s: RequiredProviders =\n%s\nwant\n%s", tt.env, strings.Join(got, "\n"), strings.Join(tt.providers, "\n"))
		}
	}
}

func TestProvidersAndResources(t *testing.T) {
	dev := loadBasic(t, "dev")
	var providers []string
	for _, p := range dev.Providers {
		providers = append(providers, fmt.Sprintf("%s/%s %s", p.Name, p.Alias, pos(p.Range)))
	}
	if want := []string{"aws/ environments/dev/main.tf:28:1", "aws/us environments/dev/main.tf:32:1"}; !slices.Equal(providers, want) {
		t.Errorf("Providers = %v, want %v", providers, want)
	}
	tests := []struct {
		env       string
		resources []string
		data      []string
	}{
		{"dev", []string{"aws_s3_bucket.logs environments/dev/main.tf:47:1"}, []string{"data.aws_caller_identity.current environments/dev/main.tf:51:1"}},
		{"staging", []string{"aws_s3_bucket.logs environments/staging/main.tf:18:1", "aws_sqs_queue.jobs environments/staging/main.tf:22:1"}, nil},
		{"prod", []string{"aws_s3_bucket.logs environments/prod/main.tf:5:1"}, nil},
	}
	addrs := func(rs []ResourceDecl) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Address()+" "+pos(r.Range))
		}
		return out
	}
	for _, tt := range tests {
		env := loadBasic(t, tt.env)
		if got := addrs(env.Resources); !slices.Equal(got, tt.resources) {
			t.Errorf("%s: Resources = %v, want %v", tt.env, got, tt.resources)
		}
		if got := addrs(env.DataSources); !slices.Equal(got, tt.data) {
			t.Errorf("%s: DataSources = %v, want %v", tt.env, got, tt.data)
		}
	}
}

func TestJSONEnvironment(t *testing.T) {
	e, err := Load("testdata/json")
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := e.Env("dev")
	if dev.Err != nil {
		t.Fatal(dev.Err)
	}
	got := []string{
		"backend " + dev.Backend.Type + " " + dev.Backend.StateAddress() + " " + pos(dev.Backend.Range),
		"required_version " + dev.RequiredVersion,
	}
	for _, name := range slices.Sorted(maps.Keys(dev.RequiredProviders)) {
		p := dev.RequiredProviders[name]
		got = append(got, fmt.Sprintf("provider requirement %s %q %q", name, p.Source, p.Version))
	}
	for _, p := range dev.Providers {
		got = append(got, "provider "+p.Name)
	}
	for _, v := range dev.Variables {
		def := "none"
		if v.Default != nil {
			def = v.Default.Value.GoString()
		}
		got = append(got, fmt.Sprintf("variable %s type=%q default=%s description=%q", v.Name, v.Type, def, v.Description))
	}
	for _, m := range dev.Modules {
		got = append(got, "module "+m.Name+" "+m.Source)
	}
	for _, r := range append(slices.Clone(dev.Resources), dev.DataSources...) {
		got = append(got, "resource "+r.Address())
	}
	got = append(got, "tfvars project "+dev.TFVars["project"].Value.GoString())
	want := []string{
		"backend gcs gs://acme-state/dev environments/dev/main.tf.json:5:14",
		"required_version >= 1.6.0",
		`provider requirement google "hashicorp/google" "~> 5.0"`,
		`provider requirement random "" "~> 3.0"`,
		"provider google",
		`variable project type="string" default=none description="GCP project."`,
		`variable zones type="list(string)" default=cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}) description=""`,
		"module net ./modules/net",
		"resource google_storage_bucket.assets",
		"resource data.google_project.this",
		`tfvars project cty.StringVal("acme-dev")`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("json environment =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestInvalidHCLDiagnostics(t *testing.T) {
	e, err := Load("testdata/invalid-hcl")
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := e.Env("dev")
	want := strings.Join([]string{
		"environments/dev/broken.tf:1:35: Unclosed configuration block; There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
		`environments/dev/main.tf:5:18: Missing required argument; The argument "source" is required, but no definition was found.`,
		"environments/dev/terraform.tfvars:1:10: Function calls not allowed; Functions may not be called here.",
		"environments/dev/variables.tf:2:13: Variables not allowed; Variables may not be used here.",
		"environments/dev/variables.tf:7:15: Unsuitable value type; Unsuitable value: a bool is required.",
	}, "\n")
	if got := errString(dev.Err); got != want {
		t.Errorf("dev.Err =\n%s\nwant\n%s", got, want)
	}
	if _, ok := dev.TFVars["region"]; ok {
		t.Error("an invalid tfvars value was recorded")
	}
	if v, _ := dev.Variable("region"); v.Default != nil {
		t.Errorf("an invalid default was recorded: %v", v.Default)
	}
}

func TestEnvironmentErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name: "duplicates",
			files: map[string]string{
				"a.tf": "variable \"v\" {}\nmodule \"m\" {\n  source = \"./m\"\n}\nresource \"t\" \"r\" {}\nprovider \"p\" {}\nterraform {\n  backend \"local\" {}\n  required_providers {\n    p = \"1.0\"\n  }\n}\n",
				"b.tf": "variable \"v\" {}\nmodule \"m\" {\n  source = \"./m\"\n}\nresource \"t\" \"r\" {}\nprovider \"p\" {}\nterraform {\n  cloud {}\n  required_providers {\n    p = \"1.0\"\n  }\n}\n",
			},
			want: strings.Join([]string{
				`environments/x/b.tf:1:1: Duplicate variable; Variable "v" was already declared at environments/x/a.tf:1:1.`,
				`environments/x/b.tf:2:1: Duplicate module call; Module call "m" was already declared at environments/x/a.tf:2:1.`,
				`environments/x/b.tf:5:1: Duplicate resource; Resource "t.r" was already declared at environments/x/a.tf:5:1.`,
				`environments/x/b.tf:6:1: Duplicate provider configuration; Provider configuration "p" was already declared at environments/x/a.tf:6:1.`,
				`environments/x/b.tf:8:3: Duplicate backend configuration; A module may have only one backend or cloud block; the first is at environments/x/a.tf:8:3.`,
				`environments/x/b.tf:10:5: Duplicate required provider; Provider "p" was already required at environments/x/a.tf:10:5.`,
			}, "\n"),
		},
		{
			name: "duplicate aliased provider",
			files: map[string]string{
				"main.tf": "provider \"p\" {\n  alias = \"a\"\n}\nprovider \"p\" {\n  alias = \"a\"\n}\nprovider \"p\" {}\n",
			},
			want: `environments/x/main.tf:4:1: Duplicate provider configuration; Provider configuration "p.a" was already declared at environments/x/main.tf:1:1.`,
		},
		{
			name: "bad values",
			files: map[string]string{
				"main.tf": "terraform {\n  required_version = \"not a version\"\n}\nvariable \"v\" {\n  description = var.d\n}\nprovider \"p\" {\n  alias = local.a\n}\n",
			},
			want: strings.Join([]string{
				`environments/x/main.tf:2:22: Invalid required_version constraint; "not a version" is not a version constraint: malformed constraint: not a version.`,
				`environments/x/main.tf:5:17: Variables not allowed; Variables may not be used here.`,
				`environments/x/main.tf:8:11: Variables not allowed; Variables may not be used here.`,
			}, "\n"),
		},
		{
			name: "bad tfvars",
			files: map[string]string{
				"main.tf":          "",
				"terraform.tfvars": "a = 1\nblock {}\n",
				"x.auto.tfvars":    "b = var.c\n",
			},
			want: strings.Join([]string{
				`environments/x/terraform.tfvars:2:1: Unexpected "block" block; Blocks are not allowed here.`,
				`environments/x/x.auto.tfvars:1:5: Variables not allowed; Variables may not be used here.`,
			}, "\n"),
		},
		{
			name: "bad json",
			files: map[string]string{
				"main.tf.json": `{"variable": }`,
			},
			want: strings.Join([]string{
				`environments/x/main.tf.json:1:14: Missing JSON value; A JSON value must start with a brace, a bracket, a number, a string, or a keyword.`,
				`environments/x/main.tf.json:1:14: Incorrect JSON value type; Either a JSON object or JSON array of objects is required here, to specify name labels for this block.`,
				`environments/x/main.tf.json:1:14: Missing block label; At least one object property is required, whose name represents the variable block's name.`,
			}, "\n"),
		},
		{
			name: "override without base",
			files: map[string]string{
				"main.tf":     "",
				"override.tf": "variable \"v\" {}\nmodule \"m\" {}\nresource \"t\" \"r\" {}\n",
			},
			want: strings.Join([]string{
				`environments/x/override.tf:1:1: Missing base variable for override; There is no variable named "v"; an override file can only override existing blocks.`,
				`environments/x/override.tf:2:1: Missing base module for override; There is no module named "m"; an override file can only override existing blocks.`,
				`environments/x/override.tf:3:1: Missing base resource for override; There is no resource named "t.r"; an override file can only override existing blocks.`,
			}, "\n"),
		},
		{
			name: "bad required_providers entries",
			files: map[string]string{
				"main.tf": "terraform {\n  required_providers {\n    a = { (\"x\") = 1, source = 2 }\n    b = { (var.k) = \"v\" }\n    c = 3\n    d = [\"x\"]\n  }\n}\n",
			},
			want: strings.Join([]string{
				`environments/x/main.tf:4:12: Variables not allowed; Variables may not be used here.`,
				`environments/x/main.tf:6:9: Unsuitable value type; Unsuitable value: string required, but have tuple.`,
			}, "\n"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := loadOne(t, tt.files)
			if got := errString(env.Err); got != tt.want {
				t.Errorf("Err =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestOverrideFiles(t *testing.T) {
	env := loadOne(t, map[string]string{
		"main.tf": `
terraform {
  required_version = ">= 1.5"
  backend "s3" {
    bucket = "a"
    key    = "k"
  }
}
variable "v" {
  type    = string
  default = "base"
}
module "m" {
  source  = "registry/m/x"
  version = "1.0.0"
}
resource "t" "r" {}
provider "p" {}
`,
		"z_override.tf": `
terraform {
  required_version = ">= 1.9"
  backend "local" {
    path = "override.tfstate"
  }
}
variable "v" {
  default = "override"
}
module "m" {
  version = "2.0.0"
}
resource "t" "r" {}
provider "p" {}
`,
		// Override files are applied after all primary files, whatever their names.
		"zz.tf": `variable "w" {}`,
	})
	if env.Err != nil {
		t.Fatal(env.Err)
	}
	v, _ := env.Variable("v")
	got := []string{
		env.RequiredVersion,
		env.Backend.Type,
		v.Type + " " + v.Default.Value.AsString(),
		env.Modules[0].Source + " " + env.Modules[0].Version,
		fmt.Sprint(len(env.Resources), len(env.Providers), len(env.Variables)),
	}
	want := []string{">= 1.9", "local", "string override", "registry/m/x 2.0.0", "1 1 2"}
	if !slices.Equal(got, want) {
		t.Errorf("after overrides = %q, want %q", got, want)
	}
}

func TestJSONStringsAreLiteral(t *testing.T) {
	// With no evaluation context, terraform reads JSON strings literally,
	// templates included, in tfvars and backend arguments alike.
	env := loadOne(t, map[string]string{
		"main.tf.json":          `{"terraform": {"backend": {"http": {"address": "${var.addr}"}}}}`,
		"terraform.tfvars.json": `{"a": "${var.b}"}`,
	})
	if env.Err != nil {
		t.Fatal(env.Err)
	}
	if got := env.TFVars["a"].Value.AsString(); got != "${var.b}" {
		t.Errorf("TFVars[a] = %q, want ${var.b}", got)
	}
	if got := env.Backend.StateAddress(); got != "${var.addr}" {
		t.Errorf("StateAddress() = %q, want ${var.addr}", got)
	}
}

func TestSymlinkedFiles(t *testing.T) {
	root := writeTree(t, map[string]string{
		"shared/common.tf":       `variable "shared" {}`,
		"shared/dir.tf/x":        "",
		"environments/x/main.tf": "",
	})
	dir := filepath.Join(root, "environments", "x")
	for link, target := range map[string]string{
		"common.tf": "../../shared/common.tf",
		"dir.tf":    "../../shared/dir.tf",
		"broken.tf": "../../shared/missing.tf",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	env, _ := e.Env("x")
	if env.Err != nil || !slices.Equal(env.Files, []string{"common.tf", "main.tf"}) || len(env.Variables) != 1 {
		t.Errorf("Files = %v, Variables = %v, Err = %v; want the symlinked common.tf only", env.Files, env.Variables, env.Err)
	}
}

func TestJSONTypeNotString(t *testing.T) {
	env := loadOne(t, map[string]string{"main.tf.json": `{"variable": {"v": {"type": ["list"]}}}`})
	if got := env.Variables[0].Type; got != `["list"]` {
		t.Errorf("Type = %q, want the source text", got)
	}
}

func TestIgnoredFiles(t *testing.T) {
	env := loadOne(t, map[string]string{
		"main.tf":      "",
		".hidden.tf":   "not hcl {",
		"main.tf~":     "not hcl {",
		"#main.tf#":    "not hcl {",
		"plan.tfplan":  "binary",
		"README.md":    "docs",
		"sub/other.tf": "not hcl {",
	})
	if env.Err != nil {
		t.Errorf("Err = %v", env.Err)
	}
	if !slices.Equal(env.Files, []string{"main.tf"}) {
		t.Errorf("Files = %v, want [main.tf]", env.Files)
	}
}
