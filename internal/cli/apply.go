package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
)

func newApplyCommand(a *app) *cobra.Command {
	var all, autoApprove, detail bool
	cmd := &cobra.Command{
		Use:   "apply [ENV...|--all]",
		Short: "Apply the plans saved by the last 'infractl plan'",
		Long: `Apply each selected environment's saved plan (<env>/.infractl.tfplan): what
was reviewed is exactly what runs. An environment is refused, and the others still
run, when it has no saved plan or when its configuration (.tf, .tfvars, local
modules) changed since the plan was made.

Environments marked protected in infractl.hcl ask for confirmation on a terminal;
without a terminal they are refused unless --auto-approve is given.

` + envArgsHelp + `

For an environment that fails, the report lists the resources that completed
before the error and those that failed. Exit codes: 0 every environment applied
(or had nothing to apply), 1 any environment failed, was refused or skipped,
130 interrupted.`,
		Example: `  infractl plan --all && infractl apply --all
  infractl apply prod --auto-approve   # in CI, after review`,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, e, envs, svc, err := a.prepare(cmd, args, all, "table", "json", "markdown")
			if err != nil {
				return err
			}
			refusals, err := a.confirmProtected(envs, autoApprove)
			if err != nil {
				return err
			}
			return runReports(a, cmd, e, envs, format, reportKind[plan.ApplyReport]{
				phase: "applying",
				run: func(ctx context.Context, env *estate.Environment, obs envops.Observer) *plan.ApplyReport {
					return svc.Apply(ctx, env, envops.ApplyOptions{Refusal: refusals[env.Name]}, obs)
				},
				skipped: func(name, reason string) plan.ApplyReport {
					r := plan.ApplyReport{Name: name}
					r.Skip(reason)
					return r
				},
				failure: func(r *plan.ApplyReport) (bool, string) { return r.Status.Failed(), r.Error },
				write: func(w io.Writer, format string, list []plan.ApplyReport) error {
					switch format {
					case "json":
						return plan.WriteApplyJSON(w, list)
					case "markdown":
						return plan.WriteApplyMarkdown(w, list)
					}
					return plan.WriteApplyTable(w, list, plan.TableOptions{Detail: detail, Color: colorEnabled(w)})
				},
				exit: plan.ApplyExitCode,
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "apply every environment, in dependency order")
	f.BoolVar(&autoApprove, "auto-approve", false, "apply protected environments without asking")
	f.BoolVar(&detail, "detail", false, "list every resource each environment applied")
	return cmd
}

// confirmProtected asks, before anything runs, for each environment whose
// saved plan needs approval (envops.NeedsApproval). It returns the refusal
// reason per environment name. Without a terminal nothing can be asked, so
// such environments are refused unless --auto-approve was given.
func (a *app) confirmProtected(envs []*estate.Environment, autoApprove bool) (map[string]string, error) {
	refusals := map[string]string{}
	if autoApprove {
		return refusals, nil
	}
	interactive := isTerminal(a.stdio.In) && isTerminal(a.stdio.Err)
	in := bufio.NewReader(a.stdio.In)
	for _, env := range envs {
		meta, needed := envops.NeedsApproval(env)
		if !needed {
			continue
		}
		if !interactive {
			refusals[env.Name] = fmt.Sprintf("%s is protected: confirm on a terminal, or pass --auto-approve", env.Name)
			continue
		}
		ok, err := confirm(in, a.stdio.Err, env.Name, meta.Summary)
		if err != nil {
			return nil, err
		}
		if !ok {
			refusals[env.Name] = fmt.Sprintf("%s is protected and the apply was not confirmed", env.Name)
		}
	}
	return refusals, nil
}

// confirm shows a protected environment's saved plan and reads the answer;
// only "yes" approves.
func confirm(in *bufio.Reader, out io.Writer, name string, s *plan.Summary) (bool, error) {
	fmt.Fprintf(out, "\n%s is protected. Its saved plan: %d to add, %d to change, %d to destroy, %d to replace, %d to import, %d to move, %d to forget.\n",
		name, s.Add, s.Change, s.Destroy, s.Replace, s.Import, s.Move, s.Forget)
	fmt.Fprintf(out, "Apply it? Only 'yes' is accepted: ")
	line, err := in.ReadString('\n')
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("reading confirmation: %w", err)
	}
	return strings.TrimSpace(line) == "yes", nil
}
