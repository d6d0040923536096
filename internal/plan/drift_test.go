package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/infractl/infractl/internal/tf/ui"
)

func readPlanJSON(t *testing.T, path string) *tfjson.Plan {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &p
}

// sensitiveDrift is the drift report built from the hand-made plan in
// testdata/drift_sensitive.plan.json and the stream that goes with it.
func sensitiveDrift(t *testing.T) *DriftReport {
	t.Helper()
	r := &DriftReport{Name: "staging"}
	for _, m := range []*ui.Message{
		drifted("localfs_file.config", ui.ActionUpdate),
		drifted("localfs_file.token", ui.ActionUpdate),
		drifted("localfs_file.gone", ui.ActionDelete),
		drifted("localfs_file.renamed", ui.ActionMove, movedFrom("localfs_file.old")),
	} {
		r.Observe(m)
	}
	r.AttachPlan(readPlanJSON(t, "testdata/drift_sensitive.plan.json"))
	r.Finish(nil)
	return r
}

func TestDriftAttributes(t *testing.T) {
	r := sensitiveDrift(t)
	want := []DriftedResource{
		{Address: "localfs_file.config", Action: ActionUpdate, Attributes: []string{
			"content", "password", "rules[1].port", "secrets", "tags.owner", `tags["team|ops"]`,
		}},
		{Address: "localfs_file.gone", Action: ActionDelete},
		{Address: "localfs_file.renamed", Action: ActionMove, PreviousAddress: "localfs_file.old"},
		{Address: "localfs_file.token", Action: ActionUpdate, Attributes: []string{"content", "list[1]"}},
	}
	if !reflect.DeepEqual(r.Resources, want) {
		t.Errorf("resources:\n got %+v\nwant %+v", r.Resources, want)
	}
	if r.Status != StatusDrift {
		t.Errorf("status = %q, want drift", r.Status)
	}
}

// TestDriftNeverShowsSensitiveValues renders the report every way and looks
// for the values, and the keys inside sensitive maps, of the fixture.
func TestDriftNeverShowsSensitiveValues(t *testing.T) {
	envs := []DriftReport{*sensitiveDrift(t)}
	var out bytes.Buffer
	for _, write := range []func() error{
		func() error { return WriteDriftTable(&out, envs, TableOptions{Detail: true}) },
		func() error { return WriteDriftJSON(&out, envs) },
		func() error { return WriteDriftMarkdown(&out, envs) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	for _, secret := range []string{
		"hunter", "secret-value", "db-key-name", "api-key-name", "zzz", "tok-", "alice", "bob", "8443",
	} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("output shows %q:\n%s", secret, out.String())
		}
	}
}

func TestDriftMaskSensitive(t *testing.T) {
	tests := []struct {
		name          string
		before, after any
		bs, as        any
		want          []string
	}{
		{"plain", map[string]any{"a": "1"}, map[string]any{"a": "2"}, nil, nil, []string{"a"}},
		{
			"sensitive map is one path",
			map[string]any{"m": map[string]any{"k1": "v"}},
			map[string]any{"m": map[string]any{"k2": "v"}},
			map[string]any{"m": true}, false,
			[]string{"m"},
		},
		{
			"unchanged sensitive value is not reported",
			map[string]any{"p": "x", "q": 1.0},
			map[string]any{"p": "x", "q": 2.0},
			map[string]any{"p": true}, map[string]any{"p": true},
			[]string{"q"},
		},
		{
			"sensitive list element",
			map[string]any{"l": []any{"a", map[string]any{"s": "1"}}},
			map[string]any{"l": []any{"a", map[string]any{"s": "2"}}},
			nil, map[string]any{"l": []any{false, true}},
			[]string{"l[1]"},
		},
		{
			"whole object sensitive",
			map[string]any{"a": "1"}, map[string]any{"a": "2"}, true, true,
			[]string{"."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := changedAttributes(&tfjson.Change{
				Before: tt.before, After: tt.after, BeforeSensitive: tt.bs, AfterSensitive: tt.as,
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDriftStatus(t *testing.T) {
	tests := []struct {
		name       string
		msgs       []*ui.Message
		err        error
		wantStatus Status
		wantError  string
	}{
		{"nothing", []*ui.Message{msg(ui.TypeVersion), summaryMsg("plan", 0, 0, 0, 0)}, nil, StatusNoDrift, ""},
		{"update", []*ui.Message{drifted("a.b", ui.ActionUpdate)}, nil, StatusDrift, ""},
		{"delete", []*ui.Message{drifted("a.b", ui.ActionDelete)}, nil, StatusDrift, ""},
		// As `plan -refresh-only -detailed-exitcode` (exit 0): a pending
		// move is listed, but it is not drift.
		{"move only", []*ui.Message{drifted("a.c", ui.ActionMove, movedFrom("a.b"))}, nil, StatusNoDrift, ""},
		{"error", []*ui.Message{drifted("a.b", ui.ActionUpdate), diag("error", "Error acquiring the state lock", "")}, errors.New("exit status 1"), StatusError, "Error acquiring the state lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &DriftReport{Name: "dev"}
			for _, m := range tt.msgs {
				r.Observe(m)
			}
			r.Finish(tt.err)
			if r.Status != tt.wantStatus || r.Error != tt.wantError {
				t.Errorf("got %q %q, want %q %q", r.Status, r.Error, tt.wantStatus, tt.wantError)
			}
		})
	}
}

func TestDriftFromPlanOnly(t *testing.T) {
	r := &DriftReport{Name: "dev"}
	r.AttachPlan(readPlanJSON(t, "testdata/drift_sensitive.plan.json"))
	r.Finish(nil)
	var got []string
	for _, d := range r.Resources {
		got = append(got, string(d.Action)+" "+d.Address)
	}
	want := []string{
		"update localfs_file.config", "delete localfs_file.gone",
		"move localfs_file.renamed", "update localfs_file.token",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDriftJSONArrays(t *testing.T) {
	r := &DriftReport{Name: "dev"}
	r.Observe(drifted("a.b", ui.ActionDelete))
	r.Finish(nil)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"dev","status":"drift","resources":[{"address":"a.b","action":"delete","attributes":[]}],"error":""}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestDriftMovedAndChanged(t *testing.T) {
	r := &DriftReport{Name: "dev"}
	r.Observe(drifted("a.new", ui.ActionUpdate, movedFrom("a.old")))
	r.Finish(nil)
	if r.Status != StatusDrift {
		t.Errorf("status = %q, want drift", r.Status)
	}
	d := r.Resources[0]
	d.Attributes = []string{"tags.env"}
	if got, want := driftNotes(d), "tags.env, moved from a.old"; got != want {
		t.Errorf("notes = %q, want %q", got, want)
	}
	if len(d.Attributes) != 1 {
		t.Errorf("driftNotes changed Attributes: %q", d.Attributes)
	}
}
