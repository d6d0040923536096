package cli

import (
	"context"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/orchestrate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/progress"
	"github.com/infractl/infractl/internal/tf/ui"
)

// envTask runs one environment (envs[i]) and reports whether it failed, so
// the scheduler can hold back its dependants. Tasks run concurrently; each
// may write only its own slot i of shared result slices.
type envTask func(ctx context.Context, i int, env *estate.Environment, obs envops.Observer) error

// runEnvironments schedules task over envs: dependencies first (as declared
// in infractl.hcl), independent environments in parallel, live progress on
// stderr. It returns the scheduler's results in the order of envs; a
// skipped environment has Skipped set and an error saying why.
func (a *app) runEnvironments(ctx context.Context, e *estate.Estate, envs []*estate.Environment, phase string, task envTask) []orchestrate.Result {
	deps := e.Dependencies(envs)
	nodes := make([]orchestrate.Node, len(envs))
	index := make(map[string]int, len(envs))
	for i, env := range envs {
		nodes[i] = orchestrate.Node{Name: env.Name, DependsOn: deps[env.Name]}
		index[env.Name] = i
	}
	rep := a.progressFor(envs)
	defer rep.Close()
	return orchestrate.Run(ctx, nodes, a.parallelismFor(len(envs)), func(ctx context.Context, name string) error {
		rep.Phase(name, phase)
		i := index[name]
		err := task(ctx, i, envs[i], progressObserver(rep, name, phase))
		outcome := "done"
		if err != nil {
			outcome = "failed: " + plan.FirstLine(err.Error())
		}
		rep.Done(name, outcome, err != nil)
		return err
	})
}

// progressObserver turns UI messages into progress events for one
// environment. It runs on that environment's goroutine only.
// Phases only move forward on the progress line: an apply stream repeats
// the planned changes first, which must not read as going back to planning.
func progressObserver(rep progress.Reporter, env, initial string) envops.Observer {
	rank := map[plan.Phase]int{plan.PhaseRefreshing: 1, plan.PhasePlanning: 2, plan.PhaseApplying: 3}
	var p plan.Progress
	shown := rank[plan.Phase(initial)]
	return func(m *ui.Message) {
		p.Observe(m)
		switch p.Phase {
		case plan.PhaseApplying:
			rep.Count(env, p.Done, p.Steps)
		case plan.PhaseRefreshing:
			rep.Count(env, p.Refreshed, 0)
		case plan.PhasePlanning:
			rep.Count(env, p.Planned, 0)
		}
		if r := rank[p.Phase]; r > shown {
			shown = r
			rep.Phase(env, string(p.Phase))
		}
	}
}
