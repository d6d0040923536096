package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/progress"
	"github.com/infractl/infractl/internal/tf"
)

// app holds what every command shares: global flags, the standard streams,
// and lazily built services (the estate, the terraform runner).
type app struct {
	stdio Stdio

	// global flags
	chdir       string
	tfBinary    string
	parallelism int
	output      string
	// backendConfig completes partial backend blocks for the state
	// commands, as -backend-config does for terraform init.
	backendConfig []string

	log *slog.Logger
	now func() time.Time

	estate *estate.Estate
	ops    *envops.Service
}

func newApp(stdio Stdio) *app {
	return &app{
		stdio: stdio,
		now:   time.Now,
		log:   slog.New(slog.NewTextHandler(stdio.Err, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
}

func (a *app) close() {}

// root returns the absolute estate root.
func (a *app) root() (string, error) {
	dir := a.chdir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("estate directory %s: %w", dir, err)
	}
	return abs, nil
}

// loadEstate reads the estate once per invocation.
func (a *app) loadEstate() (*estate.Estate, error) {
	if a.estate != nil {
		return a.estate, nil
	}
	root, err := a.root()
	if err != nil {
		return nil, err
	}
	e, err := estate.Load(root)
	if err != nil {
		return nil, err
	}
	a.estate = e
	return e, nil
}

// selectEnvs resolves ENV... or --all to environments in declared order.
func (a *app) selectEnvs(names []string, all bool) (*estate.Estate, []*estate.Environment, error) {
	e, err := a.loadEstate()
	if err != nil {
		return nil, nil, err
	}
	envs, err := e.Select(names, all)
	if err != nil {
		return nil, nil, err
	}
	return e, envs, nil
}

// prepare does what every multi-environment command does first: check the
// output format and flags, select the environments and find terraform.
func (a *app) prepare(cmd *cobra.Command, args []string, all bool, formats ...string) (string, *estate.Estate, []*estate.Environment, *envops.Service, error) {
	format, err := a.format(formats...)
	if err != nil {
		return "", nil, nil, nil, err
	}
	if a.parallelism < 0 {
		return "", nil, nil, nil, fmt.Errorf("--parallelism %d: give at least 1, or 0 for the default (one per environment, at most 8)", a.parallelism)
	}
	e, envs, err := a.selectEnvs(args, all)
	if err != nil {
		return "", nil, nil, nil, err
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return "", nil, nil, nil, err
	}
	return format, e, envs, svc, nil
}

// prepareOne is prepare for commands on a single environment.
func (a *app) prepareOne(cmd *cobra.Command, name string, formats ...string) (string, *estate.Environment, *envops.Service, error) {
	format, err := a.format(formats...)
	if err != nil {
		return "", nil, nil, err
	}
	e, err := a.loadEstate()
	if err != nil {
		return "", nil, nil, err
	}
	env, err := e.Env(name)
	if err != nil {
		return "", nil, nil, err
	}
	svc, err := a.service(cmd.Context())
	if err != nil {
		return "", nil, nil, err
	}
	return format, env, svc, nil
}

// service finds and checks the terraform binary once per invocation and
// returns the per-environment operations bound to it.
func (a *app) service(ctx context.Context) (*envops.Service, error) {
	if a.ops != nil {
		return a.ops, nil
	}
	e, err := a.loadEstate()
	if err != nil {
		return nil, err
	}
	bin, err := tf.Find(ctx, tf.FindOptions{Explicit: a.tfBinary, ConfigBinary: e.TerraformBinary, Dir: e.Root})
	if err != nil {
		return nil, err
	}
	runner := &tf.Runner{RunLog: tf.NewRunLog(e.Root, a.now(), a.log), Logger: a.log, Kill: a.stdio.Kill}
	a.ops = &envops.Service{Binary: bin, Runner: runner, Root: e.Root, Now: a.now, Logger: a.log}
	return a.ops, nil
}

// parallelismFor applies the default: one per environment, capped at 8.
func (a *app) parallelismFor(n int) int {
	if a.parallelism > 0 {
		return a.parallelism
	}
	return max(1, min(n, 8))
}

// format validates --output against the formats a command supports.
func (a *app) format(allowed ...string) (string, error) {
	f := a.output
	if f == "" {
		f = allowed[0]
	}
	if !slices.Contains(allowed, f) {
		return "", fmt.Errorf("--output %q is not supported here; use %s", f, joinOr(allowed))
	}
	return f, nil
}

// isTerminal reports whether f is an interactive terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// terminalWidth is the width of the terminal behind f, 0 when unknown.
func terminalWidth(f any) int {
	file, ok := f.(*os.File)
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(file.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// colorEnabled honours NO_COLOR (https://no-color.org) and terminals only.
func colorEnabled(w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	return isTerminal(w)
}

// progressFor returns a live reporter when stderr is a terminal, plain
// timestamped lines otherwise.
func (a *app) progressFor(envs []*estate.Environment) progress.Reporter {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.Name
	}
	live := isTerminal(a.stdio.Err)
	return progress.New(a.stdio.Err, progress.Options{Live: live, Color: live && colorEnabled(a.stdio.Err), Order: names, Width: terminalWidth(a.stdio.Err)})
}

func joinOr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// discardLogger is for components whose logs would only clutter a
// command's own output (the demo's in-process server).
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
