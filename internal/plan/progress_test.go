package plan

import (
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

func TestProgress(t *testing.T) {
	type step struct {
		m    *ui.Message
		want string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "plan",
			steps: []step{
				{msg(ui.TypeVersion), "starting"},
				{hook(ui.TypeRefreshStart, "a.b", "", 0, "x"), "refreshing 0"},
				{hook(ui.TypeRefreshComplete, "a.b", "", 0, "x"), "refreshing 1"},
				// A data source read while planning is not the apply.
				{hook(ui.TypeApplyStart, "data.x.y", ui.ActionRead, 0, ""), "refreshing 1"},
				{hook(ui.TypeApplyComplete, "data.x.y", ui.ActionRead, 0, ""), "refreshing 1"},
				{planned("a.b", ui.ActionUpdate), "planning 1"},
				{planned("a.c", ui.ActionReplace), "planning 2"},
				{summaryMsg("plan", 1, 1, 0, 1), "planning 2"},
			},
		},
		{
			name: "apply of a saved plan",
			steps: []step{
				{msg(ui.TypeVersion), "starting"},
				{planned("a.b", ui.ActionUpdate), "planning 1"},
				{planned("a.c", ui.ActionReplace), "planning 2"},
				{planned("a.d", ui.ActionRemove), "planning 3"},
				{planned("data.e.f", ui.ActionRead), "planning 4"},
				{hook(ui.TypeApplyStart, "a.c", ui.ActionDelete, 0, ""), "applying 0/4"},
				{hook(ui.TypeApplyComplete, "a.c", ui.ActionDelete, 0, ""), "applying 1/4"},
				{hook(ui.TypeApplyStart, "a.c", ui.ActionCreate, 0, ""), "applying 1/4"},
				{hook(ui.TypeApplyProgress, "a.c", ui.ActionCreate, 10, ""), "applying 1/4"},
				{hook(ui.TypeApplyComplete, "a.c", ui.ActionCreate, 0, ""), "applying 2/4"},
				{hook(ui.TypeApplyErrored, "a.b", ui.ActionUpdate, 0, ""), "applying 3/4"},
				{summaryMsg("apply", 1, 0, 0, 1), "done"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Progress
			for i, s := range tt.steps {
				p.Observe(s.m)
				if got := p.String(); got != s.want {
					t.Fatalf("after step %d (%s): %q, want %q", i, s.m.Type, got, s.want)
				}
			}
		})
	}
}

func TestProgressFollowsReports(t *testing.T) {
	s := &Summary{}
	s.Observe(planned("a.b", ui.ActionCreate))
	if s.Progress.Planned != 1 {
		t.Errorf("Planned = %d, want 1", s.Progress.Planned)
	}
	s.Observe(diag("error", "boom", ""))
	s.Finish(nil)
	if s.Progress.Phase != PhaseFailed {
		t.Errorf("Phase = %q, want failed", s.Progress.Phase)
	}

	r := &ApplyReport{}
	r.Observe(planned("a.b", ui.ActionCreate))
	r.Observe(hook(ui.TypeApplyStart, "a.b", ui.ActionCreate, 0, ""))
	if r.Progress.Current != "a.b" {
		t.Errorf("Current = %q, want a.b", r.Progress.Current)
	}
	r.Finish(nil)
	if r.Progress.Phase != PhaseDone {
		t.Errorf("Phase = %q, want done", r.Progress.Phase)
	}
}
