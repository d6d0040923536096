package promote

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// WriteText renders cs for people: where it starts from, each change as a
// before/after diff with the file and line, what was not promoted and
// why, and the files written (or that would be, when dryRun).
func (cs *ChangeSet) WriteText(w io.Writer, dryRun bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Promote %s -> %s", cs.From, cs.To)
	if r := cs.FromApply; r != nil {
		fmt.Fprintf(&b, " (from %s as applied %s, configuration %s)", cs.From, r.AppliedAt.UTC().Format(time.RFC3339), short(r.ConfigHash))
	}
	b.WriteString("\n")
	if len(cs.Changes) == 0 {
		b.WriteString("\nNothing to promote")
		if len(cs.Unchanged) > 0 {
			fmt.Fprintf(&b, ": %s already has %s's %s", cs.To, cs.From, strings.Join(cs.Unchanged, ", "))
		}
		b.WriteString(".\n")
	}
	for _, c := range cs.Changes {
		where := c.File
		if c.Line > 0 {
			where = fmt.Sprintf("%s:%d", c.File, c.Line)
		}
		fmt.Fprintf(&b, "\n~ %s  (%s)\n", c.Label(), where)
		before, after := c.Before, c.After
		if c.Sensitive {
			before, after = "(sensitive)", "(sensitive)"
		}
		if c.Before == "" {
			before = "(not set)"
		}
		writeLines(&b, "    - ", before)
		writeLines(&b, "    + ", after)
	}
	if len(cs.Changes) > 0 && len(cs.Unchanged) > 0 {
		fmt.Fprintf(&b, "\nAlready the same: %s\n", strings.Join(cs.Unchanged, ", "))
	}
	if len(cs.Skipped) > 0 {
		b.WriteString("\nNot promoted:\n")
		for _, s := range cs.Skipped {
			fmt.Fprintf(&b, "  %s: %s\n", s.Name, s.Reason)
		}
	}
	switch {
	case len(cs.Changes) == 0:
	case dryRun:
		fmt.Fprintf(&b, "\nDry run: would write %s.\n", strings.Join(filesOf(cs), ", "))
	default:
		fmt.Fprintf(&b, "\nWrote %s.\n", strings.Join(cs.Written, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeLines(b *strings.Builder, prefix, text string) {
	for _, line := range strings.Split(text, "\n") {
		b.WriteString(prefix + line + "\n")
	}
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// filesOf lists the files the changes write, in order of first change.
func filesOf(cs *ChangeSet) []string {
	var out []string
	for _, c := range cs.Changes {
		if !slices.Contains(out, c.File) {
			out = append(out, c.File)
		}
	}
	return out
}
