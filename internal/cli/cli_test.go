package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/tf/ui"
)

func TestParallelismDefault(t *testing.T) {
	for _, tc := range []struct{ flag, envs, want int }{
		{0, 1, 1}, {0, 3, 3}, {0, 8, 8}, {0, 20, 8}, {2, 20, 2}, {12, 3, 12}, {0, 0, 1},
	} {
		a := &app{parallelism: tc.flag}
		if got := a.parallelismFor(tc.envs); got != tc.want {
			t.Errorf("--parallelism %d with %d environments: %d, want %d", tc.flag, tc.envs, got, tc.want)
		}
	}
}

func TestConfirm(t *testing.T) {
	s := &plan.Summary{Name: "prod", Add: 2, Replace: 1}
	for _, tc := range []struct {
		answer string
		want   bool
	}{{"yes\n", true}, {"  yes  \n", true}, {"y\n", false}, {"YES\n", false}, {"", false}, {"no\n", false}} {
		var out bytes.Buffer
		got, err := confirm(bufio.NewReader(strings.NewReader(tc.answer)), &out, "prod", s)
		if err != nil || got != tc.want {
			t.Errorf("answer %q: %v %v, want %v", tc.answer, got, err, tc.want)
		}
		if !strings.Contains(out.String(), "prod is protected. Its saved plan: 2 to add, 0 to change, 0 to destroy, 1 to replace") {
			t.Errorf("prompt: %q", out.String())
		}
	}
}

func TestColorEnabled(t *testing.T) {
	var buf bytes.Buffer
	if colorEnabled(&buf) {
		t.Error("color on for a buffer")
	}
	t.Setenv("NO_COLOR", "")
	if colorEnabled(os.Stdout) {
		t.Error("color on with NO_COLOR set")
	}
}

// fakeReporter records what the progress observer reports.
type fakeReporter struct{ phases, counts []string }

func (f *fakeReporter) Phase(env, phase string) { f.phases = append(f.phases, phase) }
func (f *fakeReporter) Count(env string, done, total int) {
	f.counts = append(f.counts, strings.Repeat("x", done))
}
func (f *fakeReporter) Done(env, outcome string, failed bool) {}
func (f *fakeReporter) Close()                                {}

func TestProgressObserverOnlyMovesForward(t *testing.T) {
	rep := &fakeReporter{}
	obs := progressObserver(rep, "dev", "applying")
	hook := &ui.Hook{Resource: ui.ResourceAddr{Addr: "terraform_data.a"}, Action: ui.ActionCreate}
	for _, m := range []*ui.Message{
		{Type: ui.TypePlannedChange, Change: &ui.Change{Resource: ui.ResourceAddr{Addr: "terraform_data.a"}, Action: ui.ActionCreate}},
		{Type: ui.TypeApplyStart, Hook: hook},
		{Type: ui.TypeApplyComplete, Hook: hook},
	} {
		obs(m)
	}
	if len(rep.phases) != 0 {
		t.Errorf("phases reported after starting in applying: %v, want none (never back to planning)", rep.phases)
	}

	rep = &fakeReporter{}
	obs = progressObserver(rep, "dev", "planning")
	obs(&ui.Message{Type: ui.TypeRefreshStart, Hook: hook})
	obs(&ui.Message{Type: ui.TypePlannedChange, Change: &ui.Change{Resource: ui.ResourceAddr{Addr: "terraform_data.a"}, Action: ui.ActionCreate}})
	if strings.Join(rep.phases, ",") != "" {
		t.Errorf("phases %v: refreshing is before planning and must not be shown after it", rep.phases)
	}
}

func TestErrorsAsJSON(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(root+"/environments/dev", 0o755)
	os.WriteFile(root+"/environments/dev/main.tf", []byte(`resource "terraform_data" "x" {}`), 0o644)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"-C", root, "plan", "qa", "-o", "json"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	var got struct {
		Error    string `json:"error"`
		ExitCode int    `json:"exit_code"`
	}
	if code != 1 || json.Unmarshal(out.Bytes(), &got) != nil || !strings.Contains(got.Error, `unknown environment "qa"`) || got.ExitCode != 1 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
	out.Reset()
	code = Main(context.Background(), []string{"-C", root, "plan", "--all", "-p", "-1"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	if code != 1 || !strings.Contains(errb.String(), "--parallelism -1") {
		t.Errorf("--parallelism -1: exit %d, stderr %q", code, errb.String())
	}
}
