package tf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/infractl/infractl/internal/tf/ui"
)

// DefaultGracePeriod is how long a cancelled terraform gets between SIGINT
// and SIGKILL. Terraform uses it to finish in-flight provider calls, write
// state and release its lock; killing it earlier risks losing state.
const DefaultGracePeriod = 30 * time.Second

// pipeSlack is how long after the kill Runner still waits for output pipes
// held open by grandchildren, before abandoning them.
const pipeSlack = 5 * time.Second

// Runner executes Commands. The zero value is ready to use: no run log,
// DefaultGracePeriod, slog.Default(). A Runner is safe for concurrent use.
type Runner struct {
	// RunLog receives a copy of every streamed stdout; nil keeps none.
	RunLog *RunLog
	// GracePeriod overrides DefaultGracePeriod when positive.
	GracePeriod time.Duration
	// Logger receives one line per command; nil means slog.Default().
	Logger *slog.Logger
	// Kill, when closed, ends interrupted terraform processes at once
	// instead of waiting for the grace period (a second Ctrl-C). Terraform
	// may then leave its state locked.
	Kill <-chan struct{}
}

// Result describes a finished command, successful or not.
type Result struct {
	// ExitCode is the process's exit code (-1 if it was killed or never
	// started).
	ExitCode int
	// Duration is the wall time of the process.
	Duration time.Duration
	// Messages is the number of UI messages decoded (Stream only).
	Messages int
	// LogPath is the run-log file of the stream, or "" if none was kept.
	LogPath string
}

// Stream runs a command that writes the machine-readable UI (plan, apply,
// init and so on with -json) and calls fn with each message, in order, as
// it arrives; fn may be nil. The raw stdout is also copied into the run
// log. fn must not keep msg.Raw past its return.
//
// A failed command returns an *ExitError carrying the streamed error
// diagnostics. When ctx ends, terraform gets SIGINT and, if it is still
// running after the grace period, SIGKILL; the error then also satisfies
// errors.Is(err, ctx.Err()). An overlong line is skipped, reported in the
// error if the command otherwise succeeds, and does not stop the stream.
func (r *Runner) Stream(ctx context.Context, cmd *Command, fn func(*ui.Message)) (Result, error) {
	var logw io.WriteCloser = nopWriteCloser{}
	var logPath string
	if r.RunLog != nil {
		w, path := r.RunLog.open(cmd.EnvName, cmd.Name())
		logw, logPath = w, path
	}
	defer logw.Close()

	pr, pw := io.Pipe()
	var (
		diags   []ui.Diagnostic
		msgs    int
		skipErr error
		wg      sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		src := io.TeeReader(pr, logw)
		dec := ui.NewDecoder(src)
		for {
			m, err := dec.Next()
			if errors.Is(err, ui.ErrLineTooLong) {
				if skipErr == nil {
					skipErr = err
				}
				continue
			}
			if err != nil {
				// io.EOF, or the pipe closed with an error: drain so
				// terraform never blocks on a full pipe.
				_, _ = io.Copy(io.Discard, src)
				return
			}
			msgs++
			if m.Type == ui.TypeDiagnostic && m.Diagnostic != nil && m.Diagnostic.Severity == "error" && len(diags) < maxDiagnostics {
				diags = append(diags, *m.Diagnostic)
			}
			if fn != nil {
				fn(m)
			}
		}
	}()

	res, err := r.run(ctx, cmd, pw)
	pw.Close()
	wg.Wait()
	res.Messages = msgs
	res.LogPath = logPath
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		exitErr.Diagnostics = diags
	}
	if err == nil && skipErr != nil {
		err = fmt.Errorf("%s: %w", cmd.Name(), skipErr)
	}
	return res, err
}

// Output runs a command whose stdout is data (show -json, state pull,
// validate -json) and returns it. Stdout is never written to the run log:
// it may hold secrets. On failure stdout is still returned with the error.
func (r *Runner) Output(ctx context.Context, cmd *Command) ([]byte, error) {
	var buf bytes.Buffer
	_, err := r.Pipe(ctx, cmd, &buf)
	return buf.Bytes(), err
}

// Pipe is Output for large outputs: stdout is written to w as it arrives,
// so a big state can be decoded without holding it in memory. Like Output,
// it never logs stdout.
func (r *Runner) Pipe(ctx context.Context, cmd *Command, w io.Writer) (Result, error) {
	return r.run(ctx, cmd, w)
}

// run executes cmd with stdout going to stdout, handling cancellation,
// stderr capture and exit errors.
func (r *Runner) run(ctx context.Context, cmd *Command, stdout io.Writer) (Result, error) {
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "tf.runner")
	grace := r.GracePeriod
	if grace <= 0 {
		grace = DefaultGracePeriod
	}
	res := Result{ExitCode: -1}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("%s: %w", cmd.Name(), err)
	}

	stderr := &tailBuffer{size: StderrTailSize}
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args...)
	c.Dir = cmd.Dir
	c.Env = cmd.Env
	c.Stdin = cmd.Stdin
	c.Stdout = stdout
	c.Stderr = stderr
	configureProcess(c)

	exited := make(chan struct{})
	c.Cancel = func() error {
		logger.Info("interrupting terraform", "command", cmd.Name(), "env", cmd.EnvName, "grace", grace)
		err := interrupt(c.Process)
		if err != nil && !errors.Is(err, os.ErrProcessDone) {
			// No way to ask nicely (or it failed): do not wait for nothing.
			kill(c.Process)
			return err
		}
		go func() {
			t := time.NewTimer(grace)
			defer t.Stop()
			select {
			case <-t.C:
				select {
				case <-exited:
					return // it stopped just in time; its pid may be reused
				default:
				}
				logger.Warn("terraform did not stop in time; killing it", "command", cmd.Name(), "env", cmd.EnvName, "grace", grace)
				kill(c.Process)
			case <-r.Kill:
				select {
				case <-exited:
					return
				default:
				}
				logger.Warn("killing terraform on request", "command", cmd.Name(), "env", cmd.EnvName)
				kill(c.Process)
			case <-exited:
			}
		}()
		return err
	}
	// Backstop: Wait gives up on the process and its pipes after this.
	c.WaitDelay = grace + pipeSlack

	logger.Debug("running terraform", "command", cmd.Name(), "env", cmd.EnvName, "dir", cmd.Dir)
	start := time.Now()
	err := c.Run()
	close(exited)
	res.Duration = time.Since(start)
	if c.ProcessState != nil {
		res.ExitCode = c.ProcessState.ExitCode()
	}
	logger.Debug("terraform finished", "command", cmd.Name(), "env", cmd.EnvName, "exit_code", res.ExitCode, "duration", res.Duration)

	var ee *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrWaitDelay) && c.ProcessState.Success() && ctx.Err() == nil:
		// terraform succeeded but something it started kept stdout open.
		logger.Warn("terraform exited but its output stayed open; continuing", "command", cmd.Name(), "env", cmd.EnvName)
		err = nil
	case errors.As(err, &ee):
		err = &ExitError{
			Args:     append([]string{cmd.Path}, cmd.Args...),
			ExitCode: res.ExitCode,
			Stderr:   stderr.String(),
			err:      ee,
		}
	case err != nil && c.ProcessState == nil:
		err = fmt.Errorf("starting %s: %w", cmd.Name(), err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		if err == nil || errors.Is(err, ctxErr) {
			return res, fmt.Errorf("%s: %w", cmd.Name(), ctxErr)
		}
		return res, fmt.Errorf("%s interrupted: %w (%w)", cmd.Name(), ctxErr, err)
	}
	return res, err
}

type nopWriteCloser struct{}

func (nopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriteCloser) Close() error                { return nil }
