package plan

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

func applyReport(msgs []*ui.Message, err error) *ApplyReport {
	r := &ApplyReport{Name: "dev"}
	for _, m := range msgs {
		r.Observe(m)
	}
	r.Finish(err)
	return r
}

type applyCounts struct{ Added, Changed, Destroyed, Imported int }

func applyCountsOf(r *ApplyReport) applyCounts {
	return applyCounts{r.Added, r.Changed, r.Destroyed, r.Imported}
}

func addrs(hs []HookResult) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, string(h.Action)+" "+h.Address)
	}
	return out
}

func TestApplyReport(t *testing.T) {
	tests := []struct {
		name          string
		msgs          []*ui.Message
		err           error
		want          applyCounts
		wantStatus    Status
		wantCompleted []string
		wantErrored   []string
		wantError     string
	}{
		{
			name: "success takes Terraform's counts",
			msgs: []*ui.Message{
				planned("terraform_data.rep", ui.ActionReplace, reason(ui.ReasonCannotUpdate)),
				planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
				planned("data.x.pending", ui.ActionRead),
				hook(ui.TypeApplyStart, "terraform_data.rep", ui.ActionDelete, 0, "old"),
				hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionDelete, 0, ""),
				hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionCreate, 0, "new"),
				hook(ui.TypeApplyComplete, "terraform_data.imp2", ui.ActionUpdate, 0, "imp-456"),
				hook(ui.TypeApplyComplete, "data.x.pending", ui.ActionRead, 0, ""),
				summaryMsg("apply", 1, 1, 1, 1),
			},
			want:          applyCounts{1, 1, 1, 1},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"delete terraform_data.rep", "create terraform_data.rep", "update terraform_data.imp2"},
			wantErrored:   []string{},
		},
		{
			name: "failure lists what completed and what errored",
			msgs: []*ui.Message{
				planned("terraform_data.ok", ui.ActionCreate),
				planned("terraform_data.bad", ui.ActionCreate),
				hook(ui.TypeApplyStart, "terraform_data.ok", ui.ActionCreate, 0, ""),
				hook(ui.TypeApplyComplete, "terraform_data.ok", ui.ActionCreate, 0, "3f07"),
				hook(ui.TypeApplyStart, "terraform_data.bad", ui.ActionCreate, 0, ""),
				hook(ui.TypeApplyErrored, "terraform_data.bad", ui.ActionCreate, 0, ""),
				diagAt("local-exec provisioner error", "Error running command 'exit 1': exit status 1.", "terraform_data.bad", "main.tf", 11),
			},
			err:           errors.New("exit status 1"),
			want:          applyCounts{Added: 1},
			wantStatus:    StatusError,
			wantCompleted: []string{"create terraform_data.ok"},
			wantErrored:   []string{"create terraform_data.bad"},
			wantError:     "main.tf:11: terraform_data.bad: local-exec provisioner error: Error running command 'exit 1': exit status 1.",
		},
		{
			name: "failure counts replaces both ways and completed imports",
			msgs: []*ui.Message{
				planned("terraform_data.rep", ui.ActionReplace),
				planned("terraform_data.cbd", ui.ActionReplace),
				planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
				planned("terraform_data.imp3", ui.ActionUpdate, importing("imp-789")),
				hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionDelete, 0, ""),
				hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionCreate, 0, "b"),
				// create_before_destroy: create first, then delete.
				hook(ui.TypeApplyComplete, "terraform_data.cbd", ui.ActionCreate, 0, "d"),
				hook(ui.TypeApplyComplete, "terraform_data.cbd", ui.ActionDelete, 0, ""),
				hook(ui.TypeApplyComplete, "terraform_data.imp2", ui.ActionUpdate, 0, "imp-456"),
				hook(ui.TypeApplyErrored, "terraform_data.imp3", ui.ActionUpdate, 2, ""),
				diag("error", "boom", ""),
			},
			err:        errors.New("exit status 1"),
			want:       applyCounts{Added: 2, Changed: 1, Destroyed: 2, Imported: 1},
			wantStatus: StatusError,
			wantCompleted: []string{
				"delete terraform_data.rep", "create terraform_data.rep",
				"create terraform_data.cbd", "delete terraform_data.cbd",
				"update terraform_data.imp2",
			},
			wantErrored: []string{"update terraform_data.imp3"},
			wantError:   "boom",
		},
		{
			name:          "empty plan",
			msgs:          []*ui.Message{msg(ui.TypeVersion), summaryMsg("apply", 0, 0, 0, 0)},
			wantStatus:    StatusNoChanges,
			wantCompleted: []string{},
			wantErrored:   []string{},
		},
		{
			name: "forget only is applied though Terraform counts nothing",
			msgs: []*ui.Message{
				planned("terraform_data.gone", ui.ActionRemove, reason(ui.ReasonDeleteNoResourceConfig)),
				summaryMsg("apply", 0, 0, 0, 0),
			},
			wantStatus:    StatusApplied,
			wantCompleted: []string{},
			wantErrored:   []string{},
		},
		{
			name: "destroy",
			msgs: []*ui.Message{
				planned("terraform_data.one", ui.ActionDelete),
				hook(ui.TypeApplyComplete, "terraform_data.one", ui.ActionDelete, 0, ""),
				summaryMsg("destroy", 0, 0, 0, 1),
			},
			want:          applyCounts{Destroyed: 1},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"delete terraform_data.one"},
			wantErrored:   []string{},
		},
		{
			name: "apply without a plan file ignores the plan summary",
			msgs: []*ui.Message{
				hook(ui.TypeApplyComplete, "data.x.known", ui.ActionRead, 0, ""),
				planned("terraform_data.slow", ui.ActionCreate),
				summaryMsg("plan", 1, 0, 0, 0),
				hook(ui.TypeApplyComplete, "terraform_data.slow", ui.ActionCreate, 11, "1dac"),
				summaryMsg("apply", 1, 0, 0, 0),
			},
			want:          applyCounts{Added: 1},
			wantStatus:    StatusApplied,
			wantCompleted: []string{"create terraform_data.slow"},
			wantErrored:   []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := applyReport(tt.msgs, tt.err)
			if got := applyCountsOf(r); got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if r.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", r.Status, tt.wantStatus)
			}
			if got := addrs(r.Completed); !reflect.DeepEqual(got, tt.wantCompleted) {
				t.Errorf("completed = %q, want %q", got, tt.wantCompleted)
			}
			if got := addrs(r.Errored); !reflect.DeepEqual(got, tt.wantErrored) {
				t.Errorf("errored = %q, want %q", got, tt.wantErrored)
			}
			if r.Error != tt.wantError {
				t.Errorf("error = %q, want %q", r.Error, tt.wantError)
			}
		})
	}
}

func TestApplyHookResult(t *testing.T) {
	r := applyReport([]*ui.Message{
		hook(ui.TypeApplyComplete, "terraform_data.slow", ui.ActionCreate, 11, "1dac"),
	}, nil)
	want := []HookResult{{Address: "terraform_data.slow", Action: ActionCreate, ElapsedSeconds: 11, IDKey: "id", IDValue: "1dac"}}
	if !reflect.DeepEqual(r.Completed, want) {
		t.Errorf("got %+v, want %+v", r.Completed, want)
	}
}

func TestApplySkipAndRefuse(t *testing.T) {
	var skipped, refused ApplyReport
	skipped.Skip("dependency dev failed")
	skipped.Finish(nil)
	refused.Refuse("prod is protected; pass --approve-protected")
	refused.Finish(errors.New("ignored"))
	if skipped.Status != StatusSkipped || skipped.Error != "dependency dev failed" {
		t.Errorf("skipped = %q %q", skipped.Status, skipped.Error)
	}
	if refused.Status != StatusRefused || refused.Error != "prod is protected; pass --approve-protected" {
		t.Errorf("refused = %q %q", refused.Status, refused.Error)
	}
}

func TestApplyJSONArrays(t *testing.T) {
	r := applyReport(nil, nil)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"dev","status":"no-changes","added":0,"changed":0,"destroyed":0,"imported":0,"completed":[],"errored":[],"error":""}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
