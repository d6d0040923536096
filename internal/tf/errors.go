package tf

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/infractl/infractl/internal/tf/ui"
)

// ExitError is returned when terraform exits unsuccessfully. It carries
// what a caller needs to explain the failure: the exit code (fmt -check
// exits 3), the error diagnostics Terraform streamed, and the tail of
// stderr for everything else (crashes, flag errors).
type ExitError struct {
	// Args is the full argv, binary first. It may hold -var values: do not
	// log it; Error() shows only the subcommand.
	Args []string
	// ExitCode is the process's exit code, or -1 if a signal killed it.
	ExitCode int
	// Stderr is the last part of stderr (at most StderrTailSize bytes).
	Stderr string
	// Diagnostics are the error diagnostics from the -json stream, in
	// order (Stream only; at most maxDiagnostics of them).
	Diagnostics []ui.Diagnostic

	err *exec.ExitError
}

// Error describes the failure by its first error diagnostic, which is what
// Terraform itself would show first; without one, by the end of stderr.
func (e *ExitError) Error() string {
	name := "terraform"
	if len(e.Args) > 0 {
		name = filepath.Base(e.Args[0])
	}
	if len(e.Args) > 1 {
		name += " " + (&Command{Args: e.Args[1:]}).Name()
	}
	how := fmt.Sprintf("exited with code %d", e.ExitCode)
	if e.ExitCode < 0 && e.err != nil {
		how = "was " + e.err.Error() // "signal: killed"
		how = strings.Replace(how, "signal: ", "stopped by signal ", 1)
	}
	var detail string
	if d := e.firstError(); d != nil {
		detail = d.Summary
		if d.Detail != "" {
			detail += ": " + d.Detail
		}
		if d.Range != nil {
			detail += fmt.Sprintf(" (%s:%d,%d)", d.Range.Filename, d.Range.Start.Line, d.Range.Start.Column)
		}
	} else if s := strings.TrimSpace(e.Stderr); s != "" {
		detail = s
	}
	if detail == "" {
		return name + " " + how
	}
	return name + " " + how + ": " + detail
}

// Unwrap returns the underlying *exec.ExitError.
func (e *ExitError) Unwrap() error { return e.err }

func (e *ExitError) firstError() *ui.Diagnostic {
	for i := range e.Diagnostics {
		if e.Diagnostics[i].Severity == "error" {
			return &e.Diagnostics[i]
		}
	}
	return nil
}

// StderrTailSize is how much of the end of stderr an ExitError keeps:
// enough for a panic trace's head or several diagnostics, bounded so a
// chatty provider cannot grow memory.
const StderrTailSize = 64 << 10

// maxDiagnostics bounds the diagnostics kept for an ExitError; the full
// set went to the callback and the run log.
const maxDiagnostics = 100

// tailBuffer keeps the last size bytes written to it.
type tailBuffer struct {
	size      int
	buf       []byte
	truncated bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= t.size {
		t.truncated = t.truncated || len(t.buf) > 0 || len(p) > t.size
		t.buf = append(t.buf[:0], p[len(p)-t.size:]...)
		return n, nil
	}
	if over := len(t.buf) + len(p) - t.size; over > 0 {
		t.truncated = true
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return n, nil
}

// String returns the tail, marking a cut with "...".
func (t *tailBuffer) String() string {
	if t.truncated {
		return "..." + string(t.buf)
	}
	return string(t.buf)
}
