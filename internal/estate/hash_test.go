package estate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigHash(t *testing.T) {
	write := func(path, content string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			p := filepath.Join(root, filepath.FromSlash(path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendTo := func(path, content string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			p := filepath.Join(root, filepath.FromSlash(path))
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			write(path, string(b)+content)(t, root)
		}
	}
	remove := func(path string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(path))); err != nil {
				t.Fatal(err)
			}
		}
	}
	rename := func(from, to string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			if err := os.Rename(filepath.Join(root, filepath.FromSlash(from)), filepath.Join(root, filepath.FromSlash(to))); err != nil {
				t.Fatal(err)
			}
		}
	}
	const dev = "environments/dev/"
	tests := []struct {
		name    string
		change  func(t *testing.T, root string)
		changed bool
	}{
		{"edit .tf", appendTo(dev+"main.tf", "\n# comment\n"), true},
		{"edit terraform.tfvars", appendTo(dev+"terraform.tfvars", "cidr = \"10.9.0.0/16\"\n"), true},
		{"edit .tfvars.json", write(dev+"b.auto.tfvars.json", `{"instance_count": 6}`), true},
		{"edit -var-file tfvars", appendTo(dev+"extra.tfvars", "owner = \"me\"\n"), true},
		{"add .tf", write(dev+"new.tf", ""), true},
		{"add .tf.json", write(dev+"new.tf.json", "{}"), true},
		{"remove tfvars", remove(dev + "a.auto.tfvars"), true},
		{"rename .tf", rename(dev+"variables.tf", dev+"vars.tf"), true},
		{"edit local module", appendTo("modules/network/main.tf", "\n"), true},
		{"edit nested local module", appendTo("modules/network/subnets/main.tf", "\n"), true},
		{"add file to local module", write("modules/network/outputs.tf", ""), true},
		{"write .terraform", write(dev+".terraform/modules/modules.json", `{"Modules":[]}`), false},
		{"write .terraform provider", write(dev+".terraform/providers/x/main.tf", "x"), false},
		{"write plan file", write(dev+"tfplan", "PK\x03\x04binary plan"), false},
		{"write named plan", write(dev+"dev.plan", "plan"), false},
		{"write lock file", write(dev+".terraform.lock.hcl", "# lock"), false},
		{"write state", write(dev+"terraform.tfstate", "{}"), false},
		{"edit other file", appendTo(dev+"notes.txt", "more"), false},
		{"edit subdirectory", write(dev+"sub/x.tf", ""), false},
		{"editor backup", write(dev+"main.tf~", "old"), false},
		{"module readme", write("modules/network/README.md", "docs"), false},
		{"unreferenced module", write("modules/other/main.tf", ""), false},
		{"other environment", appendTo("environments/staging/main.tf", "\n"), false},
	}
	base := hashOf(t, copyTree(t, "testdata/basic"), "dev")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyTree(t, "testdata/basic")
			tt.change(t, root)
			got := hashOf(t, root, "dev")
			if changed := got != base; changed != tt.changed {
				t.Errorf("hash changed = %v, want %v", changed, tt.changed)
			}
		})
	}
}

func hashOf(t *testing.T, root, name string) string {
	t.Helper()
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	env, err := e.Env(name)
	if err != nil {
		t.Fatal(err)
	}
	h, err := env.ConfigHash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestConfigHashStable(t *testing.T) {
	// The same files in another checkout hash the same: names are relative.
	a := hashOf(t, "testdata/basic", "dev")
	b := hashOf(t, copyTree(t, "testdata/basic"), "dev")
	if a != b || len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("hashes %q and %q, want the same 64 hex digits", a, b)
	}
	if c := hashOf(t, "testdata/basic", "staging"); c == a {
		t.Error("dev and staging hash the same")
	}
}

func TestConfigHashModules(t *testing.T) {
	root := writeTree(t, map[string]string{
		// A module inside the environment, one outside, a missing one, a
		// registry one, and two modules that call each other.
		"environments/dev/main.tf": `
module "inner" { source = "./modules/inner" }
module "a" { source = "../../modules/a" }
module "missing" { source = "../../modules/missing" }
module "registry" { source = "acme/x/aws" }
module "dynamic" { source = var.x }
`,
		"environments/dev/modules/inner/main.tf": "",
		"modules/a/main.tf":                      `module "b" { source = "../b" }`,
		"modules/b/main.tf.json":                 `{"module": {"a": {"source": "../a"}}}`,
		"modules/b/broken.tf":                    `module "x" {`,
	})
	before := hashOf(t, root, "dev")
	for _, path := range []string{"environments/dev/modules/inner/main.tf", "modules/b/main.tf.json"} {
		p := filepath.Join(root, path)
		if err := os.WriteFile(p, []byte(`{}`), 0o644); err != nil {
			t.Fatal(err)
		}
		after := hashOf(t, root, "dev")
		if after == before {
			t.Errorf("editing %s did not change the hash", path)
		}
		before = after
	}
}

func TestConfigHashError(t *testing.T) {
	root := copyTree(t, "testdata/basic")
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := e.Env("dev")
	if err := os.RemoveAll(dev.Dir); err != nil {
		t.Fatal(err)
	}
	_, err = dev.ConfigHash()
	if got, want := errString(err), "hashing environment dev: open "; !strings.HasPrefix(got, want) {
		t.Errorf("ConfigHash() error = %q, want prefix %q", got, want)
	}
}
