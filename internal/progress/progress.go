// Package progress shows what every environment is doing during a long
// run: on a terminal one live line per environment (phase, elapsed time,
// resources done), redrawn in place; elsewhere plain timestamped lines that
// read well in CI logs. It writes to stderr so stdout stays machine-readable.
package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Reporter receives progress events from concurrent environment runs.
// Implementations are safe for concurrent use.
type Reporter interface {
	// Phase records that env entered a phase ("init", "planning", ...).
	Phase(env, phase string)
	// Count records resources done out of total (total 0 = unknown).
	Count(env string, done, total int)
	// Done records the final outcome line for env; failed marks an error.
	Done(env, outcome string, failed bool)
	// Close stops redrawing and leaves the final lines on screen.
	Close()
}

// Options configure a Reporter.
type Options struct {
	// Live redraws lines in place (a terminal); otherwise plain lines.
	Live bool
	// Color enables ANSI colors (off when NO_COLOR is set or not a terminal).
	Color bool
	// Order lists environments in display order.
	Order []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Interval is the live redraw period; zero means 200ms.
	Interval time.Duration
	// Width is the terminal's width; live lines are cut to fit it, since
	// a wrapped line would break the redraw. Zero means 80.
	Width int
}

// New returns a live or plain Reporter writing to w.
func New(w io.Writer, opts Options) Reporter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval == 0 {
		opts.Interval = 200 * time.Millisecond
	}
	if opts.Width <= 0 {
		opts.Width = 80
	}
	r := &reporter{w: w, opts: opts, envs: map[string]*envState{}}
	for i, name := range opts.Order {
		r.envs[name] = &envState{name: name, order: i}
	}
	if opts.Live {
		r.stop = make(chan struct{})
		r.stopped = make(chan struct{})
		go r.loop()
	}
	return r
}

type envState struct {
	name        string
	order       int
	phase       string
	done, total int
	start       time.Time
	end         time.Time
	outcome     string
	failed      bool
	finished    bool
}

type reporter struct {
	mu      sync.Mutex
	w       io.Writer
	opts    Options
	envs    map[string]*envState
	drawn   int // lines drawn by the last live frame
	closed  bool
	stop    chan struct{}
	stopped chan struct{}
}

func (r *reporter) env(name string) *envState {
	e, ok := r.envs[name]
	if !ok {
		e = &envState{name: name, order: len(r.envs)}
		r.envs[name] = e
	}
	if e.start.IsZero() {
		e.start = r.opts.Now()
	}
	return e
}

func (r *reporter) Phase(env, phase string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.env(env)
	if e.phase == phase {
		return
	}
	e.phase = phase
	if !r.opts.Live && !r.closed {
		fmt.Fprintf(r.w, "%s %s: %s\n", r.stamp(), env, phase)
	}
}

func (r *reporter) Count(env string, done, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.env(env)
	e.done, e.total = done, total
}

func (r *reporter) Done(env, outcome string, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.env(env)
	e.finished, e.outcome, e.failed, e.end = true, outcome, failed, r.opts.Now()
	if !r.opts.Live && !r.closed {
		fmt.Fprintf(r.w, "%s %s: %s (%s)\n", r.stamp(), env, outcome, round(e.end.Sub(e.start)))
	}
}

func (r *reporter) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	if r.opts.Live {
		close(r.stop)
		<-r.stopped
	}
}

func (r *reporter) loop() {
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	defer close(r.stopped)
	for {
		select {
		case <-t.C:
			r.draw()
		case <-r.stop:
			r.draw()
			return
		}
	}
}

// draw rewrites the block of environment lines in place.
func (r *reporter) draw() {
	r.mu.Lock()
	defer r.mu.Unlock()
	envs := make([]*envState, 0, len(r.envs))
	for _, e := range r.envs {
		if !e.start.IsZero() {
			envs = append(envs, e)
		}
	}
	sort.Slice(envs, func(i, j int) bool { return envs[i].order < envs[j].order })
	var b strings.Builder
	if r.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", r.drawn)
	}
	width := 0
	for _, e := range envs {
		width = max(width, len(e.name))
	}
	now := r.opts.Now()
	for _, e := range envs {
		b.WriteString("\r\x1b[2K")
		b.WriteString(r.line(e, width, now, r.opts.Width-1))
		b.WriteByte('\n')
	}
	r.drawn = len(envs)
	io.WriteString(r.w, b.String())
}

// line renders one environment's live line, at most max runes wide (the
// mark and its color codes aside).
func (r *reporter) line(e *envState, width int, now time.Time, max int) string {
	name := fmt.Sprintf("%-*s", width, e.name)
	if e.finished {
		mark, color := "✓", "32"
		if e.failed {
			mark, color = "✗", "31"
		}
		outcome := strings.ReplaceAll(e.outcome, "\n", " ")
		return r.paint(color, mark) + " " + cut(fmt.Sprintf("%s %s (%s)", name, outcome, round(e.end.Sub(e.start))), max-2)
	}
	s := fmt.Sprintf("%s %s %s", name, e.phase, round(now.Sub(e.start)))
	if e.total > 0 {
		s += fmt.Sprintf(" [%d/%d]", e.done, e.total)
	} else if e.done > 0 {
		s += fmt.Sprintf(" [%d]", e.done)
	}
	return r.paint("36", "…") + " " + cut(s, max-2)
}

// cut shortens s to n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	if n < 1 {
		n = 1
	}
	runes := []rune(s)
	if len(runes) <= n {
		return s
	}
	return string(runes[:n-1]) + "…"
}

func (r *reporter) paint(code, s string) string {
	if !r.opts.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (r *reporter) stamp() string {
	return r.opts.Now().UTC().Format("15:04:05")
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
