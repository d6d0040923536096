package estate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLargeEstate generates envs environments with modules module calls
// each, plus a backend, variables, tfvars and resources, and an infractl.hcl
// chaining every tenth environment to the previous one.
func writeLargeEstate(tb testing.TB, root string, envs, modules int) {
	tb.Helper()
	var cfg strings.Builder
	for i := range envs {
		name := fmt.Sprintf("env%03d", i)
		fmt.Fprintf(&cfg, "environment %q {\n", name)
		if i%10 != 0 {
			fmt.Fprintf(&cfg, "  depends_on = [%q]\n", fmt.Sprintf("env%03d", i-1))
		}
		cfg.WriteString("}\n")

		var main strings.Builder
		fmt.Fprintf(&main, `terraform {
  required_version = ">= 1.5.0"
  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "%s/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}
`, name)
		for m := range modules {
			fmt.Fprintf(&main, `
module "m%02d" {
  source  = "acme/component%02d/aws"
  version = "1.%d.0"
  name    = "%s-m%02d"
  tags    = { env = %q, index = %d }
}
`, m, m, m, name, m, name, m)
		}
		fmt.Fprintf(&main, "\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = %q\n}\n", name+"-logs")
		vars := `variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "instance_count" {
  type    = number
  default = 1
}
`
		tfvars := fmt.Sprintf("region = \"eu-west-1\"\ninstance_count = %d\n", i%5+1)
		dir := filepath.Join(root, "environments", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		for file, content := range map[string]string{"main.tf": main.String(), "variables.tf": vars, "terraform.tfvars": tfvars} {
			if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(root, ConfigFileName), []byte(cfg.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLoad loads a generated estate of 200 environments with 20 module
// calls each: the size lint and env diff must handle in well under 2 s.
//
// Results, machine and command are in docs/benchmarks.md.
func BenchmarkLoad(b *testing.B) {
	root := b.TempDir()
	writeLargeEstate(b, root, 200, 20)
	b.ReportAllocs()
	for b.Loop() {
		e, err := Load(root)
		if err != nil {
			b.Fatal(err)
		}
		if len(e.Environments) != 200 || len(e.Environments[199].Modules) != 20 || e.Validate() != nil {
			b.Fatalf("unexpected estate: %d environments, err %v", len(e.Environments), e.Validate())
		}
	}
}

// BenchmarkConfigHash hashes every environment of the same estate, as a plan
// of --all would.
func BenchmarkConfigHash(b *testing.B) {
	root := b.TempDir()
	writeLargeEstate(b, root, 200, 20)
	e, err := Load(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, env := range e.Environments {
			if _, err := env.ConfigHash(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
