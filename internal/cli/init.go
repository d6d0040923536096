package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/tf"
)

// resultRow is the per-environment outcome of commands that only succeed
// or fail (init, import); its JSON names are a public contract.
type resultRow struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Error  string `json:"error"`
}

func newInitCommand(a *app) *cobra.Command {
	var (
		all  bool
		opts tf.InitOptions
	)
	cmd := &cobra.Command{
		Use:   "init [ENV...|--all]",
		Short: "Initialize the selected environments (backend, modules, providers)",
		Long: `Run terraform init in each selected environment, in parallel.

` + envArgsHelp + `

--backend-config may be given several times; each value is a file or key=value,
and the string {env} in it is replaced by the environment's name, so one flag
serves every environment (--backend-config backends/{env}.hcl).

Exit codes: 0 every environment initialized, 1 any failed or was skipped.`,
		Example: `  infractl init --all
  infractl init prod --reconfigure --backend-config backends/{env}.hcl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, e, envs, svc, err := a.prepare(cmd, args, all, "table", "json")
			if err != nil {
				return err
			}
			results := a.runEnvironments(cmd.Context(), e, envs, "init", func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error {
				o := opts
				o.ForceCopy = o.MigrateState
				return svc.Init(ctx, env, o, obs)
			})
			rows := make([]resultRow, len(results))
			failed := false
			for i, r := range results {
				rows[i] = resultRow{Name: r.Name, Status: "ok"}
				if r.Err != nil {
					failed = true
					rows[i].Status, rows[i].Error = "error", r.Err.Error()
					if r.Skipped {
						rows[i].Status = "skipped"
					}
				}
			}
			if err := writeResults(cmd, format, rows); err != nil {
				return err
			}
			if cmd.Context().Err() != nil {
				return exitCode(ExitInterrupted)
			}
			if failed {
				return exitCode(ExitError)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "initialize every environment")
	f.BoolVar(&opts.Reconfigure, "reconfigure", false, "ignore any saved backend configuration")
	f.BoolVar(&opts.Upgrade, "upgrade", false, "upgrade modules and providers within their constraints")
	f.BoolVar(&opts.MigrateState, "migrate-state", false, "copy existing state to a changed backend (answers yes: input is disabled)")
	f.StringArrayVar(&opts.BackendConfig, "backend-config", nil, "backend configuration file or key=value; {env} is replaced by the environment name (repeatable)")
	return cmd
}

func writeResults(cmd *cobra.Command, format string, rows []resultRow) error {
	out := cmd.OutOrStdout()
	if format == "json" {
		return writeJSON(out, map[string]any{"environments": rows})
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENV\tSTATUS\tERROR")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, r.Status, plan.FirstLine(r.Error))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if strings.Contains(r.Error, "\n") {
			fmt.Fprintf(cmd.ErrOrStderr(), "\n%s:\n%s\n", r.Name, r.Error)
		}
	}
	return nil
}
