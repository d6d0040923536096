package tf

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var stamp = time.Date(2026, 11, 25, 17, 56, 31, 0, time.FixedZone("CET", 3600))

func TestRunLogLayoutAndModes(t *testing.T) {
	estate := t.TempDir()
	l := NewRunLog(estate, stamp, nil)
	if l.Dir() != "" {
		t.Fatalf("Dir() = %q before any log; nothing should be created yet", l.Dir())
	}
	if _, err := os.Stat(filepath.Join(estate, ".infractl")); !os.IsNotExist(err) {
		t.Fatalf("NewRunLog touched the disk: %v", err)
	}

	var paths []string
	for _, c := range []struct{ env, cmd string }{
		{"dev", "plan"}, {"dev", "plan"}, {"dev", "apply"}, {"prod", "plan"}, {"dev", "plan"}, {"", "init"},
	} {
		f, err := l.Create(c.env, c.cmd)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		rel, _ := filepath.Rel(estate, f.Name())
		paths = append(paths, filepath.ToSlash(rel))
	}
	want := []string{
		".infractl/runs/20261125T165631Z/dev/plan.jsonl",
		".infractl/runs/20261125T165631Z/dev/plan-2.jsonl",
		".infractl/runs/20261125T165631Z/dev/apply.jsonl",
		".infractl/runs/20261125T165631Z/prod/plan.jsonl",
		".infractl/runs/20261125T165631Z/dev/plan-3.jsonl",
		".infractl/runs/20261125T165631Z/init.jsonl",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}

	err := filepath.WalkDir(filepath.Join(estate, ".infractl"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRunLogSameSecond checks two invocations starting in the same second
// get separate directories.
func TestRunLogSameSecond(t *testing.T) {
	estate := t.TempDir()
	a := NewRunLog(estate, stamp, nil)
	b := NewRunLog(estate, stamp, nil)
	c := NewRunLog(estate, stamp, nil)
	for _, l := range []*RunLog{a, b, c} {
		f, err := l.Create("dev", "plan")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	got := []string{filepath.Base(a.Dir()), filepath.Base(b.Dir()), filepath.Base(c.Dir())}
	if strings.Join(got, " ") != "20261125T165631Z 20261125T165631Z-2 20261125T165631Z-3" {
		t.Errorf("run dirs = %v", got)
	}
}

func TestRunLogSafeNames(t *testing.T) {
	estate := t.TempDir()
	l := NewRunLog(estate, stamp, nil)
	for _, env := range []string{"..", "../../etc", "a/b", ""} {
		f, err := l.Create(env, "plan")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if !strings.HasPrefix(f.Name(), l.Dir()+string(filepath.Separator)) {
			t.Errorf("env %q escaped the run dir: %s", env, f.Name())
		}
	}
}

// TestRunLogFailureReportedOnce makes the estate unwritable: logging must
// fail quietly, with one warning for the whole invocation.
func TestRunLogFailureReportedOnce(t *testing.T) {
	estate := t.TempDir()
	// A file where the .infractl directory should be makes every Create fail,
	// even when the tests run as root.
	if err := os.WriteFile(filepath.Join(estate, ".infractl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	l := NewRunLog(estate, stamp, slog.New(slog.NewTextHandler(&buf, nil)))
	for range 3 {
		w, path := l.open("dev", "plan")
		if path != "" {
			t.Fatalf("got a log file %s", path)
		}
		if n, err := w.Write([]byte("x\n")); n != 2 || err != nil {
			t.Fatalf("Write = %d, %v; a broken log must not fail the stream", n, err)
		}
		w.Close()
	}
	if n := strings.Count(buf.String(), "run log unavailable"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, buf.String())
	}
}

func TestRunLogKeepsTheNewestRuns(t *testing.T) {
	root := t.TempDir()
	runs := filepath.Join(root, filepath.FromSlash(RunsDir))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < KeepRuns+5; i++ {
		os.MkdirAll(filepath.Join(runs, start.Add(time.Duration(i)*time.Minute).Format("20060102T150405Z")), 0o700)
	}
	os.MkdirAll(filepath.Join(runs, "notes"), 0o700)
	l := NewRunLog(root, start.Add(time.Hour*24), nil)
	f, err := l.Create("dev", "plan")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	entries, _ := os.ReadDir(runs)
	if len(entries) != KeepRuns+1 { // the kept runs plus "notes"
		t.Errorf("%d entries after pruning, want %d", len(entries), KeepRuns+1)
	}
	if _, err := os.Stat(filepath.Join(runs, start.Format("20060102T150405Z"))); err == nil {
		t.Error("the oldest run was kept")
	}
	if _, err := os.Stat(filepath.Join(runs, "notes")); err != nil {
		t.Error("a directory that is not a run was removed")
	}
}
