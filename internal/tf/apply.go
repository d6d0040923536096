package tf

import "time"

// ApplyOptions are the flags of `terraform apply -json`. infractl normally
// applies a saved plan (PlanFile): what was reviewed is what runs. Without a
// plan file the apply plans and applies in one go with -auto-approve, since
// input is disabled.
type ApplyOptions struct {
	// PlanFile is a plan saved by plan -out. The planning flags below are
	// baked into it, and Terraform rejects most of them alongside it.
	PlanFile string
	// Destroy, RefreshOnly, Refresh, Replace and Targets mean what they
	// mean for PlanOptions, for an apply without a plan file.
	Destroy     bool
	RefreshOnly bool
	Refresh     *bool
	Replace     []string
	Targets     []string
	// VarFiles and Vars set input variables, files first.
	VarFiles []string
	Vars     []Var
	// Lock and LockTimeout control state locking.
	Lock        *bool
	LockTimeout time.Duration
	// Parallelism limits concurrent operations when positive.
	Parallelism int
}

// Args implements Options.
func (o ApplyOptions) Args(Features) []string {
	args := []string{"apply", "-input=false", "-no-color", "-json"}
	args = appendIf(args, o.PlanFile == "", "-auto-approve")
	args = appendIf(args, o.Destroy, "-destroy")
	args = appendIf(args, o.RefreshOnly, "-refresh-only")
	args = appendBool(args, "-refresh", o.Refresh)
	args = appendEach(args, "-replace", o.Replace)
	args = appendEach(args, "-target", o.Targets)
	args = appendVars(args, o.VarFiles, o.Vars)
	args = appendLock(args, o.Lock, o.LockTimeout)
	args = appendParallelism(args, o.Parallelism)
	if o.PlanFile != "" {
		args = append(args, o.PlanFile)
	}
	return args
}
