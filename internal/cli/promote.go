package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/promote"
)

// promoteResult is the JSON output of `promote`, a public contract: the
// change set, and with --plan the output of `plan TO -o json`.
type promoteResult struct {
	*promote.ChangeSet
	DryRun bool            `json:"dry_run"`
	Plan   json.RawMessage `json:"plan,omitempty"`
	// PlanError is set when --plan could not run at all.
	PlanError string `json:"plan_error,omitempty"`
}

func newPromoteCommand(a *app) *cobra.Command {
	var (
		opts            promote.Options
		runPlan, dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "promote FROM TO [--only VAR...] [--plan]",
		Short: "Copy what was tested in one environment (image tags, module versions) to the next",
		Long: `Copy from FROM to TO what is meant to move between environments:

  variables  those listed in infractl.hcl's promote block
             (promote { variables = ["bankchurn_image_tag"] }): FROM's value is
             written where TO's value is set (terraform.tfvars unless an
             *.auto.tfvars sets it).
  modules    the git ref (?ref=) or registry version of every module call both
             environments make from the same source. Local modules (../../modules)
             are shared code and move with the commit.

The change is shown as a diff (before/after per variable and module argument) and
written into TO's files, changing only those values. --only limits it to some
variables or module calls (NAME or module.NAME); --dry-run shows it without writing;
--plan runs 'infractl plan TO' afterwards (and exits as plan does).

Promotion starts from what runs in FROM, so it is refused when FROM has no apply
recorded by infractl (.infractl/envs/FROM/last-apply.json), when that apply failed,
or when FROM's configuration changed after it.`,
		Example: `  infractl promote staging prod
  infractl promote dev staging --only bankchurn_image_tag --plan
  infractl promote dev staging --dry-run -o json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "json")
			if err != nil {
				return err
			}
			if runPlan && dryRun {
				return errors.New("--plan and --dry-run do not go together: a dry run changes nothing to plan")
			}
			e, err := a.loadEstate()
			if err != nil {
				return err
			}
			from, err := e.Env(args[0])
			if err != nil {
				return err
			}
			to, err := e.Env(args[1])
			if err != nil {
				return err
			}
			rec, err := promote.Check(&envops.Service{Root: e.Root}, from)
			if err != nil {
				return err
			}
			cs, err := promote.Diff(e, from, to, opts)
			if err != nil {
				return err
			}
			cs.FromApply = rec
			if !dryRun && len(cs.Changes) > 0 {
				a.estate = nil // the estate on disk changes
				if err := promote.Write(e, cs); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			if format != "json" {
				if err := cs.WriteText(out, dryRun); err != nil {
					return err
				}
				if !runPlan {
					return nil
				}
				fmt.Fprintln(out)
				return a.runPlanCommand(cmd, to.Name, out)
			}
			res := promoteResult{ChangeSet: cs, DryRun: dryRun}
			var planErr error
			if runPlan {
				var buf bytes.Buffer
				planErr = a.runPlanCommand(cmd, to.Name, &buf)
				if plan := bytes.TrimSpace(buf.Bytes()); json.Valid(plan) {
					res.Plan = plan
				}
				var ee *exitError
				if planErr != nil && !errors.As(planErr, &ee) {
					// The promotion was written; say so with the failure.
					res.PlanError = planErr.Error()
					planErr = exitCode(ExitError)
				}
			}
			if err := writeJSON(out, res); err != nil {
				return err
			}
			return planErr
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Only, "only", nil, "promote only these variables or module calls (NAME or module.NAME; repeatable)")
	f.BoolVar(&runPlan, "plan", false, "run 'infractl plan TO' after writing")
	f.BoolVar(&dryRun, "dry-run", false, "show the change without writing it")
	return cmd
}

// runPlanCommand runs `infractl plan env` as the plan command does, with
// its default flags, writing its report to w; the error carries plan's
// exit code.
func (a *app) runPlanCommand(parent *cobra.Command, env string, w io.Writer) error {
	pc := newPlanCommand(a)
	pc.SetContext(parent.Context())
	pc.SetOut(w)
	pc.SetErr(parent.ErrOrStderr())
	pc.SetIn(parent.InOrStdin())
	return pc.RunE(pc, []string{env})
}
