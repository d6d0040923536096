package plan

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

type planCounts struct {
	Add, Change, Destroy, Replace, Import, Move, Forget, Read, Drift int
}

func countsOf(s *Summary) planCounts {
	return planCounts{s.Add, s.Change, s.Destroy, s.Replace, s.Import, s.Move, s.Forget, s.Read, s.Drift}
}

func summarize(msgs []*ui.Message, err error) *Summary {
	s := &Summary{Name: "dev"}
	for _, m := range msgs {
		s.Observe(m)
	}
	s.Finish(err)
	return s
}

func TestSummaryCounting(t *testing.T) {
	tests := []struct {
		name       string
		msgs       []*ui.Message
		err        error
		want       planCounts
		wantStatus Status
		wantError  string
		wantRes    []ResourceChange // checked when non-nil
	}{
		{
			name:       "empty plan",
			msgs:       []*ui.Message{msg(ui.TypeVersion), summaryMsg("plan", 0, 0, 0, 0)},
			wantStatus: StatusNoChanges,
		},
		{
			name:       "create",
			msgs:       []*ui.Message{planned("terraform_data.new", ui.ActionCreate)},
			want:       planCounts{Add: 1},
			wantStatus: StatusChanges,
			wantRes:    []ResourceChange{{Address: "terraform_data.new", Action: ActionCreate}},
		},
		{
			name:       "update",
			msgs:       []*ui.Message{planned("terraform_data.upd", ui.ActionUpdate)},
			want:       planCounts{Change: 1},
			wantStatus: StatusChanges,
		},
		{
			name:       "delete, no resource config",
			msgs:       []*ui.Message{planned("terraform_data.del", ui.ActionDelete, reason(ui.ReasonDeleteNoResourceConfig))},
			want:       planCounts{Destroy: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.del", Action: ActionDelete,
				Reason: ui.ReasonDeleteNoResourceConfig}},
		},
		{
			name:       "delete_because_count_index",
			msgs:       []*ui.Message{planned("terraform_data.cnt[1]", ui.ActionDelete, reason(ui.ReasonDeleteCountIndex))},
			want:       planCounts{Destroy: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.cnt[1]", Action: ActionDelete,
				Reason: ui.ReasonDeleteCountIndex}},
		},
		{
			name: "every delete reason",
			msgs: []*ui.Message{
				planned("a.each[\"x\"]", ui.ActionDelete, reason(ui.ReasonDeleteEachKey)),
				planned("a.rep[0]", ui.ActionDelete, reason(ui.ReasonDeleteWrongRepetition)),
				planned("module.gone.a.b", ui.ActionDelete, reason(ui.ReasonDeleteNoModule)),
				planned("a.nomove", ui.ActionDelete, reason(ui.ReasonDeleteNoMoveTarget)),
			},
			want:       planCounts{Destroy: 4},
			wantStatus: StatusChanges,
		},
		{
			name: "replace with each reason, not folded into add and destroy",
			msgs: []*ui.Message{
				planned("terraform_data.cannot", ui.ActionReplace, reason(ui.ReasonCannotUpdate)),
				planned("terraform_data.tainted", ui.ActionReplace, reason(ui.ReasonTainted)),
				planned("terraform_data.req", ui.ActionReplace, reason(ui.ReasonRequested)),
				planned("terraform_data.triggered", ui.ActionReplace, reason(ui.ReasonReplaceTriggered)),
				planned("terraform_data.unknown", ui.ActionReplace, reason(ui.ReasonUnknown)),
				summaryMsg("plan", 5, 0, 0, 5),
			},
			want:       planCounts{Replace: 5},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{
				{Address: "terraform_data.cannot", Action: ActionReplace, Reason: ui.ReasonCannotUpdate},
				{Address: "terraform_data.req", Action: ActionReplace, Reason: ui.ReasonRequested},
				{Address: "terraform_data.tainted", Action: ActionReplace, Reason: ui.ReasonTainted},
				{Address: "terraform_data.triggered", Action: ActionReplace, Reason: ui.ReasonReplaceTriggered},
				{Address: "terraform_data.unknown", Action: ActionReplace, Reason: ui.ReasonUnknown},
			},
		},
		{
			// create_before_destroy is still "replace" in the stream; only
			// the apply hooks (create, then delete) tell it apart.
			name:       "replace with create_before_destroy",
			msgs:       []*ui.Message{planned("terraform_data.cbd", ui.ActionReplace, reason(ui.ReasonCannotUpdate))},
			want:       planCounts{Replace: 1},
			wantStatus: StatusChanges,
		},
		{
			name:       "move only is a change though Terraform prints 0/0/0",
			msgs:       []*ui.Message{planned("terraform_data.moved_to", ui.ActionMove, movedFrom("terraform_data.old")), summaryMsg("plan", 0, 0, 0, 0)},
			want:       planCounts{Move: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.moved_to", Action: ActionMove,
				PreviousAddress: "terraform_data.old"}},
		},
		{
			name:       "move and update",
			msgs:       []*ui.Message{planned("terraform_data.b", ui.ActionUpdate, movedFrom("terraform_data.a"))},
			want:       planCounts{Change: 1, Move: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.b", Action: ActionUpdate,
				PreviousAddress: "terraform_data.a"}},
		},
		{
			name:       "move and replace",
			msgs:       []*ui.Message{planned("terraform_data.b", ui.ActionReplace, reason(ui.ReasonCannotUpdate), movedFrom("terraform_data.a"))},
			want:       planCounts{Replace: 1, Move: 1},
			wantStatus: StatusChanges,
		},
		{
			name:       "import only",
			msgs:       []*ui.Message{planned("terraform_data.imp", ui.ActionImport, importing("imp-123"))},
			want:       planCounts{Import: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.imp", Action: ActionImport,
				ImportID: "imp-123"}},
		},
		{
			name:       "import and update",
			msgs:       []*ui.Message{planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456"))},
			want:       planCounts{Change: 1, Import: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.imp2", Action: ActionUpdate,
				ImportID: "imp-456"}},
		},
		{
			name:       "import with an unknown id",
			msgs:       []*ui.Message{planned("terraform_data.imp", ui.ActionImport, importing(""))},
			want:       planCounts{Import: 1},
			wantStatus: StatusChanges,
			wantRes:    []ResourceChange{{Address: "terraform_data.imp", Action: ActionImport}},
		},
		{
			name:       "import then move reports move and counts both",
			msgs:       []*ui.Message{planned("terraform_data.b", ui.ActionMove, importing("x"), movedFrom("terraform_data.a"))},
			want:       planCounts{Import: 1, Move: 1},
			wantStatus: StatusChanges,
		},
		{
			name:       "forget (removed with destroy = false)",
			msgs:       []*ui.Message{planned("terraform_data.gone", ui.ActionRemove, reason(ui.ReasonDeleteNoResourceConfig)), summaryMsg("plan", 0, 0, 0, 0)},
			want:       planCounts{Forget: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "terraform_data.gone", Action: ActionForget,
				Reason: ui.ReasonDeleteNoResourceConfig}},
		},
		{
			// Terraform's applyable rule: a read is an action other than
			// no-op, so `plan -detailed-exitcode` exits 2.
			name: "a deferred read alone is a change",
			msgs: []*ui.Message{
				planned("data.terraform_remote_state.r", ui.ActionRead, reason(ui.ReasonReadConfigUnknown)),
				summaryMsg("plan", 0, 0, 0, 0),
			},
			want:       planCounts{Read: 1},
			wantStatus: StatusChanges,
			wantRes: []ResourceChange{{Address: "data.terraform_remote_state.r", Action: ActionRead,
				Reason: ui.ReasonReadConfigUnknown}},
		},
		{
			name: "reads for every reason are changes",
			msgs: []*ui.Message{
				planned("data.terraform_remote_state.r", ui.ActionRead, reason(ui.ReasonReadConfigUnknown)),
				planned("data.x.dep", ui.ActionRead, reason(ui.ReasonReadDependencyPending)),
				planned("data.x.check", ui.ActionRead, reason(ui.ReasonReadCheckNested)),
			},
			want:       planCounts{Read: 3},
			wantStatus: StatusChanges,
		},
		{
			name:       "drift and a data source read during the plan are not changes",
			msgs:       []*ui.Message{hook(ui.TypeApplyComplete, "data.x.known", ui.ActionRead, 0, ""), drifted("terraform_data.a", ui.ActionUpdate)},
			want:       planCounts{Drift: 1},
			wantStatus: StatusNoChanges,
		},
		{
			name: "noop and ephemeral actions are ignored",
			msgs: []*ui.Message{
				planned("terraform_data.same", ui.ActionNoop),
				planned("ephemeral.random_password.p", ui.ActionOpen),
				planned("ephemeral.random_password.p", ui.ActionRenew),
				planned("ephemeral.random_password.p", ui.ActionClose),
			},
			wantStatus: StatusNoChanges,
			wantRes:    []ResourceChange{},
		},
		{
			name: "drift alone is not a change",
			msgs: []*ui.Message{
				drifted("terraform_data.a", ui.ActionUpdate),
				drifted("terraform_data.b", ui.ActionDelete),
			},
			want:       planCounts{Drift: 2},
			wantStatus: StatusNoChanges,
		},
		{
			name:       "output-only change",
			msgs:       []*ui.Message{summaryMsg("plan", 0, 0, 0, 0), outputs(map[string]string{"o1": "update", "same": "noop"})},
			wantStatus: StatusChanges,
		},
		{
			name:       "unchanged outputs",
			msgs:       []*ui.Message{outputs(map[string]string{"o1": "noop"})},
			wantStatus: StatusNoChanges,
		},
		{
			name: "error diagnostic with file and line",
			msgs: []*ui.Message{
				diag("warning", "Value for undeclared variable", "ignored"),
				diagAt("Reference to undeclared resource", `A managed resource "terraform_data" "nope" has not been declared in the root module.`, "", "main.tf", 3),
			},
			err:        errors.New("exit status 1"),
			wantStatus: StatusError,
			wantError:  `main.tf:3: Reference to undeclared resource: A managed resource "terraform_data" "nope" has not been declared in the root module.`,
		},
		{
			name: "error diagnostic with address, and the errors after it",
			msgs: []*ui.Message{
				diagAt("local-exec provisioner error", "exit status 1", "terraform_data.bad", "main.tf", 11),
				diag("error", "execution halted", ""),
				diag("error", "execution halted", ""),
			},
			err:        errors.New("exit status 1"),
			wantStatus: StatusError,
			wantError:  "main.tf:11: terraform_data.bad: local-exec provisioner error: exit status 1\n(and 2 more errors)",
		},
		{
			name:       "error diagnostic without location, run error nil",
			msgs:       []*ui.Message{diag("error", "Invalid value for variable", "must be one of dev, prod")},
			wantStatus: StatusError,
			wantError:  "Invalid value for variable: must be one of dev, prod",
		},
		{
			name:       "run error without diagnostics",
			msgs:       []*ui.Message{msg(ui.TypeVersion)},
			err:        errors.New("terraform plan: signal: killed"),
			wantStatus: StatusError,
			wantError:  "terraform plan: signal: killed",
		},
		{
			name:       "partial plan before an error still counts",
			msgs:       []*ui.Message{planned("a.b", ui.ActionCreate), diag("error", "boom", "")},
			err:        errors.New("exit status 1"),
			want:       planCounts{Add: 1},
			wantStatus: StatusError,
			wantError:  "boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(tt.msgs, tt.err)
			if got := countsOf(s); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if s.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", s.Status, tt.wantStatus)
			}
			if s.Error != tt.wantError {
				t.Errorf("error = %q, want %q", s.Error, tt.wantError)
			}
			if tt.wantRes != nil {
				got := s.Resources
				if got == nil {
					got = []ResourceChange{}
				}
				if !reflect.DeepEqual(got, tt.wantRes) {
					t.Errorf("resources = %+v, want %+v", got, tt.wantRes)
				}
			}
		})
	}
}

func TestSummaryTerraformSummary(t *testing.T) {
	s := summarize([]*ui.Message{
		summaryMsg("plan", 2, 2, 2, 3),
		summaryMsg("apply", 9, 9, 9, 9), // from `apply -json` without a plan file
	}, nil)
	want := &ui.ChangeSummary{Add: 2, Change: 2, Import: 2, Remove: 3, Operation: "plan"}
	if !reflect.DeepEqual(s.TerraformSummary, want) {
		t.Errorf("TerraformSummary = %+v, want %+v", s.TerraformSummary, want)
	}
}

func TestSummaryDoesNotKeepDecoderMemory(t *testing.T) {
	// A decoder may reuse one Message for every line.
	m := summaryMsg("plan", 1, 0, 0, 0)
	s := &Summary{}
	s.Observe(m)
	m.Changes.Add = 42
	if s.TerraformSummary.Add != 1 {
		t.Errorf("TerraformSummary aliases the message: add = %d", s.TerraformSummary.Add)
	}
}

func TestSummaryOutputChangesSorted(t *testing.T) {
	s := summarize([]*ui.Message{outputs(map[string]string{
		"z": "create", "a": "delete", "m": "update", "same": "noop",
	})}, nil)
	want := []OutputChange{{"a", "delete"}, {"m", "update"}, {"z", "create"}}
	if !reflect.DeepEqual(s.OutputChanges, want) {
		t.Errorf("OutputChanges = %+v, want %+v", s.OutputChanges, want)
	}
}

func TestSummarySkip(t *testing.T) {
	s := &Summary{Name: "prod"}
	s.Skip("dependency staging failed")
	s.Finish(nil)
	if s.Status != StatusSkipped || s.Error != "dependency staging failed" {
		t.Errorf("got %q %q, want skipped with the reason", s.Status, s.Error)
	}
	if !s.Status.Failed() {
		t.Error("skipped must count as a failure")
	}
}

func TestSummaryJSONContract(t *testing.T) {
	s := summarize(nil, nil)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	keys := []string{"name", "status", "add", "change", "destroy", "replace", "import", "move",
		"forget", "read", "drift", "terraform_summary", "resources", "error", "outputs"}
	if len(got) != len(keys) {
		t.Errorf("got %d keys, want exactly %v: %s", len(got), keys, b)
	}
	for _, k := range keys {
		if _, ok := got[k]; !ok {
			t.Errorf("key %q missing: %s", k, b)
		}
	}
	if res, ok := got["resources"].([]any); !ok || len(res) != 0 {
		t.Errorf("resources = %#v, want []", got["resources"])
	}
	if out, ok := got["outputs"].([]any); !ok || len(out) != 0 {
		t.Errorf("outputs = %#v, want []", got["outputs"])
	}
	if got["terraform_summary"] != nil {
		t.Errorf("terraform_summary = %#v, want null", got["terraform_summary"])
	}

	rc, err := json.Marshal(ResourceChange{Address: "a.b", Action: ActionCreate})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"address":"a.b","action":"create","reason":""}`; string(rc) != want {
		t.Errorf("resource = %s, want %s", rc, want)
	}
}

func TestSummaryJSONOutputs(t *testing.T) {
	s := summarize([]*ui.Message{outputs(map[string]string{"o1": "update", "gone": "delete", "same": "noop"})}, nil)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Outputs json.RawMessage `json:"outputs"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if want := `[{"name":"gone","action":"delete"},{"name":"o1","action":"update"}]`; string(got.Outputs) != want {
		t.Errorf("outputs = %s, want %s", got.Outputs, want)
	}
}

// TestSummaryJSONRoundTrip checks that a Summary read back from its JSON,
// as the CLI does with the one saved beside a plan file before applying
// it, answers HasChanges the same and keeps every count.
func TestSummaryJSONRoundTrip(t *testing.T) {
	cases := map[string]*Summary{
		"empty": summarize(nil, nil),
		"output only": summarize([]*ui.Message{
			summaryMsg("plan", 0, 0, 0, 0), outputs(map[string]string{"o1": "update", "same": "noop"}),
		}, nil),
		"read only": summarize([]*ui.Message{
			planned("data.terraform_remote_state.r", ui.ActionRead, reason(ui.ReasonReadConfigUnknown)),
		}, nil),
		"move only":   summarize([]*ui.Message{planned("terraform_data.b", ui.ActionMove, movedFrom("terraform_data.a"))}, nil),
		"import only": summarize([]*ui.Message{planned("terraform_data.imp", ui.ActionImport, importing("imp-123"))}, nil),
		"forget only": summarize([]*ui.Message{planned("terraform_data.gone", ui.ActionRemove)}, nil),
		"drift only":  summarize([]*ui.Message{drifted("terraform_data.a", ui.ActionUpdate)}, nil),
		"error":       summarize([]*ui.Message{planned("a.b", ui.ActionCreate), diag("error", "boom", "")}, errors.New("exit status 1")),
	}
	plans := examplePlans()
	for i := range plans {
		cases["example "+plans[i].Name] = &plans[i]
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			back := roundTrip(t, s)
			if got, want := back.HasChanges(), s.HasChanges(); got != want {
				t.Errorf("HasChanges after the round trip = %v, want %v: %s", got, want, b)
			}
			if got, want := countsOf(back), countsOf(s); got != want {
				t.Errorf("counts = %+v, want %+v", got, want)
			}
			if back.Name != s.Name || back.Status != s.Status || back.Error != s.Error {
				t.Errorf("name, status, error = %q %q %q, want %q %q %q",
					back.Name, back.Status, back.Error, s.Name, s.Status, s.Error)
			}
			if !reflect.DeepEqual(back.TerraformSummary, s.TerraformSummary) {
				t.Errorf("terraform summary = %+v, want %+v", back.TerraformSummary, s.TerraformSummary)
			}
			if len(back.Resources) != len(s.Resources) || len(s.Resources) > 0 && !reflect.DeepEqual(back.Resources, s.Resources) {
				t.Errorf("resources = %+v, want %+v", back.Resources, s.Resources)
			}
			if len(back.OutputChanges) != len(s.OutputChanges) ||
				len(s.OutputChanges) > 0 && !reflect.DeepEqual(back.OutputChanges, s.OutputChanges) {
				t.Errorf("outputs = %+v, want %+v", back.OutputChanges, s.OutputChanges)
			}
			again, err := json.Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(b) {
				t.Errorf("second encoding differs:\n got %s\nwant %s", again, b)
			}
		})
	}
}

func TestSummaryHasChangesOfEveryCount(t *testing.T) {
	set := map[string]func(*Summary){
		"add": func(s *Summary) { s.Add = 1 }, "change": func(s *Summary) { s.Change = 1 },
		"destroy": func(s *Summary) { s.Destroy = 1 }, "replace": func(s *Summary) { s.Replace = 1 },
		"import": func(s *Summary) { s.Import = 1 }, "move": func(s *Summary) { s.Move = 1 },
		"forget": func(s *Summary) { s.Forget = 1 }, "read": func(s *Summary) { s.Read = 1 },
		"output": func(s *Summary) { s.OutputChanges = []OutputChange{{"o", "create"}} },
	}
	for name, f := range set {
		var s Summary
		f(&s)
		if !s.HasChanges() {
			t.Errorf("%s alone: HasChanges = false, want true", name)
		}
	}
	if s := (Summary{Drift: 3}); s.HasChanges() {
		t.Error("drift alone: HasChanges = true, want false")
	}
}

// roundTrip encodes s as JSON and decodes it into a fresh Summary.
func roundTrip(t *testing.T, s *Summary) *Summary {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}
