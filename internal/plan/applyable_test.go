package plan

import (
	"errors"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

// TestPlanOnlyFixtures checks the recorded plans whose only change is a
// move, an import, a deferred read or an output: Terraform exited 2 for
// each (record.sh checks it), so infractl must say "changes" and exit 2.
func TestPlanOnlyFixtures(t *testing.T) {
	tests := []struct {
		file string
		want planCounts
		outs int
	}{
		{"plan_move_only.jsonl", planCounts{Move: 1}, 0},
		{"plan_import_only.jsonl", planCounts{Import: 1}, 0},
		{"plan_read_only.jsonl", planCounts{Read: 1}, 0},
		{"plan_output_only.jsonl", planCounts{}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := summarize(readOnly(t, tt.file), nil)
			if got := countsOf(s); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if len(s.OutputChanges) != tt.outs {
				t.Errorf("%d output changes, want %d", len(s.OutputChanges), tt.outs)
			}
			if !s.HasChanges() || s.Status != StatusChanges {
				t.Errorf("HasChanges = %v, status = %q; want true, changes", s.HasChanges(), s.Status)
			}
			if got := PlanExitCode([]Summary{*s}); got != 2 {
				t.Errorf("PlanExitCode = %d, want 2 as terraform -detailed-exitcode", got)
			}
		})
	}
	// And the recorded plan with nothing to do exits 0, as terraform did.
	s := summarize(readUI(t, "plan_no_changes.jsonl"), nil)
	if s.HasChanges() || PlanExitCode([]Summary{*s}) != 0 {
		t.Errorf("plan_no_changes: HasChanges = %v, exit %d; want false, 0", s.HasChanges(), PlanExitCode([]Summary{*s}))
	}
}

// applyOf feeds an apply stream to a report that was told the plan.
func applyOf(plan *Summary, msgs []*ui.Message, err error) *ApplyReport {
	r := &ApplyReport{Name: "dev"}
	r.Expect(plan)
	for _, m := range msgs {
		r.Observe(m)
	}
	r.Finish(err)
	return r
}

// TestApplyExpectOnlyFixtures applies the recorded saved plans: the apply
// stream alone looks like an apply of nothing, the plan says otherwise.
func TestApplyExpectOnlyFixtures(t *testing.T) {
	tests := []struct {
		kind string
		want applyCounts
		// alone is the status from the apply stream without Expect: only
		// the import shows, in Terraform's "1 imported".
		alone Status
	}{
		{"move", applyCounts{}, StatusNoChanges},
		{"import", applyCounts{Imported: 1}, StatusApplied},
		{"read", applyCounts{}, StatusNoChanges},
		{"output", applyCounts{}, StatusNoChanges},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			apply := readOnly(t, "apply_"+tt.kind+"_only.jsonl")
			if r := applyOf(nil, apply, nil); r.Status != tt.alone {
				t.Errorf("without Expect: status = %q, want %q", r.Status, tt.alone)
			}
			saved := summarize(readOnly(t, "plan_"+tt.kind+"_only.jsonl"), nil)
			r := applyOf(saved, apply, nil)
			if r.Status != StatusApplied {
				t.Errorf("status = %q, want applied", r.Status)
			}
			if got := applyCountsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if len(r.Completed)+len(r.Errored) != 0 {
				t.Errorf("completed %v, errored %v; want none", addrs(r.Completed), addrs(r.Errored))
			}
		})
	}
}

// TestApplyExpectSharedFixtures applies the saved plans of testdata/ui:
// Terraform's counts win whenever it sent them.
func TestApplyExpectSharedFixtures(t *testing.T) {
	tests := []struct {
		plan, apply string
		want        applyCounts
		wantStatus  Status
	}{
		{"plan_all_actions.jsonl", "apply_all_actions.jsonl", applyCounts{Added: 2, Changed: 2, Destroyed: 3, Imported: 2}, StatusApplied},
		{"plan_destroy.jsonl", "apply_destroy.jsonl", applyCounts{Destroyed: 2}, StatusApplied},
		{"plan_replace_reasons.jsonl", "apply_replace_reasons.jsonl", applyCounts{Added: 5, Changed: 1, Destroyed: 5}, StatusApplied},
	}
	for _, tt := range tests {
		t.Run(tt.apply, func(t *testing.T) {
			r := applyOf(summarize(readUI(t, tt.plan), nil), readUI(t, tt.apply), nil)
			if got := applyCountsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", r.Status, tt.wantStatus)
			}
		})
	}

	// A failed apply reports what the stream shows, whatever the plan said.
	saved := summarize([]*ui.Message{
		planned("terraform_data.ok", ui.ActionCreate),
		planned("terraform_data.bad", ui.ActionCreate),
		planned("terraform_data.imp", ui.ActionImport, importing("imp-1")),
	}, nil)
	r := applyOf(saved, readUI(t, "apply_errored.jsonl"), errors.New("exit status 1"))
	if r.Status != StatusError || applyCountsOf(r) != (applyCounts{Added: 1}) {
		t.Errorf("apply_errored: status %q, counts %+v; want error with 1 added, 0 imported", r.Status, applyCountsOf(r))
	}
}

func TestApplyExpect(t *testing.T) {
	importOnly := summarize([]*ui.Message{planned("terraform_data.imp", ui.ActionImport, importing("imp-123"))}, nil)
	moveOnly := summarize([]*ui.Message{planned("terraform_data.b", ui.ActionMove, movedFrom("terraform_data.a"))}, nil)
	noChanges := summarize([]*ui.Message{summaryMsg("plan", 0, 0, 0, 0)}, nil)
	tests := []struct {
		name       string
		plan       *Summary
		msgs       []*ui.Message
		err        error
		want       applyCounts
		wantStatus Status
	}{
		{
			name:       "import only, Terraform counted the import",
			plan:       importOnly,
			msgs:       []*ui.Message{msg(ui.TypeVersion), summaryMsg("apply", 0, 0, 1, 0)},
			want:       applyCounts{Imported: 1},
			wantStatus: StatusApplied,
		},
		{
			name:       "import only, no change_summary: the plan's count",
			plan:       importOnly,
			msgs:       []*ui.Message{msg(ui.TypeVersion)},
			want:       applyCounts{Imported: 1},
			wantStatus: StatusApplied,
		},
		{
			name:       "import only, a summary without imports: the plan's count",
			plan:       importOnly,
			msgs:       []*ui.Message{summaryMsg("apply", 0, 0, 0, 0)},
			want:       applyCounts{Imported: 1},
			wantStatus: StatusApplied,
		},
		{
			name:       "move only",
			plan:       moveOnly,
			msgs:       []*ui.Message{msg(ui.TypeVersion), summaryMsg("apply", 0, 0, 0, 0), outputs(nil)},
			wantStatus: StatusApplied,
		},
		{
			name:       "move only, failed",
			plan:       moveOnly,
			msgs:       []*ui.Message{diag("error", "Error acquiring the state lock", "")},
			err:        errors.New("exit status 1"),
			wantStatus: StatusError,
		},
		{
			name:       "import only, failed: nothing imported",
			plan:       importOnly,
			msgs:       []*ui.Message{diag("error", "boom", "")},
			err:        errors.New("exit status 1"),
			wantStatus: StatusError,
		},
		{
			name:       "a plan without changes changes nothing",
			plan:       noChanges,
			msgs:       []*ui.Message{summaryMsg("apply", 0, 0, 0, 0)},
			wantStatus: StatusNoChanges,
		},
		{
			name:       "nil plan changes nothing",
			msgs:       []*ui.Message{summaryMsg("apply", 0, 0, 0, 0)},
			wantStatus: StatusNoChanges,
		},
		{
			name: "Terraform's counts win",
			plan: summarize([]*ui.Message{
				planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
				planned("terraform_data.imp", ui.ActionImport, importing("imp-123")),
			}, nil),
			msgs: []*ui.Message{
				planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
				hook(ui.TypeApplyComplete, "terraform_data.imp2", ui.ActionUpdate, 0, "imp-456"),
				summaryMsg("apply", 0, 1, 2, 0),
			},
			want:       applyCounts{Changed: 1, Imported: 2},
			wantStatus: StatusApplied,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := applyOf(tt.plan, tt.msgs, tt.err)
			if got := applyCountsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", r.Status, tt.wantStatus)
			}
		})
	}
}

// TestApplyExpectAfterJSON is the CLI's path: the plan's Summary is saved
// as JSON beside the plan file and read back before the apply.
func TestApplyExpectAfterJSON(t *testing.T) {
	for _, kind := range []string{"move", "import", "read", "output"} {
		saved := summarize(readOnly(t, "plan_"+kind+"_only.jsonl"), nil)
		back := roundTrip(t, saved)
		if !back.HasChanges() {
			t.Errorf("%s: the saved Summary has no changes after JSON; the CLI would skip the apply", kind)
		}
		if r := applyOf(back, readOnly(t, "apply_"+kind+"_only.jsonl"), nil); r.Status != StatusApplied {
			t.Errorf("%s: status = %q, want applied", kind, r.Status)
		}
	}
}
