package plan

// Status is the outcome of one environment in a report; it drives the status
// column, the markdown emoji and the exit code.
type Status string

// Statuses of a plan Summary.
const (
	StatusNoChanges Status = "no-changes"
	StatusChanges   Status = "changes"
)

// Statuses of a DriftReport.
const (
	StatusNoDrift Status = "no-drift"
	StatusDrift   Status = "drift"
)

// Statuses of an ApplyReport (which also uses StatusNoChanges).
const (
	StatusApplied Status = "applied"
	// StatusRefused marks an apply infractl declined to run, for example on
	// a protected environment without confirmation.
	StatusRefused Status = "refused"
)

// Statuses shared by every report.
const (
	StatusError Status = "error"
	// StatusSkipped marks an environment not run because a dependency
	// failed; it counts as a failure.
	StatusSkipped Status = "skipped"
)

// Failed reports whether the status makes the command fail (exit code 1),
// so that every exit-code helper and renderer agrees on what a failure is.
func (s Status) Failed() bool {
	switch s {
	case StatusError, StatusSkipped, StatusRefused:
		return true
	}
	return false
}

// color returns the ANSI color of a status cell.
func (s Status) color() string {
	switch s {
	case StatusNoChanges, StatusNoDrift, StatusApplied:
		return ansiGreen
	case StatusChanges, StatusDrift:
		return ansiYellow
	case StatusError, StatusSkipped, StatusRefused:
		return ansiRed
	}
	return ansiDefault
}

// emoji returns the marker the markdown renderer puts before a status.
func (s Status) emoji() string {
	switch s {
	case StatusNoChanges, StatusNoDrift, StatusApplied:
		return "✅"
	case StatusChanges:
		return "📝"
	case StatusDrift:
		return "⚠️"
	case StatusError:
		return "❌"
	case StatusSkipped:
		return "⏭️"
	case StatusRefused:
		return "⛔"
	}
	return "❔"
}
