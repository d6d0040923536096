package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
)

func newDriftCommand(a *app) *cobra.Command {
	var all bool
	var opts envops.DriftOptions
	cmd := &cobra.Command{
		Use:   "drift [ENV...|--all]",
		Short: "Find resources changed outside Terraform",
		Long: `Run a refresh-only plan (terraform plan -refresh-only) in each selected
environment and report every resource whose real object no longer matches the
state, with its action (update, delete, move). With --detail, also list the
attribute paths that differ (values are never shown: they may be secrets).
State is not changed.

` + envArgsHelp + `

Exit codes: 0 no drift, 2 drift found and no environment failed, 1 any
environment failed or was skipped.`,
		Example: `  infractl drift --all
  infractl drift prod --detail -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "json", "markdown")
			if err != nil {
				return err
			}
			e, envs, err := a.selectEnvs(args, all)
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			reports := make([]*plan.DriftReport, len(envs))
			results := a.runEnvironments(cmd.Context(), e, envs, "refreshing", func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error {
				r := svc.Drift(ctx, env, opts, obs)
				reports[i] = r
				if r.Status.Failed() {
					return statusError{r.Error}
				}
				return nil
			})
			list := make([]plan.DriftReport, len(envs))
			for i, r := range results {
				if reports[i] != nil {
					list[i] = *reports[i]
					continue
				}
				list[i] = plan.DriftReport{Name: r.Name}
				list[i].Skip(r.Err.Error())
			}
			if err := writeDrift(cmd.OutOrStdout(), format, list, opts.Detail); err != nil {
				return err
			}
			return exitCode(plan.DriftExitCode(list))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "check every environment, in dependency order")
	f.BoolVar(&opts.Detail, "detail", false, "list the attribute paths that differ")
	return cmd
}

func writeDrift(w io.Writer, format string, list []plan.DriftReport, detail bool) error {
	switch format {
	case "json":
		return plan.WriteDriftJSON(w, list)
	case "markdown":
		return plan.WriteDriftMarkdown(w, list)
	}
	return plan.WriteDriftTable(w, list, plan.TableOptions{Detail: detail, Color: colorEnabled(w)})
}
