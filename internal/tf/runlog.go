package tf

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RunLog keeps the raw -json stream of every terraform command of one
// infractl invocation, so a failed or surprising run can be inspected
// afterwards: <estate>/.infractl/runs/<timestamp>/<env>/<command>.jsonl.
// Files are 0600 and directories 0700 because diagnostics may quote values.
//
// The directory is created on first use. Logging is best effort: a failure
// to create or write a log never fails a terraform run; the first failure
// is reported through the logger and later ones are silent.
type RunLog struct {
	root   string // <estate>/.infractl/runs
	stamp  string // e.g. 20261125T175631Z
	logger *slog.Logger

	mu       sync.Mutex
	dir      string // the created run directory, once made
	reported bool
}

// RunsDir is where run logs live, relative to the estate root.
const RunsDir = ".infractl/runs"

// KeepRuns is how many invocations' run logs are kept; older ones are
// removed when a new invocation starts logging, so logs do not pile up.
const KeepRuns = 100

// pruneRuns removes the oldest run directories beyond keep. Run directory
// names are UTC timestamps, so name order is time order.
func pruneRuns(root string, keep int, logger *slog.Logger) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) >= len("20060102T150405Z") && e.Name()[8] == 'T' {
			runs = append(runs, e.Name())
		}
	}
	if len(runs) <= keep {
		return
	}
	sort.Strings(runs)
	for _, name := range runs[:len(runs)-keep] {
		if err := os.RemoveAll(filepath.Join(root, name)); err != nil {
			logger.Warn("removing old run log", "dir", name, "err", err)
		}
	}
}

// NewRunLog prepares the run log of an invocation that started at now. Call
// it once per invocation; it touches the disk only when a command first
// writes a log. A nil logger means slog.Default().
func NewRunLog(estateRoot string, now time.Time, logger *slog.Logger) *RunLog {
	if logger == nil {
		logger = slog.Default()
	}
	return &RunLog{
		root:   filepath.Join(estateRoot, filepath.FromSlash(RunsDir)),
		stamp:  now.UTC().Format("20060102T150405Z"),
		logger: logger.With("component", "tf.runlog"),
	}
}

// Dir returns the run directory, or "" if nothing was logged yet.
func (l *RunLog) Dir() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dir
}

// Create opens a new log file for command in environment env: <env>/
// <command>.jsonl, or <command>-2.jsonl and so on when the command already
// ran for env in this invocation. An empty env files the log at the top of
// the run directory.
func (l *RunLog) Create(env, command string) (*os.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dir == "" {
		dir, err := makeRunDir(l.root, l.stamp)
		if err != nil {
			return nil, err
		}
		l.dir = dir
		pruneRuns(l.root, KeepRuns, l.logger)
	}
	dir := l.dir
	if env != "" {
		dir = filepath.Join(dir, safeName(env))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating run log directory: %w", err)
		}
	}
	base := safeName(command)
	for n := 1; ; n++ {
		name := base + ".jsonl"
		if n > 1 {
			name = base + "-" + strconv.Itoa(n) + ".jsonl"
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("creating run log: %w", err)
		}
		return f, nil
	}
}

// report logs the first logging failure of the invocation.
func (l *RunLog) report(err error) {
	l.mu.Lock()
	first := !l.reported
	l.reported = true
	l.mu.Unlock()
	if first {
		l.logger.Warn("run log unavailable; terraform output is not being saved", "error", err)
	}
}

// open returns a writer for a command's stream that never fails, and the
// file's path ("" if there is none).
func (l *RunLog) open(env, command string) (*logWriter, string) {
	f, err := l.Create(env, command)
	if err != nil {
		l.report(err)
		return &logWriter{}, ""
	}
	return &logWriter{f: f, log: l}, f.Name()
}

// makeRunDir creates <root>/<stamp>, or <stamp>-2 and so on if another
// invocation started in the same second.
func makeRunDir(root, stamp string) (string, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", fmt.Errorf("creating run log directory: %w", err)
	}
	for n := 1; ; n++ {
		dir := filepath.Join(root, stamp)
		if n > 1 {
			dir += "-" + strconv.Itoa(n)
		}
		err := os.Mkdir(dir, 0o700)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("creating run log directory: %w", err)
		}
	}
}

// safeName keeps a name usable as one path element.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." {
		s = "_" + s
	}
	return s
}

// logWriter copies a stream into a log file. It never returns an error:
// after the first failed write it reports once and discards the rest.
type logWriter struct {
	f      *os.File
	log    *RunLog
	failed bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.f == nil || w.failed {
		return len(p), nil
	}
	if _, err := w.f.Write(p); err != nil {
		w.failed = true
		w.log.report(err)
	}
	return len(p), nil
}

func (w *logWriter) Close() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	if err != nil && !w.failed {
		w.log.report(err)
	}
	return nil
}

var _ io.WriteCloser = (*logWriter)(nil)
