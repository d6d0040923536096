package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
)

// writeBenchEstate generates envs environments with modules module calls
// each (half local, half from a registry with a version), a complete s3
// backend, pinned providers, variables with tfvars (a network range each,
// capacity values, a map of models) and a few resources, plus the local
// modules and a shared state-bucket root.
func writeBenchEstate(tb testing.TB, root string, envs, modules int) {
	tb.Helper()
	write := func(rel, content string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	for m := range modules / 2 {
		write(fmt.Sprintf("modules/m%02d/main.tf", m), "variable \"name\" {\n  type = string\n}\n\nvariable \"cidr\" {\n  type = string\n}\n\nresource \"terraform_data\" \"this\" {\n  input = var.name\n}\n")
	}
	write("shared/state/main.tf", "resource \"aws_s3_bucket\" \"state\" {\n  bucket = \"acme-tfstate\"\n\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n")
	var cfg strings.Builder
	for i := range envs {
		name := fmt.Sprintf("env%03d", i)
		fmt.Fprintf(&cfg, "environment %q {\n", name)
		if i > 0 {
			fmt.Fprintf(&cfg, "  depends_on = [%q]\n", fmt.Sprintf("env%03d", i-1))
		}
		cfg.WriteString("}\n")
		var main strings.Builder
		fmt.Fprintf(&main, `terraform {
  required_version = ">= 1.11"

  backend "s3" {
    bucket       = "acme-tfstate"
    key          = "%s/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}
`, name)
		for m := range modules {
			if m%2 == 0 {
				fmt.Fprintf(&main, "\nmodule \"m%02d\" {\n  source = \"../../modules/m%02d\"\n\n  name = \"%s-m%02d\"\n  cidr = \"10.%d.%d.0/24\"\n}\n", m, m/2, name, m, i/100+100, (i%100)*2+m%2)
			} else {
				fmt.Fprintf(&main, "\nmodule \"m%02d\" {\n  source  = \"acme/component%02d/aws\"\n  version = \"1.%d.0\"\n\n  name = \"%s-m%02d\"\n  tags = { env = %q, index = %d }\n}\n", m, m, m, name, m, name, m)
			}
		}
		fmt.Fprintf(&main, "\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = %q\n}\n\ndata \"aws_caller_identity\" \"current\" {}\n", name+"-logs")
		vars := `variable "region" {
  type = string
}

variable "vpc_cidr" {
  type = string
}

variable "node_min_size" {
  type = number
}

variable "node_max_size" {
  type = number
}

variable "node_instance_types" {
  type = list(string)
}

variable "db_monitoring_interval" {
  type    = number
  default = 60
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "models" {
  type = map(object({ replicas = number, cpu = string, memory = string }))
}
`
		tfvars := fmt.Sprintf(`region              = "eu-west-1"
vpc_cidr            = "10.%d.%d.0/20"
node_min_size       = %d
node_max_size       = %d
node_instance_types = ["m6i.large"]

models = {
  api    = { replicas = %d, cpu = "500m", memory = "1Gi" }
  worker = { replicas = %d, cpu = "1", memory = "2Gi" }
}
`, i/16, (i%16)*16, 1+i/50, 2+i/25, 1+i/40, 1+i/60)
		dir := filepath.Join("environments", name)
		write(filepath.Join(dir, "main.tf"), main.String())
		write(filepath.Join(dir, "variables.tf"), vars)
		write(filepath.Join(dir, "terraform.tfvars"), tfvars)
	}
	write(estate.ConfigFileName, cfg.String())
}

// BenchmarkLintAll is `infractl lint --all` on 200 environments x 20 module
// calls: loading the estate and every rule, shared roots included. The
// issue's budget is 2 s; results are in docs/benchmarks.md.
func BenchmarkLintAll(b *testing.B) {
	root := b.TempDir()
	writeBenchEstate(b, root, 200, 20)
	b.ReportAllocs()
	for b.Loop() {
		e, err := estate.Load(root)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Run(e, Options{All: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Environments) != 200 {
			b.Fatalf("linted %d environments", len(r.Environments))
		}
	}
}

// BenchmarkLintRulesOnly is BenchmarkLintAll without estate.Load, to tell
// the rules' cost from the loading's.
func BenchmarkLintRulesOnly(b *testing.B) {
	root := b.TempDir()
	writeBenchEstate(b, root, 200, 20)
	e, err := estate.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(e, Options{All: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchEstateLintsClean keeps the benchmark honest: the generated
// estate is valid and lints clean, so the benchmark measures a full run
// rather than an early exit.
func TestBenchEstateLintsClean(t *testing.T) {
	root := t.TempDir()
	writeBenchEstate(t, root, 12, 6)
	e, err := estate.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := Run(e, Options{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		t.Errorf("unexpected finding %s at %s: %s", f.RuleID, f.Location, f.Message)
	}
}
