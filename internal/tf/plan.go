package tf

import "time"

// PlanOptions are the flags of `terraform plan -json`. -detailed-exitcode
// is never passed: infractl counts changes from the stream itself.
type PlanOptions struct {
	// Out saves the plan to this file, for a later apply and show -json.
	Out string
	// Destroy plans to destroy everything (-destroy).
	Destroy bool
	// RefreshOnly plans only to update state to match reality: drift.
	RefreshOnly bool
	// Refresh set to false skips refreshing (-refresh=false).
	Refresh *bool
	// Replace forces replacement of these resource addresses.
	Replace []string
	// Targets limits the plan to these addresses.
	Targets []string
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
func (o PlanOptions) Args(Features) []string {
	args := []string{"plan", "-input=false", "-no-color", "-json"}
	if o.Out != "" {
		args = append(args, "-out="+o.Out)
	}
	args = appendIf(args, o.Destroy, "-destroy")
	args = appendIf(args, o.RefreshOnly, "-refresh-only")
	args = appendBool(args, "-refresh", o.Refresh)
	args = appendEach(args, "-replace", o.Replace)
	args = appendEach(args, "-target", o.Targets)
	args = appendVars(args, o.VarFiles, o.Vars)
	args = appendLock(args, o.Lock, o.LockTimeout)
	return appendParallelism(args, o.Parallelism)
}
