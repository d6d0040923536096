package plan

import "testing"

func TestExitCodes(t *testing.T) {
	plans := func(ss ...Status) []Summary {
		out := make([]Summary, len(ss))
		for i, s := range ss {
			out[i].Status = s
		}
		return out
	}
	drifts := func(ss ...Status) []DriftReport {
		out := make([]DriftReport, len(ss))
		for i, s := range ss {
			out[i].Status = s
		}
		return out
	}
	applies := func(ss ...Status) []ApplyReport {
		out := make([]ApplyReport, len(ss))
		for i, s := range ss {
			out[i].Status = s
		}
		return out
	}
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"plan none", PlanExitCode(nil), 0},
		{"plan no changes", PlanExitCode(plans(StatusNoChanges, StatusNoChanges)), 0},
		{"plan changes", PlanExitCode(plans(StatusNoChanges, StatusChanges)), 2},
		{"plan error wins", PlanExitCode(plans(StatusChanges, StatusError)), 1},
		{"plan skipped fails", PlanExitCode(plans(StatusNoChanges, StatusSkipped)), 1},
		{"drift none", DriftExitCode(drifts(StatusNoDrift)), 0},
		{"drift", DriftExitCode(drifts(StatusNoDrift, StatusDrift)), 2},
		{"drift error wins", DriftExitCode(drifts(StatusDrift, StatusError)), 1},
		{"drift skipped fails", DriftExitCode(drifts(StatusSkipped)), 1},
		{"apply ok", ApplyExitCode(applies(StatusApplied, StatusNoChanges)), 0},
		{"apply error", ApplyExitCode(applies(StatusApplied, StatusError)), 1},
		{"apply skipped", ApplyExitCode(applies(StatusSkipped)), 1},
		{"apply refused", ApplyExitCode(applies(StatusRefused)), 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}
