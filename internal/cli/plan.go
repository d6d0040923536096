package cli

import (
	"context"
	"io"
	"time"

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
1 any environment failed or was skipped.

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
			sums := make([]*plan.Summary, len(envs))
			results := a.runEnvironments(cmd.Context(), e, envs, "planning", func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error {
				s := svc.Plan(ctx, env, opts, obs)
				sums[i] = s
				if s.Status.Failed() {
					return statusError{s.Error}
				}
				return nil
			})
			list := make([]plan.Summary, len(envs))
			for i, r := range results {
				if s := sums[i]; s != nil {
					list[i] = *s
					continue
				}
				list[i] = plan.Summary{Name: r.Name}
				list[i].Skip(r.Err.Error())
			}
			if err := a.writePlan(cmd.OutOrStdout(), format, list, detail); err != nil {
				return err
			}
			return exitCode(plan.PlanExitCode(list))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "plan every environment, in dependency order")
	f.BoolVar(&detail, "detail", false, "list each resource address with its action and reason")
	f.BoolVar(&opts.Destroy, "destroy", false, "plan to destroy every resource")
	f.StringSliceVar(&opts.Replace, "replace", nil, "force replacement of this resource address (repeatable)")
	f.StringSliceVar(&opts.Targets, "target", nil, "limit planning to this resource address (repeatable)")
	f.DurationVar(&opts.LockTimeout, "lock-timeout", 0*time.Second, "wait this long for a held state lock")
	return cmd
}

func (a *app) writePlan(w io.Writer, format string, list []plan.Summary, detail bool) error {
	switch format {
	case "json":
		return plan.WritePlanJSON(w, list)
	case "markdown":
		return plan.WritePlanMarkdown(w, list)
	}
	return plan.WritePlanTable(w, list, plan.TableOptions{Detail: detail, Color: colorEnabled(w)})
}
