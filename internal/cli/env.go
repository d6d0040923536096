package cli

import "github.com/spf13/cobra"

// newEnvCommand is the parent of the commands that work on one
// environment's configuration as a whole: env diff (envdiff.go) and env new
// (envnew.go).
func newEnvCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Compare environments and create new ones from existing ones",
		Long: `Work on environments as configuration: compare two of them by meaning
(env diff), or create one from another (env new).`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newEnvDiffCommand(a), newEnvNewCommand(a))
	return cmd
}
