package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
)

func newPlanCommand(a *app) *cobra.Command {
	var (
		all, detail bool
		opts        envops.PlanOptions
	)
	cmd := &cobra.Command{
		Use:   "plan [ENV...|--all]",
		Short: "Plan every selected environment in parallel and report exactly what will change",
		Long: `Run terraform plan in each selected environment, save the plan to
<env>/.infractl.tfplan for a later 'infractl apply', and report per environment
how many resources will be added, changed, destroyed, replaced, imported, moved,
forgotten and read, plus drift found while refreshing. Replacements have their own
column; they are not folded into add and destroy.

` + envArgsHelp + `

One failing environment never stops or hides the others.

Exit codes: 0 no environment has changes, 2 some have changes and none failed,
1 any environment failed or was skipped, 130 interrupted.

JSON output (--output json), a stable contract:
  {"environments":[{"name":"dev","status":"changes","add":1,"change":0,
    "destroy":0,"replace":1,"import":0,"move":0,"forget":0,"read":0,"drift":0,
    "terraform_summary":{...},"resources":[{"address":"...","action":"replace",
    "reason":"cannot_update"}],"error":""}],"exit_code":2}
status is one of no-changes, changes, error, skipped.`,
		Example: `  infractl plan dev
  infractl plan --all --detail
  infractl plan --all -o markdown >> "$GITHUB_STEP_SUMMARY"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, e, envs, svc, err := a.prepare(cmd, args, all, "table", "json", "markdown")
			if err != nil {
				return err
			}
			return runReports(a, cmd, e, envs, format, reportKind[plan.Summary]{
				phase: "planning",
				run: func(ctx context.Context, env *estate.Environment, obs envops.Observer) *plan.Summary {
					return svc.Plan(ctx, env, opts, obs)
				},
				skipped: func(name, reason string) plan.Summary {
					s := plan.Summary{Name: name}
					s.Skip(reason)
					return s
				},
				failure: func(s *plan.Summary) (bool, string) { return s.Status.Failed(), s.Error },
				write: func(w io.Writer, format string, list []plan.Summary) error {
					switch format {
					case "json":
						return plan.WritePlanJSON(w, list)
					case "markdown":
						return plan.WritePlanMarkdown(w, list)
					}
					return plan.WritePlanTable(w, list, plan.TableOptions{Detail: detail, Color: colorEnabled(w)})
				},
				exit: plan.PlanExitCode,
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "plan every environment, in dependency order")
	f.BoolVar(&detail, "detail", false, "list each resource address with its action and reason")
	f.BoolVar(&opts.Destroy, "destroy", false, "plan to destroy every resource")
	f.StringSliceVar(&opts.Replace, "replace", nil, "force replacement of this resource address (repeatable)")
	f.StringSliceVar(&opts.Targets, "target", nil, "limit planning to this resource address (repeatable)")
	f.DurationVar(&opts.LockTimeout, "lock-timeout", 0, "wait this long for a held state lock")
	return cmd
}
