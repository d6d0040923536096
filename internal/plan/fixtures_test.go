package plan

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

// The real streams recorded with Terraform 1.11.4 by testdata/ui/record.sh;
// testdata/ui/README.md describes each one.
const uiFixtures = "../../testdata/ui"

// onlyFixtures are this package's own recordings (testdata/ui/README.md):
// plans whose only change is a move, an import, a read or an output.
const onlyFixtures = "testdata/ui"

// readUI decodes a recorded -json stream with the UI decoder the runner
// uses.
func readUI(t testing.TB, name string) []*ui.Message {
	t.Helper()
	return readUIFile(t, filepath.Join(uiFixtures, name))
}

// readOnly decodes one of this package's recordings in onlyFixtures.
func readOnly(t testing.TB, name string) []*ui.Message {
	t.Helper()
	return readUIFile(t, filepath.Join(onlyFixtures, name))
}

func readUIFile(t testing.TB, path string) []*ui.Message {
	t.Helper()
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var msgs []*ui.Message
	dec := ui.NewDecoder(f)
	for {
		m, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return msgs
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Level == ui.LevelRaw {
			t.Fatalf("%s: not a UI message: %q", name, m.Text)
		}
		m.Raw = nil // only valid until the next call
		msgs = append(msgs, m)
	}
}

// TestSummaryReadmeCounts runs every recorded stream through a Summary and
// compares with the counts table in testdata/ui/README.md, copied here; a
// new fixture must be added to both.
func TestSummaryReadmeCounts(t *testing.T) {
	readme := map[string]planCounts{
		"init.jsonl":                          {},
		"plan_all_actions.jsonl":              {Add: 1, Change: 2, Destroy: 2, Replace: 1, Import: 2, Move: 1, Forget: 1, Read: 1},
		"apply_all_actions.jsonl":             {Add: 1, Change: 2, Destroy: 2, Replace: 1, Import: 1, Forget: 1, Read: 1},
		"plan_no_changes.jsonl":               {},
		"plan_replace_reasons.jsonl":          {Change: 1, Replace: 5},
		"apply_replace_reasons.jsonl":         {Change: 1, Replace: 5},
		"refresh_only_drift.jsonl":            {Drift: 1},
		"plan_destroy.jsonl":                  {Destroy: 2},
		"apply_destroy.jsonl":                 {Destroy: 2},
		"destroy.jsonl":                       {Destroy: 2},
		"apply_errored.jsonl":                 {Add: 2},
		"apply_progress.jsonl":                {Add: 1},
		"apply_interrupted.jsonl":             {Add: 1},
		"plan_error_invalid_reference.jsonl":  {},
		"plan_delete_reasons.jsonl":           {Add: 2, Destroy: 8, Move: 2},
		"plan_read_reasons.jsonl":             {Add: 1, Read: 2},
		"apply_read_reasons.jsonl":            {Add: 1, Read: 2},
		"plan_check_nested_only.jsonl":        {Read: 1},
		"plan_ephemeral.jsonl":                {Add: 2},
		"apply_ephemeral.jsonl":               {Add: 2},
		"apply_ephemeral_renew_errored.jsonl": {Add: 1},
		"plan_ephemeral_open_errored.jsonl":   {},
		"plan_ephemeral_progress.jsonl":       {},
		"plan_error_var_validation.jsonl":     {},
		"test_suite.jsonl":                    {},
	}
	files, err := filepath.Glob(filepath.Join(uiFixtures, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures in %s", uiFixtures)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := readme[name]
			if !ok {
				t.Fatalf("%s is not in the README table copied into this test", name)
			}
			s := &Summary{}
			for _, m := range readUI(t, name) {
				s.Observe(m)
			}
			s.Finish(nil)
			if got := countsOf(s); got != want {
				t.Errorf("counts = %+v, want %+v", got, want)
			}
		})
	}
}

func TestSummaryFixtures(t *testing.T) {
	tests := []struct {
		file       string
		want       planCounts
		wantStatus Status
		wantTF     *ui.ChangeSummary
		wantError  string
		wantRes    int
	}{
		{
			file:       "plan_all_actions.jsonl",
			want:       planCounts{Add: 1, Change: 2, Destroy: 2, Replace: 1, Import: 2, Move: 1, Forget: 1, Read: 1},
			wantStatus: StatusChanges,
			wantTF:     &ui.ChangeSummary{Add: 2, Change: 2, Import: 2, Remove: 3, Operation: "plan"},
			wantRes:    10,
		},
		{
			file:       "plan_replace_reasons.jsonl",
			want:       planCounts{Change: 1, Replace: 5},
			wantStatus: StatusChanges,
			wantTF:     &ui.ChangeSummary{Add: 5, Change: 1, Remove: 5, Operation: "plan"},
			wantRes:    6,
		},
		{
			file:       "plan_destroy.jsonl",
			want:       planCounts{Destroy: 2},
			wantStatus: StatusChanges,
			wantTF:     &ui.ChangeSummary{Remove: 2, Operation: "plan"},
			wantRes:    2,
		},
		{
			file:       "plan_no_changes.jsonl",
			wantStatus: StatusNoChanges,
			wantTF:     &ui.ChangeSummary{Operation: "plan"},
		},
		{
			file:       "plan_error_invalid_reference.jsonl",
			wantStatus: StatusError,
			wantError:  `main.tf:6: Reference to undeclared resource: A managed resource "terraform_data" "nope" has not been declared in the root module.`,
		},
		{
			file:       "plan_error_var_validation.jsonl",
			wantStatus: StatusError,
			wantTF:     &ui.ChangeSummary{Operation: "plan"},
			wantError:  "main.tf:1: Invalid value for variable: The size must be below 10.\n\nThis was checked by the validation rule at main.tf:3,3-13.",
		},
		{
			// A refresh-only stream read as a plan: the pending move is drift,
			// and the output it changes makes the plan applyable.
			file:       "refresh_only_drift.jsonl",
			want:       planCounts{Drift: 1},
			wantStatus: StatusChanges,
			wantTF:     &ui.ChangeSummary{Operation: "plan"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := &Summary{Name: "fixture"}
			for _, m := range readUI(t, tt.file) {
				s.Observe(m)
			}
			s.Finish(nil)
			if got := countsOf(s); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if s.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", s.Status, tt.wantStatus)
			}
			if !reflect.DeepEqual(s.TerraformSummary, tt.wantTF) {
				t.Errorf("terraform summary = %+v, want %+v", s.TerraformSummary, tt.wantTF)
			}
			if s.Error != tt.wantError {
				t.Errorf("error = %q, want %q", s.Error, tt.wantError)
			}
			if len(s.Resources) != tt.wantRes {
				t.Errorf("%d resources, want %d", len(s.Resources), tt.wantRes)
			}
		})
	}
}

func TestSummaryFixtureResources(t *testing.T) {
	s := &Summary{}
	for _, m := range readUI(t, "plan_all_actions.jsonl") {
		s.Observe(m)
	}
	s.Finish(nil)
	want := []ResourceChange{
		{Address: "data.terraform_remote_state.pending", Action: ActionRead, Reason: ui.ReasonReadConfigUnknown},
		{Address: "terraform_data.cnt[2]", Action: ActionDelete, Reason: ui.ReasonDeleteCountIndex},
		{Address: "terraform_data.del", Action: ActionDelete, Reason: ui.ReasonDeleteNoResourceConfig},
		{Address: "terraform_data.gone", Action: ActionForget, Reason: ui.ReasonDeleteNoResourceConfig},
		{Address: "terraform_data.imp", Action: ActionImport, ImportID: "imp-123"},
		{Address: "terraform_data.imp2", Action: ActionUpdate, ImportID: "imp-456"},
		{Address: "terraform_data.moved_to", Action: ActionMove, PreviousAddress: "terraform_data.old"},
		{Address: "terraform_data.new", Action: ActionCreate},
		{Address: "terraform_data.rep", Action: ActionReplace, Reason: ui.ReasonCannotUpdate},
		{Address: "terraform_data.upd", Action: ActionUpdate},
	}
	if !reflect.DeepEqual(s.Resources, want) {
		t.Errorf("resources:\n got %+v\nwant %+v", s.Resources, want)
	}
	wantOut := []OutputChange{
		{"gone_out", "delete"}, {"o_new", "create"}, {"o_upd", "update"},
		{"pending_region", "create"}, {"region", "create"},
	}
	if !reflect.DeepEqual(s.OutputChanges, wantOut) {
		t.Errorf("outputs = %+v, want %+v", s.OutputChanges, wantOut)
	}
	if s.Progress.Refreshed != 10 || s.Progress.Planned != 10 {
		t.Errorf("progress = %+v, want 10 refreshed and 10 planned", s.Progress)
	}
}

func TestApplyFixtures(t *testing.T) {
	tests := []struct {
		file          string
		want          applyCounts
		wantStatus    Status
		wantCompleted []string
		wantErrored   []string
		wantError     string
	}{
		{
			file:       "apply_all_actions.jsonl",
			want:       applyCounts{Added: 2, Changed: 2, Destroyed: 3, Imported: 2},
			wantStatus: StatusApplied,
			wantCompleted: []string{
				"delete terraform_data.cnt[2]", "delete terraform_data.rep",
				"create terraform_data.rep", "update terraform_data.imp2",
				"delete terraform_data.del", "update terraform_data.upd", "create terraform_data.new",
			},
			wantErrored: []string{},
		},
		{
			file:          "apply_destroy.jsonl",
			want:          applyCounts{Destroyed: 2},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"delete terraform_data.one", "delete terraform_data.two"},
			wantErrored:   []string{},
		},
		{
			// `terraform destroy -json`: a plan, then a "destroy" summary.
			file:          "destroy.jsonl",
			want:          applyCounts{Destroyed: 2},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"delete terraform_data.one", "delete terraform_data.two"},
			wantErrored:   []string{},
		},
		{
			file:          "apply_errored.jsonl",
			want:          applyCounts{Added: 1},
			wantStatus:    StatusError,
			wantCompleted: []string{"create terraform_data.ok"},
			wantErrored:   []string{"create terraform_data.bad"},
			wantError:     "main.tf:11: terraform_data.bad: local-exec provisioner error: Error running command 'echo about-to-fail; exit 1': exit status 1. Output: about-to-fail",
		},
		{
			file:          "apply_interrupted.jsonl",
			wantStatus:    StatusError,
			wantCompleted: []string{},
			wantErrored:   []string{"create terraform_data.long"},
			wantError:     "main.tf:3: terraform_data.long: local-exec provisioner error: Error running command 'sleep 30': signal: killed. Output:\n(and 2 more errors)",
		},
		{
			file:          "apply_progress.jsonl",
			want:          applyCounts{Added: 1},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"create terraform_data.slow"},
			wantErrored:   []string{},
		},
		{
			file:        "apply_replace_reasons.jsonl",
			want:        applyCounts{Added: 5, Changed: 1, Destroyed: 5},
			wantStatus:  StatusApplied,
			wantErrored: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := &ApplyReport{Name: "fixture"}
			for _, m := range readUI(t, tt.file) {
				r.Observe(m)
			}
			r.Finish(nil)
			if got := applyCountsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", r.Status, tt.wantStatus)
			}
			// Terraform applies independent resources in parallel, so the
			// order across resources differs between recordings.
			if got := sorted(addrs(r.Completed)); tt.wantCompleted != nil && !reflect.DeepEqual(got, sorted(tt.wantCompleted)) {
				t.Errorf("completed = %q, want %q in any order", got, tt.wantCompleted)
			}
			if got := addrs(r.Errored); !reflect.DeepEqual(got, tt.wantErrored) {
				t.Errorf("errored = %q, want %q", got, tt.wantErrored)
			}
			if r.Error != tt.wantError {
				t.Errorf("error = %q, want %q", r.Error, tt.wantError)
			}
			if !tt.wantStatus.Failed() && r.Progress.Done != r.Progress.Steps {
				t.Errorf("progress %s: a finished apply should be %d/%d", r.Progress, r.Progress.Steps, r.Progress.Steps)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestApplyFixtureReplaceOrder checks the two hooks of each replace: delete
// then create, except create_before_destroy (terraform_data.cbd).
func TestApplyFixtureReplaceOrder(t *testing.T) {
	r := &ApplyReport{}
	for _, m := range readUI(t, "apply_replace_reasons.jsonl") {
		r.Observe(m)
	}
	r.Finish(nil)
	order := map[string][]Action{}
	for _, h := range r.Completed {
		order[h.Address] = append(order[h.Address], h.Action)
	}
	for addr, want := range map[string][]Action{
		"terraform_data.req":         {ActionDelete, ActionCreate},
		"terraform_data.triggered":   {ActionDelete, ActionCreate},
		"terraform_data.tainted":     {ActionDelete, ActionCreate},
		"terraform_data.cannot":      {ActionDelete, ActionCreate},
		"terraform_data.cbd":         {ActionCreate, ActionDelete},
		"terraform_data.trigger_src": {ActionUpdate},
	} {
		if !reflect.DeepEqual(order[addr], want) {
			t.Errorf("%s: hooks %v, want %v", addr, order[addr], want)
		}
	}
}

func TestDriftFixture(t *testing.T) {
	r := &DriftReport{Name: "fixture"}
	for _, m := range readUI(t, "refresh_only_drift.jsonl") {
		r.Observe(m)
	}
	r.AttachPlan(readPlanJSON(t, filepath.Join(uiFixtures, "refresh_only_drift.plan.json")))
	r.Finish(nil)
	want := []DriftedResource{{
		Address: "terraform_data.moved2", Action: ActionMove, PreviousAddress: "terraform_data.moved_to",
	}}
	if !reflect.DeepEqual(r.Resources, want) {
		t.Errorf("resources = %+v, want %+v", r.Resources, want)
	}
	// terraform plan -refresh-only -detailed-exitcode exits 0 for a move.
	if r.Status != StatusNoDrift {
		t.Errorf("status = %q, want no-drift", r.Status)
	}
}

// TestPlanJSONFixtures reads every recorded plan with tfjson and
// checks AttachPlan finds only the drift the stream reported.
func TestPlanJSONFixtures(t *testing.T) {
	for file, wantDrift := range map[string]int{
		"plan_all_actions.plan.json":     0,
		"plan_destroy.plan.json":         0,
		"plan_no_changes.plan.json":      0,
		"plan_replace_reasons.plan.json": 0,
		"refresh_only_drift.plan.json":   1,
	} {
		r := &DriftReport{}
		r.AttachPlan(readPlanJSON(t, filepath.Join(uiFixtures, file)))
		r.Finish(nil)
		if len(r.Resources) != wantDrift {
			t.Errorf("%s: %d drifted resources, want %d", file, len(r.Resources), wantDrift)
		}
	}
}
