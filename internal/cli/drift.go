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
environment failed or was skipped, 130 interrupted.`,
		Example: `  infractl drift --all
  infractl drift prod --detail -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, e, envs, svc, err := a.prepare(cmd, args, all, "table", "json", "markdown")
			if err != nil {
				return err
			}
			return runReports(a, cmd, e, envs, format, reportKind[plan.DriftReport]{
				phase: "refreshing",
				run: func(ctx context.Context, env *estate.Environment, obs envops.Observer) *plan.DriftReport {
					return svc.Drift(ctx, env, opts, obs)
				},
				skipped: func(name, reason string) plan.DriftReport {
					r := plan.DriftReport{Name: name}
					r.Skip(reason)
					return r
				},
				failure: func(r *plan.DriftReport) (bool, string) { return r.Status.Failed(), r.Error },
				write: func(w io.Writer, format string, list []plan.DriftReport) error {
					switch format {
					case "json":
						return plan.WriteDriftJSON(w, list)
					case "markdown":
						return plan.WriteDriftMarkdown(w, list)
					}
					return plan.WriteDriftTable(w, list, plan.TableOptions{Detail: opts.Detail, Color: colorEnabled(w)})
				},
				exit: plan.DriftExitCode,
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "check every environment, in dependency order")
	f.BoolVar(&opts.Detail, "detail", false, "list the attribute paths that differ")
	return cmd
}
