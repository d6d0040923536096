package tf

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestArgs(t *testing.T) {
	modern := Features{InitJSON: true}
	old := Features{}
	tests := []struct {
		name string
		opts Options
		f    Features
		want string
	}{
		// init
		{"init", InitOptions{}, modern, "init -input=false -no-color -json"},
		{"init before 1.9 has no -json", InitOptions{}, old, "init -input=false -no-color"},
		{"init everything", InitOptions{
			Reconfigure: true, Upgrade: true,
			BackendConfig: []string{"backend.hcl", "key=dev/terraform.tfstate"},
			Backend:       ptr(true), Lock: ptr(false), LockTimeout: 90 * time.Second,
		}, modern, "init -input=false -no-color -json -reconfigure -upgrade -backend=true -backend-config=backend.hcl -backend-config=key=dev/terraform.tfstate -lock=false -lock-timeout=1m30s"},
		{"init without backend", InitOptions{Backend: ptr(false)}, modern, "init -input=false -no-color -json -backend=false"},
		{"init migrate-state cannot be -json", InitOptions{MigrateState: true, ForceCopy: true}, modern, "init -input=false -no-color -migrate-state -force-copy"},

		// plan
		{"plan", PlanOptions{}, modern, "plan -input=false -no-color -json"},
		{"plan saved", PlanOptions{Out: "dev.tfplan"}, modern, "plan -input=false -no-color -json -out=dev.tfplan"},
		{"plan destroy", PlanOptions{Destroy: true}, modern, "plan -input=false -no-color -json -destroy"},
		{"plan refresh-only", PlanOptions{RefreshOnly: true, Out: "drift.tfplan"}, modern, "plan -input=false -no-color -json -out=drift.tfplan -refresh-only"},
		{"plan no refresh", PlanOptions{Refresh: ptr(false)}, modern, "plan -input=false -no-color -json -refresh=false"},
		{"plan everything", PlanOptions{
			Out: "p", Replace: []string{"a.b", `c.d["k"]`}, Targets: []string{"module.x"},
			VarFiles: []string{"dev.tfvars"}, Vars: []Var{{"region", "eu-west-1"}, {"tags", `{a="b c"}`}},
			Lock: ptr(true), LockTimeout: 3 * time.Second, Parallelism: 4,
		}, modern, `plan -input=false -no-color -json -out=p -replace=a.b -replace=c.d["k"] -target=module.x -var-file=dev.tfvars -var=region=eu-west-1 -var=tags={a="b c"} -lock=true -lock-timeout=3s -parallelism=4`},
		{"plan ignores zero lock timeout", PlanOptions{LockTimeout: 0, Parallelism: 0}, modern, "plan -input=false -no-color -json"},

		// apply
		{"apply saved plan", ApplyOptions{PlanFile: "dev.tfplan"}, modern, "apply -input=false -no-color -json dev.tfplan"},
		{"apply saved plan with lock timeout", ApplyOptions{PlanFile: "dev.tfplan", LockTimeout: time.Minute}, modern, "apply -input=false -no-color -json -lock-timeout=1m0s dev.tfplan"},
		{"apply without plan approves", ApplyOptions{Vars: []Var{{"n", "1"}}}, modern, "apply -input=false -no-color -json -auto-approve -var=n=1"},
		{"apply destroy", ApplyOptions{Destroy: true, Targets: []string{"a.b"}, Parallelism: 2}, modern, "apply -input=false -no-color -json -auto-approve -destroy -target=a.b -parallelism=2"},

		// data commands: no -input, never streamed
		{"show plan", ShowOptions{PlanFile: "dev.tfplan"}, modern, "show -json -no-color dev.tfplan"},
		{"show state", ShowOptions{}, modern, "show -json -no-color"},
		{"state pull", StatePullOptions{}, modern, "state pull -no-color"},
		{"state push", StatePushOptions{File: "s.tfstate"}, modern, "state push -no-color s.tfstate"},
		{"state push forced from stdin", StatePushOptions{File: "-", Force: true, Lock: ptr(false)}, modern, "state push -no-color -force -lock=false -"},
		{"validate", ValidateOptions{}, modern, "validate -no-color -json"},
		{"fmt", FmtOptions{}, modern, "fmt -no-color"},
		{"fmt check", FmtOptions{Check: true, Recursive: true, Paths: []string{"modules", "main.tf"}}, modern, "fmt -no-color -check -recursive modules main.tf"},
		{"version", VersionOptions{}, modern, "version -json"},

		// state-changing commands without -json
		{"import", ImportOptions{Address: `aws_s3_bucket.b["logs"]`, ID: "my-bucket"}, modern, `import -input=false -no-color aws_s3_bucket.b["logs"] my-bucket`},
		{"import with vars", ImportOptions{Address: "a.b", ID: "i-1", VarFiles: []string{"x.tfvars"}, LockTimeout: 5 * time.Second}, modern, "import -input=false -no-color -var-file=x.tfvars -lock-timeout=5s a.b i-1"},
		{"force-unlock", ForceUnlockOptions{ID: "3ca4a2d3-5e41-5af7-9114-ac69ae7162a5"}, modern, "force-unlock -no-color -force 3ca4a2d3-5e41-5af7-9114-ac69ae7162a5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.Args(tt.f)
			if strings.Join(got, " ") != tt.want {
				t.Errorf("Args() =\n  %s\nwant\n  %s", strings.Join(got, " "), tt.want)
			}
		})
	}
}

// TestArgsInputFlag pins which subcommands get -input=false: Terraform
// exits 1 on a flag a subcommand does not define.
func TestArgsInputFlag(t *testing.T) {
	accepts := map[string]bool{"init": true, "plan": true, "apply": true, "import": true}
	for _, o := range []Options{
		InitOptions{}, PlanOptions{}, ApplyOptions{}, ImportOptions{}, ShowOptions{}, StatePullOptions{},
		StatePushOptions{}, ValidateOptions{}, FmtOptions{}, ForceUnlockOptions{}, VersionOptions{},
	} {
		args := o.Args(Features{InitJSON: true})
		has := slices.Contains(args, "-input=false")
		if has != accepts[args[0]] {
			t.Errorf("%s: -input=false present = %v, want %v", strings.Join(args, " "), has, accepts[args[0]])
		}
	}
}

// TestArgsArePure checks Args does not alias or modify its options.
func TestArgsArePure(t *testing.T) {
	o := PlanOptions{Targets: []string{"a"}, Vars: []Var{{"x", "1"}}}
	first := o.Args(Features{})
	first[len(first)-1] = "mutated"
	if got := o.Args(Features{}); got[len(got)-1] != "-var=x=1" || o.Targets[0] != "a" {
		t.Errorf("Args shares state between calls: %v", got)
	}
}
