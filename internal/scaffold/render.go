package scaffold

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders what Create did for people: the directory and files,
// the state, the networks, the tfvars values, the infractl.hcl change, the
// regenerated workflows, what to check by hand and what to run next.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Created environment %s from %s in %s\n", r.Name, r.From, r.Dir)
	fmt.Fprintf(&b, "  files:        %s\n", strings.Join(r.Files, ", "))
	fmt.Fprintf(&b, "  state:        %s\n", r.StateAddress)
	for _, c := range r.Backend {
		fmt.Fprintf(&b, "                backend %s: %q -> %q\n", c.Argument, c.Old, c.New)
	}
	for i, n := range r.Networks {
		label := ""
		if i == 0 {
			label = "network:"
		}
		fmt.Fprintf(&b, "  %-13s %s %s -> %s\n", label, n.Variable, n.Old, n.New)
	}
	for i, v := range r.Variables {
		label := ""
		if i == 0 {
			label = "tfvars:"
		}
		was := "not set"
		if v.Old != "" {
			was = "was " + oneLine(v.Old)
		}
		fmt.Fprintf(&b, "  %-13s %s = %s (%s; %s, %s)\n", label, v.Variable, oneLine(v.New), was, v.Reason, v.File)
	}
	switch c := r.Config; {
	case c.File == "":
		fmt.Fprintf(&b, "  infractl.hcl: unchanged (%s is not declared there, so %s is not either)\n", r.From, r.Name)
	default:
		deps := "no depends_on"
		if len(c.DependsOn) > 0 {
			deps = "depends_on [" + strings.Join(c.DependsOn, ", ") + "]"
		}
		prot := ""
		if c.Protected {
			prot = ", protected"
		}
		fmt.Fprintf(&b, "  infractl.hcl: %s declared %s, %s%s\n", r.Name, c.Position, deps, prot)
		if c.Rewired != "" {
			fmt.Fprintf(&b, "                %s\n", c.Rewired)
		}
	}
	for _, wf := range r.Workflows {
		fmt.Fprintf(&b, "  workflow:     %s regenerated\n", wf)
	}
	if len(r.Warnings) > 0 {
		b.WriteString("Check by hand:\n")
		for _, warn := range r.Warnings {
			fmt.Fprintf(&b, "  - %s\n", warn)
		}
	}
	fmt.Fprintf(&b, "Next: infractl init %s && infractl plan %s\n", r.Name, r.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine shows a multi-line HCL value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
