// Package cli is infractl's command tree. Commands parse flags, call the
// domain packages (estate, tf, plan, orchestrate, ...) and render results;
// they hold no domain logic of their own.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// Stdio is what the process gives a command run: standard streams,
// injected so tests can run commands in-process, and the kill request of a
// second Ctrl-C.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Kill, when closed, asks running terraform processes to be killed
	// now rather than after their grace period; nil never fires.
	Kill <-chan struct{}
}

// Exit codes shared by every command. Plan and drift also use ExitChanges.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitChanges     = 2
	ExitInterrupted = 130
)

// exitError carries a process exit code through cobra. With a nil err the
// command already reported everything and only the code matters.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitCode returns an error that makes Main exit with code without printing.
func exitCode(code int) error {
	if code == ExitOK {
		return nil
	}
	return &exitError{code: code}
}

// Main runs infractl with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdio Stdio) int {
	if stdio.In == nil {
		stdio.In = os.Stdin
	}
	app := newApp(stdio)
	defer app.close()
	root := newRootCommand(app)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		return ee.code
	}
	if app.output == "json" {
		// Scripts reading JSON get the failure as JSON too.
		writeJSON(stdio.Out, map[string]any{"error": err.Error(), "exit_code": ExitError})
	}
	fmt.Fprintf(stdio.Err, "Error: %v\n", err)
	if errors.As(err, &ee) {
		return ee.code
	}
	if ctx.Err() != nil {
		return ExitInterrupted
	}
	return ExitError
}
