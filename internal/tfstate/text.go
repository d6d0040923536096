package tfstate

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders the diff for a terminal, one line per change, so
// `infractl state diff` reads like a plan:
//
//	serial: 3 -> 4
//	- terraform_data.old
//	+ module.net.terraform_data.subnet["public"]
//	+ terraform_data.cbd (deposed object 1a2b3c4d)
//	~ terraform_data.each["alpha"] (input.value.env, output.value.env)
//	~ terraform_data.counted[1] (tainted)
//	~ output.db_password (sensitive)
//	Resources: 1 added, 1 removed, 2 changed. Outputs: 0 added, 0 removed, 1 changed.
//
// Values are left to the JSON form; paths are the same redacted ones.
func (d *StateDiff) WriteText(w io.Writer) error {
	var b strings.Builder
	if d.Serial != nil {
		fmt.Fprintf(&b, "serial: %d -> %d\n", d.Serial.Before, d.Serial.After)
	}
	if d.Lineage != nil {
		fmt.Fprintf(&b, "lineage: %s -> %s\n", orNone(d.Lineage.Before), orNone(d.Lineage.After))
	}
	if d.TerraformVersion != nil {
		fmt.Fprintf(&b, "terraform_version: %s -> %s\n",
			orNone(d.TerraformVersion.Before), orNone(d.TerraformVersion.After))
	}
	for _, r := range d.Removed {
		fmt.Fprintf(&b, "- %s\n", r.display())
	}
	for _, r := range d.Added {
		fmt.Fprintf(&b, "+ %s\n", r.display())
	}
	for _, c := range d.Changed {
		ref := InstanceRef{Address: c.Address, Deposed: c.Deposed}
		fmt.Fprintf(&b, "~ %s (%s)\n", ref.display(), c.details())
	}
	for _, o := range d.Outputs.Removed {
		fmt.Fprintf(&b, "- output.%s%s\n", o.Name, sensitiveNote(o.Sensitive))
	}
	for _, o := range d.Outputs.Added {
		fmt.Fprintf(&b, "+ output.%s%s\n", o.Name, sensitiveNote(o.Sensitive))
	}
	for _, o := range d.Outputs.Changed {
		fmt.Fprintf(&b, "~ output.%s%s\n", o.Name, sensitiveNote(o.Sensitive))
	}
	if d.CheckResultsChanged {
		b.WriteString("~ check results\n")
	}
	if d.IsEmpty() {
		b.WriteString("No changes.\n")
	} else {
		fmt.Fprintf(&b, "Resources: %d added, %d removed, %d changed. Outputs: %d added, %d removed, %d changed.\n",
			len(d.Added), len(d.Removed), len(d.Changed),
			len(d.Outputs.Added), len(d.Outputs.Removed), len(d.Outputs.Changed))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r InstanceRef) display() string {
	s := r.Address
	if r.Deposed != "" {
		s += " (deposed object " + r.Deposed + ")"
	}
	if r.Status != "" {
		s += " (" + r.Status + ")"
	}
	return s
}

// details lists changed paths, then changed fields after a semicolon, with
// a status change spelled as "tainted" or "untainted".
func (c InstanceChange) details() string {
	fields := make([]string, 0, len(c.Fields))
	for _, f := range c.Fields {
		if f == "status" && c.Status != nil {
			switch {
			case c.Status.After == StatusTainted:
				f = "tainted"
			case c.Status.Before == StatusTainted:
				f = "untainted"
			}
		}
		fields = append(fields, f)
	}
	switch {
	case len(c.Paths) == 0:
		return strings.Join(fields, ", ")
	case len(fields) == 0:
		return strings.Join(c.Paths, ", ")
	default:
		return strings.Join(c.Paths, ", ") + "; " + strings.Join(fields, ", ")
	}
}

func sensitiveNote(sensitive bool) string {
	if sensitive {
		return " (sensitive)"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
