package plan

import (
	"strconv"
	"strings"

	"github.com/infractl/infractl/internal/tf/ui"
)

// diagnostics remembers the first error diagnostic of a run and how many
// followed it; warnings are ignored.
type diagnostics struct {
	first  string
	errors int
}

func (d *diagnostics) observe(diag *ui.Diagnostic) {
	if diag == nil || diag.Severity != "error" {
		return
	}
	d.errors++
	if d.errors == 1 {
		d.first = formatDiagnostic(diag)
	}
}

// failed reports whether the run reported an error diagnostic.
func (d *diagnostics) failed() bool { return d.errors > 0 }

// message is the Error text of a failed run: the first error diagnostic
// (with a count of the others), else the run's own error.
func (d *diagnostics) message(err error) string {
	switch {
	case d.errors == 1:
		return d.first
	case d.errors > 1:
		n := d.errors - 1
		return d.first + "\n(and " + strconv.Itoa(n) + " more error" + plural(n) + ")"
	case err != nil:
		return err.Error()
	}
	return ""
}

// formatDiagnostic renders a diagnostic as "file:line: address: summary:
// detail", leaving out the parts Terraform did not send.
func formatDiagnostic(d *ui.Diagnostic) string {
	var b strings.Builder
	if d.Range != nil && d.Range.Filename != "" {
		b.WriteString(d.Range.Filename)
		if d.Range.Start.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(d.Range.Start.Line))
		}
		b.WriteString(": ")
	}
	if d.Address != "" {
		b.WriteString(d.Address)
		b.WriteString(": ")
	}
	b.WriteString(d.Summary)
	// Terraform often ends a detail with a newline; renderers add their own.
	if detail := strings.TrimRight(d.Detail, " \t\r\n"); detail != "" {
		b.WriteString(": ")
		b.WriteString(detail)
	}
	return b.String()
}
