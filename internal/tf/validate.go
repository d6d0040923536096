package tf

// ValidateOptions run `terraform validate -json`. Its output is one JSON
// document (valid, error_count, diagnostics), not a stream: run it with
// Runner.Output.
type ValidateOptions struct{}

// Args implements Options. validate takes no -input flag.
func (ValidateOptions) Args(Features) []string {
	return []string{"validate", "-no-color", "-json"}
}
