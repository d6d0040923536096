package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envdiff"
)

func newEnvDiffCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "diff A B",
		Short: "Show how environment B differs from environment A, setting by setting",
		Long: `Compare two environments by meaning, not by text, reading only their HCL:

  - variables: the value terraform would use (terraform.tfvars and *.auto.tfvars
    over defaults), maps and objects compared key by key; sensitive variables
    show (sensitive) and only whether they differ
  - module calls: source and version
  - backend: type and every argument; the state key (or prefix, path, address)
    differs by design and is shown as such, and flagged when it does not differ
  - terraform required_version and required_providers constraints
  - resources and data sources declared in only one of them

Only differing settings are listed, with a count of the identical ones.
-o markdown writes the document "how B differs from A" (e.g. for a pull request
or docs/: infractl env diff prod staging -o markdown > docs/staging-vs-prod.md).`,
		Example: "  infractl env diff prod staging\n  infractl env diff prod staging -o markdown\n  infractl env diff dev prod -o json",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("text", "markdown", "json", "table")
			if err != nil {
				return err
			}
			e, err := a.loadEstate()
			if err != nil {
				return err
			}
			envA, err := e.Env(args[0])
			if err != nil {
				return err
			}
			envB, err := e.Env(args[1])
			if err != nil {
				return err
			}
			for _, env := range []string{args[0], args[1]} {
				if got, _ := e.Env(env); got.Err != nil {
					return fmt.Errorf("environment %s cannot be read, so it cannot be compared: %w", env, got.Err)
				}
			}
			d := envdiff.Compare(envA, envB)
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				return envdiff.WriteJSON(out, d)
			case "markdown":
				return envdiff.WriteMarkdown(out, d)
			}
			return envdiff.WriteText(out, d)
		},
	}
}
