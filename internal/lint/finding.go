package lint

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// Location is a place in a file of the estate, 1-based; Line 0 means the
// whole file (or directory).
type Location struct {
	// File is relative to the estate root, with forward slashes.
	File string `json:"file"`
	// Line and Column are where the finding starts.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// EndLine and EndColumn are where it ends (exclusive column).
	EndLine   int `json:"end_line,omitempty"`
	EndColumn int `json:"end_column,omitempty"`
	// Message says what this place is, for related locations.
	Message string `json:"message,omitempty"`
}

// String renders file:line:col, or the file alone.
func (l Location) String() string {
	switch {
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// locationOf converts an hcl.Range whose file name is relative to the
// estate root (as every range of the estate model is).
func locationOf(r hcl.Range, msg string) Location {
	return Location{
		File:      filepath.ToSlash(r.Filename),
		Line:      r.Start.Line,
		Column:    r.Start.Column,
		EndLine:   r.End.Line,
		EndColumn: r.End.Column,
		Message:   msg,
	}
}

// Finding is one problem found by a rule.
type Finding struct {
	// RuleID is the rule's stable ID (IFXnnn).
	RuleID string `json:"rule_id"`
	// Rule is the rule's name.
	Rule string `json:"rule"`
	// Severity is the rule's severity.
	Severity Severity `json:"severity"`
	// Environment is the environment the finding is about; empty for files
	// outside environments (modules, shared roots).
	Environment string `json:"environment,omitempty"`
	// Message says what is wrong; it never contains a secret.
	Message string `json:"message"`
	// Hint says how to fix it.
	Hint string `json:"hint"`
	// Location is the primary place.
	Location Location `json:"location"`
	// Related are the other places involved (the other environment's
	// backend, the earlier environment's value, ...).
	Related []Location `json:"related,omitempty"`
	// Fingerprint identifies the finding across runs and line moves, for
	// SARIF partialFingerprints.
	Fingerprint string `json:"fingerprint"`

	// key is the rule-specific identity the fingerprint is built from.
	key string
}

// locations returns the primary location followed by the related ones.
func (f *Finding) locations() []Location {
	return append([]Location{f.Location}, f.Related...)
}

// newFinding fills in the rule's name and severity.
func newFinding(ruleID, env string, loc Location, key, msg, hint string, related ...Location) Finding {
	r, ok := ruleByID(ruleID)
	if !ok {
		panic("lint: unknown rule " + ruleID)
	}
	if hint == "" {
		hint = r.Help
	}
	return Finding{
		RuleID: ruleID, Rule: r.Name, Severity: r.Severity, Environment: env,
		Message: msg, Hint: hint, Location: loc, Related: related, key: key,
	}
}

// fingerprint hashes what identifies a finding independently of line
// numbers: the rule, the primary file and the rule's key.
func (f *Finding) fingerprint() string {
	sum := sha256.Sum256([]byte(f.RuleID + "\x00" + f.Location.File + "\x00" + f.key))
	return hex.EncodeToString(sum[:12])
}

// sortFindings orders findings by file, position, rule and message.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.Line, b.Location.Line),
			cmp.Compare(a.Location.Column, b.Location.Column),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Report is the result of a lint run.
type Report struct {
	// Environments are the linted environments in declared order.
	Environments []string `json:"environments"`
	// Files is how many files were read.
	Files int `json:"files"`
	// Findings are sorted by file and position.
	Findings []Finding `json:"findings"`
	// Suppressed counts findings turned off by ignore comments.
	Suppressed int `json:"suppressed"`
}

// Counts returns the number of findings per severity.
func (r *Report) Counts() (errors, warnings, notes int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case SeverityError:
			errors++
		case SeverityWarning:
			warnings++
		default:
			notes++
		}
	}
	return errors, warnings, notes
}

// HasErrors reports whether any finding is an error, which makes `infractl
// lint` exit 1.
func (r *Report) HasErrors() bool {
	e, _, _ := r.Counts()
	return e > 0
}
