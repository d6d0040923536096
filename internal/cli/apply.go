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
	var all, autoApprove bool
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

On failure the report lists the resources that completed before the error and
those that failed. Exit codes: 0 every environment applied (or had nothing to
apply), 1 any environment failed, was refused or skipped.`,
		Example: `  infractl plan --all && infractl apply --all
  infractl apply prod --auto-approve   # in CI, after review`,
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
			refusals, err := a.confirmProtected(envs, autoApprove)
			if err != nil {
				return err
			}
			reports := make([]*plan.ApplyReport, len(envs))
			results := a.runEnvironments(cmd.Context(), e, envs, "applying", func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error {
				r := svc.Apply(ctx, env, envops.ApplyOptions{Refusal: refusals[env.Name]}, obs)
				reports[i] = r
				if r.Status.Failed() {
					return statusError{r.Error}
				}
				return nil
			})
			list := make([]plan.ApplyReport, len(envs))
			for i, r := range results {
				if reports[i] != nil {
					list[i] = *reports[i]
					continue
				}
				list[i] = plan.ApplyReport{Name: r.Name}
				list[i].Skip(r.Err.Error())
			}
			if err := writeApply(cmd.OutOrStdout(), format, list); err != nil {
				return err
			}
			return exitCode(plan.ApplyExitCode(list))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&all, "all", false, "apply every environment, in dependency order")
	f.BoolVar(&autoApprove, "auto-approve", false, "apply protected environments without asking")
	return cmd
}

// confirmProtected asks, before anything runs, for each protected
// environment that has a valid saved plan with changes. It returns the
// refusal reason per environment name; an environment without a usable plan
// is left to Apply, which explains that itself.
func (a *app) confirmProtected(envs []*estate.Environment, autoApprove bool) (map[string]string, error) {
	refusals := map[string]string{}
	if autoApprove {
		return refusals, nil
	}
	interactive := isTerminal(a.stdio.In) && isTerminal(a.stdio.Err)
	in := bufio.NewReader(a.stdio.In)
	for _, env := range envs {
		if !env.Protected || env.Err != nil {
			continue
		}
		meta, err := envops.SavedPlan(env)
		if err != nil || meta.Summary == nil || !meta.Summary.HasChanges() {
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

func writeApply(w io.Writer, format string, list []plan.ApplyReport) error {
	switch format {
	case "json":
		return plan.WriteApplyJSON(w, list)
	case "markdown":
		return plan.WriteApplyMarkdown(w, list)
	}
	return plan.WriteApplyTable(w, list, plan.TableOptions{Color: colorEnabled(w)})
}
