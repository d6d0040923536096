package envops

import (
	"context"
	"fmt"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/tf"
)

// ApplyRecord is what infractl remembers about an environment's last
// apply, so later commands (promote) can refuse to move changes out of an
// environment whose last apply failed or predates its configuration.
type ApplyRecord struct {
	Environment string    `json:"environment"`
	Status      string    `json:"status"`
	ConfigHash  string    `json:"config_hash"`
	AppliedAt   time.Time `json:"applied_at"`
	Added       int       `json:"added"`
	Changed     int       `json:"changed"`
	Destroyed   int       `json:"destroyed"`
	Imported    int       `json:"imported"`
	Error       string    `json:"error,omitempty"`
}

// ApplyOptions are the per-run choices of an apply.
type ApplyOptions struct {
	// Refusal, when not empty, refuses the apply with this reason before
	// anything runs (for example a protected environment without
	// approval). The CLI decides it; envops records it.
	Refusal string
}

// Apply applies env's saved plan with `terraform apply -json PLANFILE`.
// It refuses when there is no saved plan or the configuration changed since
// it was made. The plan file is removed afterwards whatever the outcome (a
// plan can only be applied once), and the outcome is recorded.
func (s *Service) Apply(ctx context.Context, env *estate.Environment, opts ApplyOptions, obs Observer) *plan.ApplyReport {
	rep := &plan.ApplyReport{Name: env.Name}
	if env.Err != nil {
		rep.Finish(env.Err)
		return rep
	}
	meta, err := SavedPlan(env)
	if err != nil {
		rep.Refuse(err.Error())
		return rep
	}
	if opts.Refusal != "" {
		rep.Refuse(opts.Refusal)
		return rep
	}
	if meta.Summary != nil && !meta.Summary.HasChanges() && meta.Summary.Status != plan.StatusChanges {
		// Nothing to apply: the environment already matches this
		// configuration, which is worth recording (promote relies on it).
		rep.Finish(nil)
	} else {
		rep.Expect(meta.Summary)
		cmd := s.Binary.Command(env.Dir, tf.ApplyOptions{PlanFile: PlanFileName})
		cmd.EnvName = env.Name
		_, runErr := s.Runner.Stream(ctx, cmd, observe(rep.Observe, obs))
		rep.Finish(runErr)
	}
	if err := removeSavedPlan(env); err != nil {
		s.logger().Warn("removing applied plan", "env", env.Name, "err", err)
	}
	rec := ApplyRecord{
		Environment: env.Name, Status: string(rep.Status), ConfigHash: meta.ConfigHash, AppliedAt: s.now().UTC(),
		Added: rep.Added, Changed: rep.Changed, Destroyed: rep.Destroyed, Imported: rep.Imported, Error: rep.Error,
	}
	if err := writeJSON(s.recordDir(env.Name)+"/last-apply.json", rec); err != nil {
		s.logger().Warn("recording apply", "env", env.Name, "err", err)
	}
	return rep
}

// LastApply returns the record of env's last apply through infractl.
func (s *Service) LastApply(env string) (*ApplyRecord, error) {
	var rec ApplyRecord
	if err := readJSON(s.recordDir(env)+"/last-apply.json", &rec); err != nil {
		return nil, fmt.Errorf("no apply of %s recorded by infractl: %w", env, err)
	}
	return &rec, nil
}

// NeedsApproval reports whether applying env needs a person's approval:
// it is protected and has a valid saved plan with changes. An environment
// without a usable plan needs none: Apply refuses it with its own reason.
func NeedsApproval(env *estate.Environment) (*PlanMeta, bool) {
	if !env.Protected || env.Err != nil {
		return nil, false
	}
	meta, err := SavedPlan(env)
	if err != nil || meta.Summary == nil || !meta.Summary.HasChanges() {
		return nil, false
	}
	return meta, true
}
