package tf

// VersionOptions run `terraform version -json`, which Find uses to check
// the binary.
type VersionOptions struct{}

// Args implements Options. version takes no -input flag.
func (VersionOptions) Args(Features) []string {
	return []string{"version", "-json"}
}
