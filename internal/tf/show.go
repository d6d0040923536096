package tf

// ShowOptions are the flags of `terraform show -json`: the JSON plan of a
// saved plan file, or the current state when PlanFile is empty. Both may
// hold secrets, so run it with Runner.Output or Runner.Pipe, never Stream.
type ShowOptions struct {
	PlanFile string
}

// Args implements Options. show takes no -input flag.
func (o ShowOptions) Args(Features) []string {
	args := []string{"show", "-json", "-no-color"}
	if o.PlanFile != "" {
		args = append(args, o.PlanFile)
	}
	return args
}
