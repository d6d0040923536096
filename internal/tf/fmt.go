package tf

// FmtOptions run `terraform fmt`. With Check it only lists the files that
// need formatting and exits 3 if there are any (see ExitError.ExitCode).
type FmtOptions struct {
	Check     bool
	Recursive bool
	// Paths are files or directories; empty means the working directory.
	Paths []string
}

// Args implements Options. fmt takes no -input flag.
func (o FmtOptions) Args(Features) []string {
	args := []string{"fmt", "-no-color"}
	args = appendIf(args, o.Check, "-check")
	args = appendIf(args, o.Recursive, "-recursive")
	return append(args, o.Paths...)
}
