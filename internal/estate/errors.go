package estate

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// ErrNoEnvironments is wrapped by Load when the environments directory is
// missing or holds no environment, so a CLI can offer to scaffold one.
var ErrNoEnvironments = errors.New("no environments found")

// ErrNoSelection is wrapped by Select when neither names nor all were given,
// so the CLI can show usage instead of running against nothing.
var ErrNoSelection = errors.New("no environment selected")

// UnknownEnvironmentError reports a name that is not an environment of the
// estate; it carries the known names so callers can suggest one.
type UnknownEnvironmentError struct {
	// Name is the environment that was asked for.
	Name string
	// Known lists the estate's environments in declared order.
	Known []string
}

// Error names the unknown environment and lists the known ones.
func (e *UnknownEnvironmentError) Error() string {
	return fmt.Sprintf("unknown environment %q; known environments: %s", e.Name, knownList(e.Known))
}

// CycleError reports a dependency cycle among environments; Load returns it
// so the scheduler never has to cope with a graph that cannot be ordered.
type CycleError struct {
	// File is the configuration file that declares the dependencies, relative
	// to the estate root.
	File string
	// Cycle lists the environments on the cycle in run order: each one is
	// depended on by the next, and the last is depended on by the first.
	Cycle []string
}

// Error spells the cycle out, e.g. "dev -> staging -> dev".
func (e *CycleError) Error() string {
	path := append(append([]string(nil), e.Cycle...), e.Cycle[0])
	return fmt.Sprintf("dependency cycle in %s: %s", e.File, strings.Join(path, " -> "))
}

// DiagnosticsError carries every HCL error diagnostic of a file set, so a
// user sees all problems at once with file:line:col positions instead of
// fixing them one run at a time.
type DiagnosticsError struct {
	// Diagnostics holds only error-severity diagnostics; their ranges have
	// file names relative to the estate root.
	Diagnostics hcl.Diagnostics
}

// newDiagnosticsError returns nil when diags holds no error, so callers can
// assign its result to an error field directly.
func newDiagnosticsError(diags hcl.Diagnostics) error {
	errs := diags.Errs()
	if len(errs) == 0 {
		return nil
	}
	out := make(hcl.Diagnostics, 0, len(errs))
	for _, err := range errs {
		var d *hcl.Diagnostic
		if errors.As(err, &d) {
			out = append(out, d)
		}
	}
	// hcl reports some problems in map order; sort by position so the same
	// input always gives the same message.
	slices.SortStableFunc(out, func(a, b *hcl.Diagnostic) int {
		switch {
		case a.Subject == nil || b.Subject == nil:
			return cmp.Compare(boolInt(a.Subject != nil), boolInt(b.Subject != nil))
		case a.Subject.Filename != b.Subject.Filename:
			return cmp.Compare(a.Subject.Filename, b.Subject.Filename)
		}
		return cmp.Compare(a.Subject.Start.Byte, b.Subject.Start.Byte)
	})
	return &DiagnosticsError{Diagnostics: out}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Error renders one line per diagnostic as file:line:col: summary; detail.
func (e *DiagnosticsError) Error() string {
	lines := make([]string, 0, len(e.Diagnostics))
	for _, d := range e.Diagnostics {
		lines = append(lines, formatDiagnostic(d))
	}
	return strings.Join(lines, "\n")
}

func formatDiagnostic(d *hcl.Diagnostic) string {
	var b strings.Builder
	if d.Subject != nil {
		b.WriteString(formatPos(*d.Subject))
		b.WriteString(": ")
	}
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString("; ")
		b.WriteString(d.Detail)
	}
	return b.String()
}

// formatPos renders a range's start as file:line:col with forward slashes.
func formatPos(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", filepath.ToSlash(r.Filename), r.Start.Line, r.Start.Column)
}

func knownList(names []string) string {
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}
