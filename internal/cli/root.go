package cli

import (
	"github.com/spf13/cobra"
)

// Version is infractl's version, set at build time with
// -ldflags "-X github.com/infractl/infractl/internal/cli.Version=v1.2.3".
var Version = "dev"

func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "infractl",
		Short: "Run Terraform across every environment of an estate, safely and in parallel",
		Long: `infractl makes multi-environment Terraform/OpenTofu estates safe, visible and fast.

An estate is a directory whose environments/ subdirectories (dev, staging, prod, ...)
are Terraform root modules, each with its own state. An optional infractl.hcl at the
estate root declares their order, dependencies and which ones are protected.

Exit codes: 0 success (no changes), 1 error, 2 success with changes (plan, drift).`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&a.chdir, "chdir", "C", ".", "estate root directory")
	pf.StringVar(&a.tfBinary, "tf-binary", "", "terraform or tofu binary (name or path; default: $INFRACTL_TF_BINARY, infractl.hcl, terraform, tofu)")
	pf.IntVarP(&a.parallelism, "parallelism", "p", 0, "environments run at once (default: number of environments, at most 8)")
	pf.StringVarP(&a.output, "output", "o", "", "output format: table, json or markdown (commands list what they support)")

	root.AddGroup(
		&cobra.Group{ID: "run", Title: "Run Terraform across environments:"},
		&cobra.Group{ID: "state", Title: "State:"},
		&cobra.Group{ID: "estate", Title: "The estate as code:"},
	)
	for _, c := range []*cobra.Command{
		newDemoCommand(a), newInitCommand(a), newPlanCommand(a), newApplyCommand(a), newDriftCommand(a), newImportCommand(a),
	} {
		c.GroupID = "run"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newStateCommand(a), addBackendConfigFlag(newLocksCommand(a), a), addBackendConfigFlag(newUnlockCommand(a), a), newServerCommand(a), newBootstrapCommand(a)} {
		c.GroupID = "state"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newEnvsCommand(a), newEnvCommand(a), newLintCommand(a), newCICommand(a), newPromoteCommand(a)} {
		c.GroupID = "estate"
		root.AddCommand(c)
	}
	return root
}

// envArgs is the shared positional-argument help for commands that take
// ENV... or --all.
const envArgsHelp = `Select environments by name (ENV...) or with --all. With --all, an environment
starts only after the environments it depends_on (infractl.hcl) succeeded;
independent environments run in parallel (--parallelism).`
