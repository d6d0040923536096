package tf

// ForceUnlockOptions run `terraform force-unlock -force ID`, which removes
// a stale state lock. -force is always passed because input is disabled.
type ForceUnlockOptions struct {
	ID string
}

// Args implements Options. force-unlock takes no -input flag.
func (o ForceUnlockOptions) Args(Features) []string {
	return []string{"force-unlock", "-no-color", "-force", o.ID}
}
