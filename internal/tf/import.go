package tf

import "time"

// ImportOptions are the flags of `terraform import`, which adopts an
// existing object into state. It has no -json mode: streamed, each line
// arrives as a ui.LevelRaw message.
type ImportOptions struct {
	// Address is the resource address to import into, ID the object's id.
	Address, ID string
	// VarFiles and Vars set input variables, files first.
	VarFiles []string
	Vars     []Var
	// Lock and LockTimeout control state locking.
	Lock        *bool
	LockTimeout time.Duration
}

// Args implements Options.
func (o ImportOptions) Args(Features) []string {
	args := []string{"import", "-input=false", "-no-color"}
	args = appendVars(args, o.VarFiles, o.Vars)
	args = appendLock(args, o.Lock, o.LockTimeout)
	return append(args, o.Address, o.ID)
}
