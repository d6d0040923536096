package plan

import (
	"strconv"
	"strings"
)

// The phrases every renderer shares, so the table, the markdown comment and
// the detail view describe an environment in the same words.

// planPhrase describes a plan's counts, e.g. "1 to add, 1 to replace".
func planPhrase(s *Summary) string {
	switch s.Status {
	case StatusError, StatusSkipped:
		return string(s.Status)
	}
	parts := counts(
		tally{s.Add, "to add"}, tally{s.Change, "to change"},
		tally{s.Replace, "to replace"}, tally{s.Destroy, "to destroy"},
		tally{s.Import, "to import"}, tally{s.Move, "to move"},
		tally{s.Forget, "to forget"}, tally{s.Read, "to read"},
		tally{s.Drift, "drifted"},
	)
	if n := len(s.OutputChanges); n > 0 {
		parts = append(parts, strconv.Itoa(n)+" output"+plural(n)+" to change")
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// driftPhrase describes a drift report, e.g. "2 changed, 1 deleted".
func driftPhrase(r *DriftReport) string {
	switch r.Status {
	case StatusError, StatusSkipped:
		return string(r.Status)
	}
	parts := counts(
		tally{r.count(ActionUpdate), "changed"},
		tally{r.count(ActionDelete), "deleted"},
		tally{r.count(ActionMove), "moved"},
	)
	if len(parts) == 0 {
		return "no drift"
	}
	return strings.Join(parts, ", ")
}

// applyPhrase describes an apply report, e.g. "1 added, 2 destroyed".
func applyPhrase(r *ApplyReport) string {
	parts := counts(
		tally{r.Imported, "imported"}, tally{r.Added, "added"},
		tally{r.Changed, "changed"}, tally{r.Destroyed, "destroyed"},
		tally{len(r.Errored), "errored"},
	)
	switch {
	case r.Status.Failed() && len(parts) == 0:
		return string(r.Status)
	case r.Status.Failed():
		return string(r.Status) + " after " + strings.Join(parts, ", ")
	case len(parts) == 0 && r.Status == StatusApplied:
		// A plan of moves, forgets, reads or outputs: applied, but
		// nothing Terraform counts.
		return string(StatusApplied)
	case len(parts) == 0:
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// tally is a count and the words that follow it in a phrase.
type tally struct {
	n     int
	words string
}

// counts formats the non-zero tallies, e.g. "2 to add".
func counts(ts ...tally) []string {
	var parts []string
	for _, t := range ts {
		if t.n > 0 {
			parts = append(parts, strconv.Itoa(t.n)+" "+t.words)
		}
	}
	return parts
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// changeNotes explains a resource change beyond its action: the reason, the
// address it moves from, the ID it is imported with.
func changeNotes(rc ResourceChange) string {
	var notes []string
	if rc.Reason != "" {
		notes = append(notes, string(rc.Reason))
	}
	if rc.PreviousAddress != "" {
		notes = append(notes, "moved from "+rc.PreviousAddress)
	}
	if rc.ImportID != "" {
		notes = append(notes, "import id "+rc.ImportID)
	}
	return strings.Join(notes, ", ")
}

// driftNotes explains a drifted resource: the changed paths and the
// address it moves from.
func driftNotes(d DriftedResource) string {
	notes := d.Attributes
	if d.PreviousAddress != "" {
		notes = append(notes[:len(notes):len(notes)], "moved from "+d.PreviousAddress)
	}
	return strings.Join(notes, ", ")
}

// hookNotes explains one apply hook: how long it took and the object's ID.
func hookNotes(h HookResult) string {
	s := formatSeconds(h.ElapsedSeconds)
	if h.IDKey != "" {
		s += ", " + h.IDKey + "=" + h.IDValue
	}
	return s
}

func formatSeconds(sec float64) string {
	return strconv.FormatFloat(sec, 'f', -1, 64) + "s"
}

// FirstLine returns s up to its first line break (a "\r\n" ending
// included), so that a multi-line message, such as a Terraform error with
// its detail, fits a table cell or a one-line status.
func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "\r")
}

// cell returns the first line of s cut to width runes, for a table cell.
func cell(s string, width int) string {
	s = FirstLine(s)
	if r := []rune(s); len(r) > width {
		return string(r[:width-1]) + "…"
	}
	return s
}
