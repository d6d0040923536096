package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestPlainLines(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	r := New(&buf, Options{Order: []string{"dev", "prod"}, Now: clock.now})
	r.Phase("dev", "planning")
	r.Phase("dev", "planning") // repeated phases are not repeated
	r.Count("dev", 1, 3)
	clock.t = clock.t.Add(2500 * time.Millisecond)
	r.Done("dev", "1 to add", false)
	r.Close()
	r.Phase("prod", "late") // after Close nothing is written
	want := "17:00:00 dev: planning\n17:00:02 dev: 1 to add (2.5s)\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLiveRedraw(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	r := New(&buf, Options{Live: true, Order: []string{"dev", "staging"}, Now: clock.now, Interval: time.Hour})
	r.Phase("dev", "planning")
	r.Phase("staging", "planning")
	r.Count("staging", 2, 5)
	rr := r.(*reporter)
	rr.draw()
	clock.t = clock.t.Add(time.Second)
	r.Done("dev", "no changes", false)
	r.Done("staging", "error", true)
	r.Close()
	out := buf.String()
	for _, want := range []string{"dev     planning 0s", "staging planning 0s [2/5]", "\x1b[2A", "✓ dev     no changes (1s)", "✗ staging error (1s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("live output lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "\x1b[3") {
		t.Errorf("colors written with Color off: %q", out)
	}
}

func TestLiveLinesFitTheTerminal(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)}
	var buf bytes.Buffer
	r := New(&buf, Options{Live: true, Order: []string{"dev"}, Now: clock.now, Interval: time.Hour, Width: 40})
	r.Done("dev", "failed: "+strings.Repeat("very long error ", 20)+"\nsecond line", true)
	r.Close()
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		visible := strings.TrimPrefix(line, "\r\x1b[2K")
		if n := len([]rune(visible)); n > 39 {
			t.Errorf("line of %d runes on a 40-column terminal: %q", n, visible)
		}
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("a multi-line outcome was not kept on one line: %q", buf.String())
	}
}
