package tf

import "time"

// InitOptions are the flags of `terraform init`, which prepares a working
// directory: backend, modules and providers.
type InitOptions struct {
	// Reconfigure ignores any saved backend configuration.
	Reconfigure bool
	// Upgrade picks the newest allowed module and provider versions.
	Upgrade bool
	// MigrateState copies state to a changed backend. Terraform refuses
	// -json with it, so the init stream is then plain text.
	MigrateState bool
	// ForceCopy answers yes to the migration prompt; needed with
	// MigrateState since input is disabled.
	ForceCopy bool
	// BackendConfig entries are files or key=value pairs, each passed as
	// -backend-config.
	BackendConfig []string
	// Backend set to false skips backend initialisation (-backend=false).
	Backend *bool
	// Lock and LockTimeout control state locking during migration.
	Lock        *bool
	LockTimeout time.Duration
}

// Args implements Options. -json is added only when the binary supports
// it (Terraform 1.9, OpenTofu 1.7) and the run is not a state migration.
func (o InitOptions) Args(f Features) []string {
	args := []string{"init", "-input=false", "-no-color"}
	args = appendIf(args, f.InitJSON && !o.MigrateState, "-json")
	args = appendIf(args, o.Reconfigure, "-reconfigure")
	args = appendIf(args, o.Upgrade, "-upgrade")
	args = appendIf(args, o.MigrateState, "-migrate-state")
	args = appendIf(args, o.ForceCopy, "-force-copy")
	args = appendBool(args, "-backend", o.Backend)
	args = appendEach(args, "-backend-config", o.BackendConfig)
	return appendLock(args, o.Lock, o.LockTimeout)
}
