package envops

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/tf"
	"github.com/infractl/infractl/internal/tf/ui"
)

// PlanFileName is the saved plan infractl writes in each environment
// directory and applies later. It holds the planned values, secrets
// included, so it is kept 0600 and belongs in .gitignore.
const PlanFileName = ".infractl.tfplan"

// planMetaName records, beside the plan file, what the plan was made from.
const planMetaName = ".infractl.tfplan.json"

// PlanMeta is what infractl records about a saved plan: the configuration
// hash it was made from (apply refuses a plan whose configuration changed),
// when, by which binary, and its summary.
type PlanMeta struct {
	Environment      string        `json:"environment"`
	ConfigHash       string        `json:"config_hash"`
	CreatedAt        time.Time     `json:"created_at"`
	TerraformVersion string        `json:"terraform_version"`
	Flavor           string        `json:"flavor"`
	Summary          *plan.Summary `json:"summary"`
}

// Errors apply returns before running terraform.
var (
	// ErrNoSavedPlan means plan was not run (or its plan was applied).
	ErrNoSavedPlan = errors.New("no saved plan")
	// ErrStalePlan means the configuration changed after the plan.
	ErrStalePlan = errors.New("configuration changed since the plan")
)

// PlanOptions are the per-run choices of a plan.
type PlanOptions struct {
	// Destroy plans the destruction of every resource.
	Destroy bool
	// Replace forces replacement of these addresses.
	Replace []string
	// Targets limits the plan to these addresses.
	Targets []string
	// LockTimeout waits this long for a held state lock.
	LockTimeout time.Duration
}

// PlanPath returns the saved plan's path for env.
func PlanPath(env *estate.Environment) string { return filepath.Join(env.Dir, PlanFileName) }

func planMetaPath(env *estate.Environment) string { return filepath.Join(env.Dir, planMetaName) }

// Plan runs `terraform plan -json -out=<env>/.infractl.tfplan`, counts
// every planned change and records the configuration hash beside the plan.
// A previous saved plan is removed first, so a failed plan never leaves an
// older one to be applied by mistake. The returned summary is finished:
// its status says whether the run failed.
func (s *Service) Plan(ctx context.Context, env *estate.Environment, opts PlanOptions, obs Observer) *plan.Summary {
	sum := &plan.Summary{Name: env.Name}
	if env.Err != nil {
		sum.Finish(env.Err)
		return sum
	}
	if err := removeSavedPlan(env); err != nil {
		sum.Finish(err)
		return sum
	}
	hash, err := env.ConfigHash()
	if err != nil {
		sum.Finish(fmt.Errorf("hashing configuration: %w", err))
		return sum
	}
	if err := s.ensureInit(ctx, env, obs); err != nil {
		sum.Finish(err)
		return sum
	}
	if err := createPrivate(PlanPath(env)); err != nil {
		sum.Finish(fmt.Errorf("preparing the plan file: %w", err))
		return sum
	}
	cmd := s.Binary.Command(env.Dir, tf.PlanOptions{
		Out: PlanFileName, Destroy: opts.Destroy, Replace: opts.Replace, Targets: opts.Targets, LockTimeout: opts.LockTimeout,
	})
	cmd.EnvName = env.Name
	_, runErr := s.Runner.Stream(ctx, cmd, observe(sum.Observe, obs))
	sum.Finish(runErr)
	if sum.Status.Failed() {
		removeSavedPlan(env)
		return sum
	}
	if err := os.Chmod(PlanPath(env), 0o600); err != nil {
		sum.Finish(fmt.Errorf("protecting saved plan: %w", err))
		return sum
	}
	meta := PlanMeta{
		Environment: env.Name, ConfigHash: hash, CreatedAt: s.now().UTC(),
		TerraformVersion: s.Binary.Version.String(), Flavor: string(s.Binary.Flavor), Summary: sum,
	}
	if err := writeJSON(planMetaPath(env), meta); err != nil {
		sum.Finish(fmt.Errorf("recording saved plan: %w", err))
	}
	return sum
}

// SavedPlan returns the metadata of env's saved plan after checking that
// the plan file exists and the configuration has not changed since. It
// wraps ErrNoSavedPlan or ErrStalePlan with a message that says what to do.
func SavedPlan(env *estate.Environment) (*PlanMeta, error) {
	if _, err := os.Stat(PlanPath(env)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s: run `infractl plan %s` first", ErrNoSavedPlan, env.Name, env.Name)
	} else if err != nil {
		return nil, err
	}
	var meta PlanMeta
	if err := readJSON(planMetaPath(env), &meta); err != nil {
		return nil, fmt.Errorf("%w for %s (its record is unreadable: %v): run `infractl plan %s` again", ErrNoSavedPlan, env.Name, err, env.Name)
	}
	hash, err := env.ConfigHash()
	if err != nil {
		return nil, fmt.Errorf("hashing configuration of %s: %w", env.Name, err)
	}
	if hash != meta.ConfigHash {
		return nil, fmt.Errorf("%w of %s (planned %s): run `infractl plan %s` again and review it",
			ErrStalePlan, env.Name, meta.CreatedAt.Format(time.RFC3339), env.Name)
	}
	return &meta, nil
}

func removeSavedPlan(env *estate.Environment) error {
	for _, p := range []string{PlanPath(env), planMetaPath(env)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing old plan: %w", err)
		}
	}
	return nil
}

// messageFn adapts an Observer for callers that may pass nil.
func messageFn(obs Observer) func(*ui.Message) {
	if obs == nil {
		return nil
	}
	return obs
}
