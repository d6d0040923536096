package estate

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadBasic(t *testing.T) {
	e, err := Load("testdata/basic")
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs("testdata/basic")
	if e.Root != root {
		t.Errorf("Root = %q, want %q", e.Root, root)
	}
	if want := filepath.Join(root, "environments"); e.EnvironmentsDir != want {
		t.Errorf("EnvironmentsDir = %q, want %q", e.EnvironmentsDir, want)
	}
	if e.ConfigFile != "" || e.TerraformBinary != "" {
		t.Errorf("ConfigFile, TerraformBinary = %q, %q; want empty", e.ConfigFile, e.TerraformBinary)
	}
	// No infractl.hcl: alphabetical, and docs/ (no .tf files) is not an environment.
	if got, want := e.Names(), []string{"dev", "prod", "staging"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for i, env := range e.Environments {
		if env.Order != i || env.Declared || env.Protected || env.DependsOn != nil || env.Err != nil {
			t.Errorf("%s: Order=%d Declared=%v Protected=%v DependsOn=%v Err=%v", env.Name, env.Order, env.Declared, env.Protected, env.DependsOn, env.Err)
		}
		if want := filepath.Join(root, "environments", env.Name); env.Dir != want {
			t.Errorf("%s: Dir = %q, want %q", env.Name, env.Dir, want)
		}
	}
	if err := e.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestLoadOrdered(t *testing.T) {
	e, err := Load("testdata/ordered")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Names(), []string{"dev", "staging", "prod", "alpha", "sandbox"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if e.TerraformBinary != "tofu" {
		t.Errorf("TerraformBinary = %q, want tofu", e.TerraformBinary)
	}
	if want, _ := filepath.Abs("testdata/ordered/infractl.hcl"); e.ConfigFile != want {
		t.Errorf("ConfigFile = %q, want %q", e.ConfigFile, want)
	}
	tests := []struct {
		name      string
		declared  bool
		protected bool
		dependsOn []string
	}{
		{"dev", true, false, nil},
		{"staging", true, false, []string{"dev"}},
		{"prod", true, true, []string{"staging"}}, // duplicate in depends_on dropped
		{"alpha", false, false, nil},
		{"sandbox", false, false, nil},
	}
	for i, tt := range tests {
		env, err := e.Env(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if env.Order != i || env.Declared != tt.declared || env.Protected != tt.protected || !slices.Equal(env.DependsOn, tt.dependsOn) {
			t.Errorf("%s: Order=%d Declared=%v Protected=%v DependsOn=%v; want %d %v %v %v",
				tt.name, env.Order, env.Declared, env.Protected, env.DependsOn, i, tt.declared, tt.protected, tt.dependsOn)
		}
	}
}

func TestLoadCustomEnvironmentsDir(t *testing.T) {
	e, err := Load("testdata/custom-dir")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Names(), []string{"app", "db"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v (environments/ must be ignored)", got, want)
	}
	if want, _ := filepath.Abs("testdata/custom-dir/stacks"); e.EnvironmentsDir != want {
		t.Errorf("EnvironmentsDir = %q, want %q", e.EnvironmentsDir, want)
	}
	app, _ := e.Env("app")
	if got := app.Backend.Range.Filename; got != "stacks/app/main.tf" {
		t.Errorf("range file = %q, want stacks/app/main.tf", got)
	}
}

func TestLoadAbsoluteEnvironmentsDir(t *testing.T) {
	envs := writeTree(t, map[string]string{"one/main.tf": ""})
	root := writeTree(t, map[string]string{"infractl.hcl": `environments_dir = "` + filepath.ToSlash(envs) + `"`})
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if e.EnvironmentsDir != envs || !slices.Equal(e.Names(), []string{"one"}) {
		t.Errorf("EnvironmentsDir, Names() = %q, %v; want %q, [one]", e.EnvironmentsDir, e.Names(), envs)
	}
}

func TestLoadDiscovery(t *testing.T) {
	root := writeTree(t, map[string]string{
		"environments/json/main.tf.json":       `{}`,
		"environments/hcl/main.tf":             ``,
		"environments/.hidden/main.tf":         ``,
		"environments/varsonly/x.auto.tfvars":  `a = 1`,
		"environments/backup/main.tf~":         ``,
		"environments/nested/sub/main.tf":      ``,
		"environments/file.tf":                 ``,
		"environments/hcl/.terraform/x/foo.tf": ``,
	})
	if err := os.Symlink(filepath.Join(root, "environments", "hcl"), filepath.Join(root, "environments", "linked")); err != nil {
		t.Fatal(err)
	}
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.Names(), []string{"hcl", "json", "linked"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		root string // a testdata directory, or "" to use files
		// files builds a temporary estate when root is "".
		files map[string]string
		want  string
		is    error
	}{
		{
			name: "cycle",
			root: "testdata/cycle",
			want: "dependency cycle in infractl.hcl: dev -> staging -> prod -> dev",
		},
		{
			name: "self cycle",
			files: map[string]string{
				"environments/dev/main.tf": "",
				"infractl.hcl":             "environment \"dev\" {\n  depends_on = [\"dev\"]\n}\n",
			},
			want: "dependency cycle in infractl.hcl: dev -> dev",
		},
		{
			name: "cycle through undeclared order",
			files: map[string]string{
				"environments/a/main.tf": "", "environments/b/main.tf": "", "environments/c/main.tf": "",
				"infractl.hcl": "environment \"c\" {}\nenvironment \"b\" {\n  depends_on = [\"c\", \"a\"]\n}\nenvironment \"a\" {\n  depends_on = [\"b\"]\n}\n",
			},
			want: "dependency cycle in infractl.hcl: b -> a -> b",
		},
		{
			// The DFS meets the cycle from x, but the message starts at the
			// cycle's first declared member.
			name: "cycle starts at first declared member",
			files: map[string]string{
				"environments/x/main.tf": "", "environments/y/main.tf": "", "environments/z/main.tf": "",
				"infractl.hcl": "environment \"x\" {}\nenvironment \"z\" {\n  depends_on = [\"y\"]\n}\nenvironment \"y\" {\n  depends_on = [\"x\", \"z\"]\n}\n",
			},
			want: "dependency cycle in infractl.hcl: z -> y -> z",
		},
		{
			name: "unknown depends_on",
			root: "testdata/unknown-dep",
			want: `infractl.hcl:4:16: environment "staging" depends_on: unknown environment "qa"; known environments: dev, staging`,
		},
		{
			name: "unknown environment directories",
			root: "testdata/unknown-dir",
			want: `infractl.hcl:3:1: environment "qa": directory environments/qa does not exist; environment directories found: dev, prod` + "\n" +
				`infractl.hcl:5:1: environment "empty": directory environments/empty holds no .tf or .tf.json files; environment directories found: dev, prod`,
		},
		{
			name: "unknown attributes and blocks",
			root: "testdata/bad-config",
			want: `infractl.hcl:2:1: Unsupported argument; An argument named "terraform_bin" is not expected here.` + "\n" +
				`infractl.hcl:5:15: Unsuitable value type; Unsuitable value: a bool is required.` + "\n" +
				`infractl.hcl:6:3: Unsupported argument; An argument named "depend_on" is not expected here. Did you mean "depends_on"?` + "\n" +
				`infractl.hcl:9:1: Unsupported block type; Blocks of type "notify" are not expected here.`,
		},
		{
			name: "infractl.hcl syntax error",
			files: map[string]string{
				"environments/dev/main.tf": "",
				"infractl.hcl":             "environment \"dev\" {\n",
			},
			want: `infractl.hcl:1:19: Unclosed configuration block; There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.`,
		},
		{
			name: "duplicate and invalid environment blocks",
			files: map[string]string{
				"environments/dev/main.tf": "",
				"infractl.hcl":             "environment \"dev\" {}\nenvironment \"dev\" {}\nenvironment \"../x\" {}\n",
			},
			want: `infractl.hcl:2:1: Duplicate environment block; Environment "dev" was already declared at infractl.hcl:1:1.` + "\n" +
				`infractl.hcl:3:13: Invalid environment name; Environment "../x" must be the name of a directory, without path separators.`,
		},
		{
			name: "bad attribute types",
			files: map[string]string{
				"environments/dev/main.tf": "",
				"infractl.hcl":             "environments_dir = \"\"\nterraform_binary = [\"tofu\"]\nenvironment \"dev\" {\n  depends_on = [null]\n}\n",
			},
			want: `infractl.hcl:1:20: Invalid environments_dir; environments_dir must name a directory relative to the estate root.` + "\n" +
				`infractl.hcl:2:20: Unsuitable value type; Unsuitable value: string required, but have tuple.` + "\n" +
				`infractl.hcl:4:16: Invalid value; The list must not contain null.`,
		},
		{
			name: "variables in infractl.hcl",
			files: map[string]string{
				"environments/dev/main.tf": "",
				"infractl.hcl":             "environment \"dev\" {\n  protected = var.x\n}\n",
			},
			want: `infractl.hcl:2:15: Variables not allowed; Variables may not be used here.`,
		},
		{
			name:  "no environments directory",
			files: map[string]string{"README.md": ""},
			want:  "no environments found: directory environments does not exist; create environments/<name>/main.tf or set environments_dir in infractl.hcl",
			is:    ErrNoEnvironments,
		},
		{
			name:  "custom environments directory missing",
			files: map[string]string{"infractl.hcl": `environments_dir = "stacks"`},
			want:  "no environments found: directory stacks does not exist; create stacks/<name>/main.tf or set environments_dir in infractl.hcl",
			is:    ErrNoEnvironments,
		},
		{
			name:  "empty environments directory",
			files: map[string]string{"environments/dev/README.md": "", "environments/main.tf": ""},
			want:  "no environments found in environments: no subdirectory holds .tf or .tf.json files; create environments/<name>/main.tf or set environments_dir in infractl.hcl",
			is:    ErrNoEnvironments,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tt.root
			if root == "" {
				root = writeTree(t, tt.files)
			}
			e, err := Load(root)
			if got := errString(err); got != tt.want {
				t.Errorf("Load() error =\n%s\nwant\n%s", got, tt.want)
			}
			if e != nil {
				t.Errorf("Load() returned an estate with an error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestLoadErrorTypes(t *testing.T) {
	_, err := Load("testdata/cycle")
	var cycle *CycleError
	if !errors.As(err, &cycle) {
		t.Fatalf("error %T is not a *CycleError", err)
	}
	if want := []string{"dev", "staging", "prod"}; !slices.Equal(cycle.Cycle, want) || cycle.File != "infractl.hcl" {
		t.Errorf("CycleError = %+v, want Cycle %v File infractl.hcl", cycle, want)
	}

	_, err = Load("testdata/unknown-dep")
	var unknown *UnknownEnvironmentError
	if !errors.As(err, &unknown) {
		t.Fatalf("error %T does not wrap *UnknownEnvironmentError", err)
	}
	if unknown.Name != "qa" || !slices.Equal(unknown.Known, []string{"dev", "staging"}) {
		t.Errorf("UnknownEnvironmentError = %+v", unknown)
	}

	_, err = Load("testdata/bad-config")
	var diags *DiagnosticsError
	if !errors.As(err, &diags) || len(diags.Diagnostics) != 4 {
		t.Errorf("error %v: want a *DiagnosticsError with 4 diagnostics", err)
	}
}

func TestLoadRootErrors(t *testing.T) {
	file := filepath.Join(writeTree(t, map[string]string{"f": ""}), "f")
	tests := []struct {
		root string
		want string
	}{
		{filepath.Join(t.TempDir(), "missing"), "reading estate root: stat "},
		{file, "estate root " + file + " is not a directory"},
	}
	for _, tt := range tests {
		_, err := Load(tt.root)
		if got := errString(err); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Load(%q) error = %q, want prefix %q", tt.root, got, tt.want)
		}
	}
}

func TestLoadUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("permissions are not enforced for root")
	}
	root := writeTree(t, map[string]string{
		"environments/dev/main.tf":  "",
		"environments/prod/main.tf": "",
		"infractl.hcl":              "",
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Chmod(filepath.Join(root, "environments/prod/main.tf"), 0))
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	prod, _ := e.Env("prod")
	if got, want := errString(prod.Err), "reading environments/prod/main.tf: open "; !strings.HasPrefix(got, want) {
		t.Errorf("prod.Err = %q, want prefix %q", got, want)
	}
	must(os.Chmod(filepath.Join(root, "infractl.hcl"), 0))
	if _, err := Load(root); !strings.HasPrefix(errString(err), "reading infractl.hcl: ") {
		t.Errorf("Load() error = %v, want reading infractl.hcl", err)
	}
}

func TestLoadConfigIsDirectory(t *testing.T) {
	root := writeTree(t, map[string]string{"environments/dev/main.tf": "", "infractl.hcl/x": ""})
	_, err := Load(root)
	if got, want := errString(err), "reading infractl.hcl: read "; !strings.HasPrefix(got, want) {
		t.Errorf("Load() error = %q, want prefix %q", got, want)
	}
}

func TestEnv(t *testing.T) {
	e, err := Load("testdata/ordered")
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.Env("staging")
	if err != nil || env.Name != "staging" {
		t.Errorf("Env(staging) = %v, %v", env, err)
	}
	_, err = e.Env("qa")
	want := `unknown environment "qa"; known environments: dev, staging, prod, alpha, sandbox`
	if got := errString(err); got != want {
		t.Errorf("Env(qa) error = %q, want %q", got, want)
	}
	var unknown *UnknownEnvironmentError
	if !errors.As(err, &unknown) || unknown.Name != "qa" {
		t.Errorf("Env(qa) error %T is not an *UnknownEnvironmentError for qa", err)
	}
}

func TestSelect(t *testing.T) {
	e, err := Load("testdata/ordered")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names   []string
		all     bool
		want    []string
		wantErr string
		is      error
	}{
		{names: []string{"prod", "dev"}, want: []string{"dev", "prod"}},
		{names: []string{"sandbox", "staging", "sandbox"}, want: []string{"staging", "sandbox"}},
		{all: true, want: []string{"dev", "staging", "prod", "alpha", "sandbox"}},
		{names: []string{"dev", "qa", "uat"}, wantErr: `unknown environment "qa"; known environments: dev, staging, prod, alpha, sandbox`},
		{wantErr: "no environment selected: pass ENV... or --all; known environments: dev, staging, prod, alpha, sandbox", is: ErrNoSelection},
		{names: []string{}, wantErr: "no environment selected: pass ENV... or --all; known environments: dev, staging, prod, alpha, sandbox", is: ErrNoSelection},
		{names: []string{"dev"}, all: true, wantErr: "pass environment names or --all, not both"},
	}
	for _, tt := range tests {
		got, err := e.Select(tt.names, tt.all)
		if errString(err) != errString(errorOrNil(tt.wantErr)) {
			t.Errorf("Select(%v, %v) error = %v, want %q", tt.names, tt.all, err, tt.wantErr)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Select(%v, %v) error does not wrap %v", tt.names, tt.all, tt.is)
		}
		var names []string
		for _, env := range got {
			names = append(names, env.Name)
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("Select(%v, %v) = %v, want %v", tt.names, tt.all, names, tt.want)
		}
	}
}

func errorOrNil(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}

func TestSelectAllReturnsCopy(t *testing.T) {
	e, err := Load("testdata/ordered")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.Select(nil, true)
	got[0] = nil
	if e.Environments[0] == nil {
		t.Error("Select(nil, true) shares its slice with the estate")
	}
}

func TestDependencies(t *testing.T) {
	e, err := Load("testdata/ordered")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names []string
		want  map[string][]string
	}{
		{
			names: []string{"dev", "staging", "prod", "alpha"},
			want:  map[string][]string{"dev": nil, "staging": {"dev"}, "prod": {"staging"}, "alpha": nil},
		},
		{
			// prod depends on dev only through staging, which is not selected.
			names: []string{"dev", "prod"},
			want:  map[string][]string{"dev": nil, "prod": {"dev"}},
		},
		{
			names: []string{"prod"},
			want:  map[string][]string{"prod": nil},
		},
	}
	for _, tt := range tests {
		sel, err := e.Select(tt.names, false)
		if err != nil {
			t.Fatal(err)
		}
		got := e.Dependencies(sel)
		if len(got) != len(tt.want) {
			t.Errorf("Dependencies(%v) = %v, want %v", tt.names, got, tt.want)
			continue
		}
		for name, want := range tt.want {
			deps, ok := got[name]
			if !ok || !slices.Equal(deps, want) {
				t.Errorf("Dependencies(%v)[%s] = %v, want %v", tt.names, name, deps, want)
			}
		}
	}
}

func TestDependenciesDiamond(t *testing.T) {
	root := writeTree(t, map[string]string{
		"environments/base/main.tf": "", "environments/left/main.tf": "",
		"environments/right/main.tf": "", "environments/top/main.tf": "",
		"infractl.hcl": `
environment "base" {}
environment "right" { depends_on = ["base"] }
environment "left" { depends_on = ["base"] }
environment "top" { depends_on = ["left", "right"] }
`,
	})
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	sel, _ := e.Select([]string{"top", "base"}, false)
	got := e.Dependencies(sel)
	if !slices.Equal(got["top"], []string{"base"}) || got["base"] != nil {
		t.Errorf("Dependencies = %v, want top: [base] (once), base: none", got)
	}
	all, _ := e.Select(nil, true)
	if got := e.Dependencies(all)["top"]; !slices.Equal(got, []string{"right", "left"}) {
		t.Errorf("Dependencies(all)[top] = %v, want [right left] (declared order)", got)
	}
}

func TestBrokenEnvironmentDoesNotHideOthers(t *testing.T) {
	e, err := Load("testdata/invalid-hcl")
	if err != nil {
		t.Fatalf("Load() = %v; invalid environment HCL must not fail Load", err)
	}
	prod, err := e.Select([]string{"prod"}, false)
	if err != nil || len(prod) != 1 || prod[0].Err != nil {
		t.Fatalf("Select(prod) = %v, %v; want the healthy prod", prod, err)
	}
	all, err := e.Select(nil, true)
	if err != nil || len(all) != 2 {
		t.Fatalf("Select(all) = %v, %v", all, err)
	}
	dev := all[0]
	if _, ok := dev.Err.(*DiagnosticsError); !ok {
		t.Fatalf("dev.Err = %T %v, want a *DiagnosticsError", dev.Err, dev.Err)
	}
	// Whatever parsed is still there.
	var addrs []string
	for _, r := range dev.Resources {
		addrs = append(addrs, r.Address())
	}
	if want := []string{"aws_s3_bucket.assets", "aws_s3_bucket.logs"}; !slices.Equal(addrs, want) {
		t.Errorf("dev.Resources = %v, want %v", addrs, want)
	}
	if got := errString(e.Validate()); got != dev.Err.Error() {
		t.Errorf("Validate() = %q, want dev's error %q", got, dev.Err)
	}
}
