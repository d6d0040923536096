package tf

import "time"

// StatePullOptions run `terraform state pull`, which prints the raw state.
// The state holds secrets: run it with Runner.Output or Runner.Pipe.
type StatePullOptions struct{}

// Args implements Options. state pull takes no -input flag.
func (StatePullOptions) Args(Features) []string {
	return []string{"state", "pull", "-no-color"}
}

// StatePushOptions run `terraform state push`, which replaces the remote
// state with a local file; Terraform refuses an older serial or another
// lineage unless Force is set.
type StatePushOptions struct {
	// File is the state file to push; "-" reads Command.Stdin.
	File string
	// Force skips the serial and lineage checks.
	Force bool
	// Lock and LockTimeout control state locking.
	Lock        *bool
	LockTimeout time.Duration
}

// Args implements Options. state push takes no -input flag.
func (o StatePushOptions) Args(Features) []string {
	args := []string{"state", "push", "-no-color"}
	args = appendIf(args, o.Force, "-force")
	args = appendLock(args, o.Lock, o.LockTimeout)
	return append(args, o.File)
}
