package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText renders findings one per block, compiler style, followed by a
// summary line:
//
//	environments/prod/backend.tf:9:5: error IFX004 unsupported-backend-argument: ...
//	  fix: ...
//	  see: environments/staging/backend.tf:4:5: staging's backend
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s %s %s: %s\n", f.Location, f.Severity, f.RuleID, f.Rule, f.Message)
		fmt.Fprintf(&b, "  fix: %s\n", f.Hint)
		for _, rel := range f.Related {
			if rel.Message != "" {
				fmt.Fprintf(&b, "  see: %s: %s\n", rel, rel.Message)
			} else {
				fmt.Fprintf(&b, "  see: %s\n", rel)
			}
		}
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(summaryLine(r))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLine counts findings, e.g. "2 errors, 1 warning, 0 notes in 3
// environments (1 suppressed)".
func summaryLine(r *Report) string {
	e, wn, n := r.Counts()
	s := fmt.Sprintf("%s, %s, %s in %s (%s read)", plural(e, "error"), plural(wn, "warning"), plural(n, "note"),
		plural(len(r.Environments), "environment"), plural(r.Files, "file"))
	if r.Suppressed > 0 {
		s += fmt.Sprintf("; %d suppressed by infractl:ignore", r.Suppressed)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// jsonReport is the public JSON shape of `infractl lint --format json`.
type jsonReport struct {
	*Report
	Summary  jsonSummary `json:"summary"`
	ExitCode int         `json:"exit_code"`
}

type jsonSummary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

// WriteJSON renders the report as indented JSON with a summary and the exit
// code the command returns.
func WriteJSON(w io.Writer, r *Report) error {
	e, wn, n := r.Counts()
	out := jsonReport{Report: r, Summary: jsonSummary{e, wn, n}}
	if e > 0 {
		out.ExitCode = 1
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
