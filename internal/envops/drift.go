package envops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/tf"
)

// driftPlanName is the refresh-only plan drift saves to read attribute
// details from; it is removed when drift finishes.
const driftPlanName = ".infractl.drift.tfplan"

// DriftOptions are the per-run choices of a drift check.
type DriftOptions struct {
	// Detail reads the refresh-only plan back (show -json) to list the
	// attributes that differ for each drifted resource.
	Detail bool
}

// Drift runs `terraform plan -refresh-only -json` on env and reports every
// resource whose real object differs from the state. The refresh-only plan
// is never applied: state is not changed.
func (s *Service) Drift(ctx context.Context, env *estate.Environment, opts DriftOptions, obs Observer) *plan.DriftReport {
	rep := &plan.DriftReport{Name: env.Name}
	if env.Err != nil {
		rep.Finish(env.Err)
		return rep
	}
	if err := s.ensureInit(ctx, env, obs); err != nil {
		rep.Finish(err)
		return rep
	}
	planOpts := tf.PlanOptions{RefreshOnly: true}
	if opts.Detail {
		planOpts.Out = driftPlanName
		path := filepath.Join(env.Dir, driftPlanName)
		if err := createPrivate(path); err != nil {
			rep.Finish(fmt.Errorf("preparing the plan file: %w", err))
			return rep
		}
		defer os.Remove(path)
	}
	cmd := s.Binary.Command(env.Dir, planOpts)
	cmd.EnvName = env.Name
	_, runErr := s.Runner.Stream(ctx, cmd, observe(rep.Observe, obs))
	if runErr == nil && opts.Detail {
		p, err := s.showPlan(ctx, env, driftPlanName)
		if err != nil {
			runErr = err
		} else {
			rep.AttachPlan(p)
		}
	}
	rep.Finish(runErr)
	return rep
}

// showPlan reads a saved plan as JSON. The output holds planned values,
// secrets included, so it never reaches a log.
func (s *Service) showPlan(ctx context.Context, env *estate.Environment, planFile string) (*tfjson.Plan, error) {
	cmd := s.Binary.Command(env.Dir, tf.ShowOptions{PlanFile: planFile})
	cmd.EnvName = env.Name
	out, err := s.Runner.Output(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("reading plan of %s: %w", env.Name, err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(out, &p); err != nil {
		return nil, fmt.Errorf("decoding plan of %s: %w", env.Name, err)
	}
	return &p, nil
}
