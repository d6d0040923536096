package envdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
)

// writeBenchEstate generates envs environments with modules module calls
// each, a backend, pinned providers, variables with tfvars (scalars, a list
// and a map of objects), resources and data sources.
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
	var cfg strings.Builder
	for i := range envs {
		name := fmt.Sprintf("env%03d", i)
		fmt.Fprintf(&cfg, "environment %q {}\n", name)
		var main strings.Builder
		fmt.Fprintf(&main, "terraform {\n  required_version = \">= 1.11\"\n\n  backend \"s3\" {\n    bucket       = \"acme-tfstate\"\n    key          = \"%s/terraform.tfstate\"\n    region       = \"eu-west-1\"\n    encrypt      = true\n    use_lockfile = true\n  }\n\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 6.%d\"\n    }\n  }\n}\n", name, i%3)
		for m := range modules {
			fmt.Fprintf(&main, "\nmodule \"m%02d\" {\n  source  = \"acme/component%02d/aws\"\n  version = \"1.%d.%d\"\n  name    = \"%s-m%02d\"\n}\n", m, m, m, i%2, name, m)
		}
		fmt.Fprintf(&main, "\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = %q\n}\n\nresource \"aws_s3_bucket\" \"extra%d\" {\n  bucket = \"x\"\n}\n\ndata \"aws_caller_identity\" \"current\" {}\n", name+"-logs", i%4)
		write(filepath.Join("environments", name, "main.tf"), main.String())
		write(filepath.Join("environments", name, "variables.tf"), `variable "region" {
  type = string
}

variable "replicas" {
  type    = number
  default = 1
}

variable "zones" {
  type = list(string)
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "models" {
  type = map(object({ image = string, replicas = number, cpu = string }))
}
`)
		write(filepath.Join("environments", name, "terraform.tfvars"), fmt.Sprintf(`region      = "eu-west-1"
replicas    = %d
zones       = ["eu-west-1a", "eu-west-1b"]
db_password = "pw-%d"
models = {
  api    = { image = "api:1.%d.0", replicas = %d, cpu = "500m" }
  worker = { image = "worker:2.0.%d", replicas = 1, cpu = "1" }
}
`, i%5+1, i, i%7, i%3+1, i%2))
	}
	write(estate.ConfigFileName, cfg.String())
}

// BenchmarkEnvDiff is `infractl env diff` on an estate of 200 environments
// x 20 module calls: loading the estate, comparing two environments and
// rendering the markdown document. The budget is 2 s; results are
// in docs/benchmarks.md.
func BenchmarkEnvDiff(b *testing.B) {
	root := b.TempDir()
	writeBenchEstate(b, root, 200, 20)
	b.ReportAllocs()
	for b.Loop() {
		e, err := estate.Load(root)
		if err != nil {
			b.Fatal(err)
		}
		a, _ := e.Env("env000")
		z, _ := e.Env("env199")
		d := Compare(a, z)
		if d.Differences() == 0 {
			b.Fatal("no differences")
		}
		if err := WriteMarkdown(&strings.Builder{}, d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompareAllPairs compares every environment with the next one
// (199 comparisons) on the loaded estate, to show the comparison itself is
// cheap next to loading.
func BenchmarkCompareAllPairs(b *testing.B) {
	root := b.TempDir()
	writeBenchEstate(b, root, 200, 20)
	e, err := estate.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := 1; i < len(e.Environments); i++ {
			Compare(e.Environments[i-1], e.Environments[i])
		}
	}
}
