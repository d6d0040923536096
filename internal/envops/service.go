// Package envops runs one terraform operation on one environment: init,
// plan to a saved plan file, apply of that plan, drift detection, import,
// state backup and restore. It holds the safety rules around them (a saved
// plan must match the configuration it was made from; a backup is taken
// before a state is replaced) and knows nothing about parallelism or
// output formats: the CLI schedules environments and renders results.
package envops

import (
	"log/slog"
	"path/filepath"
	"time"

	"github.com/infractl/infractl/internal/tf"
	"github.com/infractl/infractl/internal/tf/ui"
)

// Service runs operations with one terraform binary for one estate.
type Service struct {
	// Binary builds the terraform commands.
	Binary *tf.Binary
	// Runner executes them and keeps run logs.
	Runner *tf.Runner
	// Root is the estate root; infractl's records live in Root/.infractl.
	Root string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives operational events; nil means slog.Default().
	Logger *slog.Logger
}

// Observer receives every UI message of a run, for live progress. It is
// called from the goroutine running the environment.
type Observer func(*ui.Message)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// recordDir is where infractl keeps its per-environment records.
func (s *Service) recordDir(env string) string {
	return filepath.Join(s.Root, ".infractl", "envs", env)
}

func observe(fns ...func(*ui.Message)) func(*ui.Message) {
	return func(m *ui.Message) {
		for _, f := range fns {
			if f != nil {
				f(m)
			}
		}
	}
}
