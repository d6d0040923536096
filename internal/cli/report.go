package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
)

// reportKind describes a command that runs one operation per environment
// and renders one report per environment (plan, apply, drift).
type reportKind[R any] struct {
	// phase is shown on the progress line while an environment runs.
	phase string
	// run performs the operation on one environment.
	run func(ctx context.Context, env *estate.Environment, obs envops.Observer) *R
	// skipped builds the report of an environment that never ran.
	skipped func(name, reason string) R
	// failure tells whether a report is a failure, and why.
	failure func(*R) (bool, string)
	// write renders the reports in the chosen format.
	write func(w io.Writer, format string, list []R) error
	// exit is the process exit code for the reports.
	exit func([]R) int
}

// runReports runs k over envs, in dependency order and in parallel, renders
// every environment's report (failed and skipped ones included) and returns
// the exit code as an error for Main.
func runReports[R any](a *app, cmd *cobra.Command, e *estate.Estate, envs []*estate.Environment, format string, k reportKind[R]) error {
	ctx := cmd.Context()
	reports := make([]*R, len(envs))
	results := a.runEnvironments(ctx, e, envs, k.phase, func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error {
		r := k.run(ctx, env, obs)
		reports[i] = r
		if failed, msg := k.failure(r); failed {
			return errors.New(msg)
		}
		return nil
	})
	list := make([]R, len(envs))
	for i, r := range results {
		if reports[i] != nil {
			list[i] = *reports[i]
			continue
		}
		reason := r.Err.Error()
		if errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded) {
			reason = "interrupted before it started"
		}
		list[i] = k.skipped(r.Name, reason)
	}
	if err := k.write(cmd.OutOrStdout(), format, list); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return exitCode(ExitInterrupted)
	}
	return exitCode(k.exit(list))
}

// writeJSON writes v as indented JSON, the one JSON style of every command.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
