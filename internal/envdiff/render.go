package envdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// summary is one sentence about the whole comparison.
func (d *Diff) summary() string {
	var parts []string
	expected := false
	for i := range d.Sections {
		s := &d.Sections[i]
		if n := s.Differences(); n > 0 {
			parts = append(parts, count(n, s.ID))
		}
		for _, r := range s.Rows {
			expected = expected || r.Change == Expected
		}
	}
	var b strings.Builder
	switch len(parts) {
	case 0:
		fmt.Fprintf(&b, "%s and %s are the same in every compared setting", d.B, d.A)
	default:
		fmt.Fprintf(&b, "%s differs from %s in %d settings: %s", d.B, d.A, d.Differences(), joinAnd(parts))
	}
	if expected {
		b.WriteString("; the state location differs too, as it must, since each environment keeps its own state")
	}
	b.WriteString(".")
	return b.String()
}

func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// changeText describes a row's change for the text and markdown forms.
func changeText(r Row, a, b string) string {
	switch r.Change {
	case OnlyA:
		return "only in " + a
	case OnlyB:
		return "only in " + b
	case Expected, SameState:
		return r.Note
	}
	return ""
}

// cell returns a value for display, with a dash for absent ones.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteText renders the comparison as aligned tables, one per section with
// differences, each followed by how many settings are identical.
func WriteText(w io.Writer, d *Diff) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s compared with %s\n%s\n", d.B, d.A, d.summary())
	for i := range d.Sections {
		s := &d.Sections[i]
		fmt.Fprintf(&sb, "\n%s: %d differ, %d identical", s.Title, s.Differences(), s.Identical)
		if n := len(s.Rows) - s.Differences(); n > 0 {
			fmt.Fprintf(&sb, ", %d differ by design", n)
		}
		sb.WriteString("\n")
		if len(s.Rows) == 0 {
			continue
		}
		var table strings.Builder
		tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t\n", "NAME", strings.ToUpper(d.A), strings.ToUpper(d.B))
		for _, r := range s.Rows {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Name, cell(r.A), cell(r.B), changeText(r, d.A, d.B))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, line := range strings.SplitAfter(table.String(), "\n") {
			sb.WriteString(strings.TrimRight(line, " \n"))
			if strings.HasSuffix(line, "\n") {
				sb.WriteString("\n")
			}
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

// mdCell escapes a value for a markdown table cell and shows it as code.
func mdCell(s string) string {
	if s == "" {
		return "—"
	}
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		return "*" + strings.TrimSuffix(strings.TrimPrefix(s, "("), ")") + "*"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "`", "'")
	return "`" + s + "`"
}

// WriteMarkdown renders the document "how B differs from A": a title, a
// summary paragraph, and per section a table of the differing settings and
// the count of identical ones.
func WriteMarkdown(w io.Writer, d *Diff) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# How %s differs from %s\n\n", d.B, d.A)
	fmt.Fprintf(&sb, "%s Values are what terraform would use without -var flags: "+
		"`terraform.tfvars` (and `*.auto.tfvars`) over variable defaults. Sensitive values are not shown.\n", d.summary())
	for i := range d.Sections {
		s := &d.Sections[i]
		fmt.Fprintf(&sb, "\n## %s\n\n", s.Title)
		if len(s.Rows) > 0 {
			fmt.Fprintf(&sb, "| %s | %s | %s | Note |\n|---|---|---|---|\n", nameHeader(s.ID), d.A, d.B)
			for _, r := range s.Rows {
				fmt.Fprintf(&sb, "| `%s` | %s | %s | %s |\n", strings.ReplaceAll(r.Name, "|", `\|`), mdCell(r.A), mdCell(r.B), changeText(r, d.A, d.B))
			}
			sb.WriteString("\n")
		}
		switch {
		case len(s.Rows) == 0 && s.Identical == 0:
			sb.WriteString("Neither environment has any.\n")
		case len(s.Rows) == 0:
			fmt.Fprintf(&sb, "No differences: %s identical.\n", allOf(s.Identical, s.ID))
		default:
			fmt.Fprintf(&sb, "%s.\n", capitalize(identical(s.Identical, s.ID)))
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func nameHeader(id string) string {
	switch id {
	case "variables":
		return "Variable"
	case "modules":
		return "Module"
	case "backend":
		return "Argument"
	case "versions":
		return "Requirement"
	}
	return "Address"
}

// nouns name what a section compares, for sentences.
var nouns = map[string]string{
	"variables": "variable value", "modules": "module call", "backend": "backend setting",
	"versions": "version requirement", "resources": "resource", "data_sources": "data source",
}

// count says "3 variable values".
func count(n int, id string) string {
	if n == 1 {
		return "1 " + nouns[id]
	}
	return fmt.Sprintf("%d %ss", n, nouns[id])
}

// allOf says "the 1 module call is" or "all 4 module calls are".
func allOf(n int, id string) string {
	if n == 1 {
		return "the 1 " + nouns[id] + " is"
	}
	return fmt.Sprintf("all %d %ss are", n, nouns[id])
}

// identical says how many other settings of a section are the same.
func identical(n int, id string) string {
	noun := nouns[id]
	if n == 1 {
		return "1 other " + noun + " is identical"
	}
	return fmt.Sprintf("%d other %ss are identical", n, noun)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// jsonDiff adds the summary to the JSON form.
type jsonDiff struct {
	*Diff
	Differences int    `json:"differences"`
	Summary     string `json:"summary"`
}

// WriteJSON renders the comparison as indented JSON.
func WriteJSON(w io.Writer, d *Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonDiff{Diff: d, Differences: d.Differences(), Summary: d.summary()})
}
