package ui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixtureDir holds real streams recorded with Terraform 1.11.4 by
// testdata/ui/record.sh.
const fixtureDir = "../../../testdata/ui"

// readFixture decodes a whole fixture, failing on any error.
func readFixture(t *testing.T, name string) []*Message {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*Message
	d := NewDecoder(bytes.NewReader(data))
	for {
		m, err := d.Next()
		if errors.Is(err, io.EOF) {
			return msgs
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m.Raw = nil // only valid until the next call
		msgs = append(msgs, m)
	}
}

// counts tallies a stream the way docs/architecture.md defines for
// internal/plan: one primary action per planned change, import and move
// counted from importing and previous_resource, drift from resource_drift.
type counts struct {
	Add, Change, Destroy, Replace, Import, Move, Forget, Read, Drift int
}

func countChanges(msgs []*Message) counts {
	var c counts
	for _, m := range msgs {
		switch {
		case m.Type == TypeResourceDrift:
			c.Drift++
		case m.Type == TypePlannedChange && m.Change != nil:
			switch m.Change.Action {
			case ActionCreate:
				c.Add++
			case ActionUpdate:
				c.Change++
			case ActionDelete:
				c.Destroy++
			case ActionReplace:
				c.Replace++
			case ActionRemove:
				c.Forget++
			case ActionRead:
				c.Read++
			}
			if m.Change.Importing != nil {
				c.Import++
			}
			if m.Change.PreviousResource != nil {
				c.Move++
			}
		}
	}
	return c
}

// summaries returns the change_summary payloads in order.
func summaries(msgs []*Message) []ChangeSummary {
	var out []ChangeSummary
	for _, m := range msgs {
		if m.Type == TypeChangeSummary && m.Changes != nil {
			out = append(out, *m.Changes)
		}
	}
	return out
}

// TestFixtureCounts pins the counts documented in testdata/ui/README.md.
func TestFixtureCounts(t *testing.T) {
	plan := func(add, change, imp, remove int) ChangeSummary {
		return ChangeSummary{Add: add, Change: change, Import: imp, Remove: remove, Operation: "plan"}
	}
	apply := func(add, change, imp, remove int) ChangeSummary {
		return ChangeSummary{Add: add, Change: change, Import: imp, Remove: remove, Operation: "apply"}
	}
	tests := []struct {
		file      string
		lines     int
		counts    counts
		summaries []ChangeSummary
	}{
		{"init.jsonl", 5, counts{}, nil},
		{"plan_all_actions.jsonl", 37,
			counts{Add: 1, Change: 2, Destroy: 2, Replace: 1, Import: 2, Move: 1, Forget: 1, Read: 1},
			[]ChangeSummary{plan(2, 2, 2, 3)}},
		{"apply_all_actions.jsonl", 27,
			counts{Add: 1, Change: 2, Destroy: 2, Replace: 1, Import: 1, Forget: 1, Read: 1},
			[]ChangeSummary{apply(2, 2, 2, 3)}},
		{"plan_no_changes.jsonl", 26, counts{}, []ChangeSummary{plan(0, 0, 0, 0)}},
		{"plan_replace_reasons.jsonl", 20,
			counts{Change: 1, Replace: 5},
			[]ChangeSummary{plan(5, 1, 0, 5)}},
		{"apply_replace_reasons.jsonl", 31,
			counts{Change: 1, Replace: 5},
			[]ChangeSummary{apply(5, 1, 0, 5)}},
		{"refresh_only_drift.jsonl", 8, counts{Drift: 1}, []ChangeSummary{plan(0, 0, 0, 0)}},
		{"plan_destroy.jsonl", 9, counts{Destroy: 2}, []ChangeSummary{plan(0, 0, 0, 2)}},
		{"apply_destroy.jsonl", 9, counts{Destroy: 2}, []ChangeSummary{apply(0, 0, 0, 2)}},
		{"destroy.jsonl", 14, counts{Destroy: 2}, []ChangeSummary{plan(0, 0, 0, 2),
			{Remove: 2, Operation: "destroy"}}},
		{"apply_errored.jsonl", 16, counts{Add: 2}, nil},
		{"apply_progress.jsonl", 12, counts{Add: 1}, []ChangeSummary{plan(1, 0, 0, 0), apply(1, 0, 0, 0)}},
		{"apply_interrupted.jsonl", 13, counts{Add: 1}, []ChangeSummary{plan(1, 0, 0, 0)}},
		{"plan_error_invalid_reference.jsonl", 2, counts{}, nil},
		{"plan_error_var_validation.jsonl", 3, counts{}, []ChangeSummary{plan(0, 0, 0, 0)}},
		{"test_suite.jsonl", 11, counts{}, nil},
		{"plan_delete_reasons.jsonl", 35,
			counts{Add: 2, Destroy: 8, Move: 2},
			[]ChangeSummary{plan(2, 0, 0, 8)}},
		{"plan_read_reasons.jsonl", 7, counts{Add: 1, Read: 2}, []ChangeSummary{plan(1, 0, 0, 0)}},
		{"apply_read_reasons.jsonl", 12, counts{Add: 1, Read: 2}, []ChangeSummary{apply(1, 0, 0, 0)}},
		{"plan_check_nested_only.jsonl", 9, counts{Read: 1}, []ChangeSummary{plan(0, 0, 0, 0)}},
		{"plan_ephemeral.jsonl", 12, counts{Add: 2}, []ChangeSummary{plan(2, 0, 0, 0)}},
		{"apply_ephemeral.jsonl", 26, counts{Add: 2}, []ChangeSummary{apply(2, 0, 0, 0)}},
		{"apply_ephemeral_renew_errored.jsonl", 15, counts{Add: 1}, []ChangeSummary{apply(1, 0, 0, 0)}},
		{"plan_ephemeral_open_errored.jsonl", 5, counts{}, []ChangeSummary{plan(0, 0, 0, 0)}},
		{"plan_ephemeral_progress.jsonl", 7, counts{}, []ChangeSummary{plan(0, 0, 0, 0)}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			msgs := readFixture(t, tt.file)
			if len(msgs) != tt.lines {
				t.Errorf("decoded %d messages, want %d", len(msgs), tt.lines)
			}
			for i, m := range msgs {
				if m.Level == LevelRaw || !m.Type.known() || m.Module != "terraform.ui" || m.Timestamp.IsZero() {
					t.Errorf("message %d not fully decoded: %+v", i, m)
				}
			}
			if msgs[0].Type != TypeVersion || msgs[0].Terraform != "1.11.4" || msgs[0].UI != "1.2" {
				t.Errorf("first message = %+v, want version 1.11.4 / UI 1.2", msgs[0])
			}
			if got := countChanges(msgs); got != tt.counts {
				t.Errorf("counts = %+v, want %+v", got, tt.counts)
			}
			got := summaries(msgs)
			if len(got) != len(tt.summaries) {
				t.Fatalf("change summaries = %+v, want %+v", got, tt.summaries)
			}
			for i := range got {
				if got[i] != tt.summaries[i] {
					t.Errorf("change summary %d = %+v, want %+v", i, got[i], tt.summaries[i])
				}
			}
		})
	}
	all, _ := filepath.Glob(filepath.Join(fixtureDir, "*.jsonl"))
	for _, f := range all {
		if !seen[filepath.Base(f)] {
			t.Errorf("fixture %s has no expected counts here (and in README.md)", filepath.Base(f))
		}
	}
}

// byAddr finds the first message of a type about a resource address.
func byAddr(t *testing.T, msgs []*Message, typ MessageType, addr string) *Message {
	t.Helper()
	for _, m := range msgs {
		if m.Type != typ {
			continue
		}
		if m.Change != nil && m.Change.Resource.Addr == addr || m.Hook != nil && m.Hook.Resource.Addr == addr {
			return m
		}
	}
	t.Fatalf("no %s message for %s", typ, addr)
	return nil
}

// ofType returns the messages of one type.
func ofType(msgs []*Message, typ MessageType) []*Message {
	var out []*Message
	for _, m := range msgs {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

func TestPlanAllActions(t *testing.T) {
	msgs := readFixture(t, "plan_all_actions.jsonl")
	tests := []struct {
		addr     string
		action   ChangeAction
		reason   ChangeReason
		importID string
		previous string
	}{
		{"terraform_data.new", ActionCreate, "", "", ""},
		{"terraform_data.upd", ActionUpdate, "", "", ""},
		{"terraform_data.del", ActionDelete, ReasonDeleteNoResourceConfig, "", ""},
		{"terraform_data.cnt[2]", ActionDelete, ReasonDeleteCountIndex, "", ""},
		{"terraform_data.rep", ActionReplace, ReasonCannotUpdate, "", ""},
		{"terraform_data.moved_to", ActionMove, "", "", "terraform_data.old"},
		{"terraform_data.gone", ActionRemove, ReasonDeleteNoResourceConfig, "", ""},
		{"terraform_data.imp", ActionImport, "", "imp-123", ""},
		{"terraform_data.imp2", ActionUpdate, "", "imp-456", ""},
		{"data.terraform_remote_state.pending", ActionRead, ReasonReadConfigUnknown, "", ""},
	}
	for _, tt := range tests {
		c := byAddr(t, msgs, TypePlannedChange, tt.addr).Change
		if c.Action != tt.action || c.Reason != tt.reason {
			t.Errorf("%s: action %q reason %q, want %q %q", tt.addr, c.Action, c.Reason, tt.action, tt.reason)
		}
		gotID := ""
		if c.Importing != nil {
			gotID = c.Importing.ID
		}
		if gotID != tt.importID {
			t.Errorf("%s: importing id %q, want %q", tt.addr, gotID, tt.importID)
		}
		gotPrev := ""
		if c.PreviousResource != nil {
			gotPrev = c.PreviousResource.Addr
		}
		if gotPrev != tt.previous {
			t.Errorf("%s: previous_resource %q, want %q", tt.addr, gotPrev, tt.previous)
		}
	}

	cnt := byAddr(t, msgs, TypePlannedChange, "terraform_data.cnt[2]").Change.Resource
	want := ResourceAddr{
		Addr: "terraform_data.cnt[2]", Resource: "terraform_data.cnt[2]", ImpliedProvider: "terraform",
		ResourceType: "terraform_data", ResourceName: "cnt", ResourceKey: float64(2),
	}
	if cnt != want {
		t.Errorf("cnt[2] resource = %+v, want %+v", cnt, want)
	}
	if k := byAddr(t, msgs, TypePlannedChange, "terraform_data.new").Change.Resource.ResourceKey; k != nil {
		t.Errorf("resource_key without count = %#v, want nil", k)
	}

	// The data source with known config is read during the plan.
	read := byAddr(t, msgs, TypeApplyComplete, "data.terraform_remote_state.known")
	if read.Hook.Action != ActionRead {
		t.Errorf("data source read hook action = %q, want read", read.Hook.Action)
	}
	refresh := byAddr(t, msgs, TypeRefreshStart, "terraform_data.imp")
	if refresh.Hook.IDKey != "id" || refresh.Hook.IDValue != "imp-123" {
		t.Errorf("refresh_start id = %q=%q, want id=imp-123", refresh.Hook.IDKey, refresh.Hook.IDValue)
	}

	outs := ofType(msgs, TypeOutputs)
	if len(outs) != 1 {
		t.Fatalf("%d outputs messages, want 1", len(outs))
	}
	wantOut := map[string]string{"o_upd": "update", "o_new": "create", "gone_out": "delete", "same_out": "noop", "region": "create", "pending_region": "create"}
	if len(outs[0].Outputs) != len(wantOut) {
		t.Errorf("outputs = %+v, want %v", outs[0].Outputs, wantOut)
	}
	for name, action := range wantOut {
		if o := outs[0].Outputs[name]; o.Action != action || o.Sensitive || o.Value != nil {
			t.Errorf("output %s = %+v, want action %s", name, o, action)
		}
	}

	diags := ofType(msgs, TypeDiagnostic)
	if len(diags) != 2 {
		t.Fatalf("%d diagnostics, want 2 warnings", len(diags))
	}
	for _, d := range diags {
		if d.Level != LevelWarn || d.Diagnostic.Severity != "warning" || d.Diagnostic.Range != nil {
			t.Errorf("diagnostic = %+v %+v, want a warning without range", d, d.Diagnostic)
		}
	}
	if s := diags[0].Diagnostic.Summary; s != "Value for undeclared variable" {
		t.Errorf("first warning = %q", s)
	}
}

func TestApplyAllActionsHooks(t *testing.T) {
	msgs := readFixture(t, "apply_all_actions.jsonl")
	// Forget and import-only changes are not listed when applying a saved plan.
	for _, m := range ofType(msgs, TypePlannedChange) {
		if a := m.Change.Action; a == ActionImport || a == ActionMove || a == ActionNoop {
			t.Errorf("saved-plan apply lists a %s change for %s", a, m.Change.Resource.Addr)
		}
	}
	// A replace is a delete and a create in the hooks, never "replace".
	var repActions []ChangeAction
	for _, m := range ofType(msgs, TypeApplyStart) {
		if m.Hook.Action == ActionReplace {
			t.Errorf("hook with action replace: %s", m.Text)
		}
		if m.Hook.Resource.Addr == "terraform_data.rep" {
			repActions = append(repActions, m.Hook.Action)
		}
	}
	if len(repActions) != 2 || repActions[0] != ActionDelete || repActions[1] != ActionCreate {
		t.Errorf("rep hook actions = %v, want [delete create]", repActions)
	}
	start := byAddr(t, msgs, TypeApplyStart, "terraform_data.cnt[2]").Hook
	if start.Action != ActionDelete || start.IDKey != "id" || start.IDValue == "" {
		t.Errorf("cnt[2] apply_start = %+v, want delete with id", start)
	}
	done := byAddr(t, msgs, TypeApplyComplete, "terraform_data.imp2").Hook
	if done.Action != ActionUpdate || done.IDValue != "imp-456" || done.ElapsedSeconds != 0 {
		t.Errorf("imp2 apply_complete = %+v", done)
	}
	for _, addr := range []string{"terraform_data.gone", "terraform_data.imp", "terraform_data.moved_to"} {
		for _, m := range msgs {
			if m.Hook != nil && m.Hook.Resource.Addr == addr {
				t.Errorf("%s has hook %s, want none (forget/import/move apply silently)", addr, m.Type)
			}
		}
	}
	outs := ofType(msgs, TypeOutputs)
	if len(outs) != 1 {
		t.Fatalf("%d outputs messages, want 1", len(outs))
	}
	if o := outs[0].Outputs["region"]; o.Value != "eu-west-1" || o.Type != "string" || o.Action != "" {
		t.Errorf("output region = %+v, want value eu-west-1", o)
	}
}

func TestReplaceReasons(t *testing.T) {
	msgs := readFixture(t, "plan_replace_reasons.jsonl")
	for addr, reason := range map[string]ChangeReason{
		"terraform_data.cannot":    ReasonCannotUpdate,
		"terraform_data.req":       ReasonRequested,
		"terraform_data.triggered": ReasonReplaceTriggered,
		"terraform_data.tainted":   ReasonTainted,
		"terraform_data.cbd":       ReasonCannotUpdate,
	} {
		c := byAddr(t, msgs, TypePlannedChange, addr).Change
		if c.Action != ActionReplace || c.Reason != reason {
			t.Errorf("%s: %s/%s, want replace/%s", addr, c.Action, c.Reason, reason)
		}
	}

	// create_before_destroy creates first; the others delete first.
	applied := readFixture(t, "apply_replace_reasons.jsonl")
	order := map[string][]ChangeAction{}
	for _, m := range ofType(applied, TypeApplyStart) {
		order[m.Hook.Resource.Addr] = append(order[m.Hook.Resource.Addr], m.Hook.Action)
	}
	for addr, first := range map[string]ChangeAction{
		"terraform_data.cbd":       ActionCreate,
		"terraform_data.cannot":    ActionDelete,
		"terraform_data.tainted":   ActionDelete,
		"terraform_data.req":       ActionDelete,
		"terraform_data.triggered": ActionDelete,
	} {
		if got := order[addr]; len(got) != 2 || got[0] != first {
			t.Errorf("%s hook actions = %v, want %s first", addr, got, first)
		}
	}
}

func TestRefreshOnlyDrift(t *testing.T) {
	msgs := readFixture(t, "refresh_only_drift.jsonl")
	d := byAddr(t, msgs, TypeResourceDrift, "terraform_data.moved2")
	if d.Change.Action != ActionMove || d.Change.PreviousResource == nil || d.Change.PreviousResource.Addr != "terraform_data.moved_to" {
		t.Errorf("drift = %+v, want move from terraform_data.moved_to", d.Change)
	}
	if !strings.Contains(d.Text, "Drift detected (move)") {
		t.Errorf("drift text = %q", d.Text)
	}
	if n := len(ofType(msgs, TypePlannedChange)); n != 0 {
		t.Errorf("%d planned changes in a refresh-only plan, want 0", n)
	}
	outs := ofType(msgs, TypeOutputs)
	if len(outs) != 1 || outs[0].Outputs["o"].Action != "update" {
		t.Errorf("outputs = %+v, want o updated", outs)
	}
}

func TestApplyErrored(t *testing.T) {
	msgs := readFixture(t, "apply_errored.jsonl")
	var types []MessageType
	for _, m := range msgs {
		if m.Hook != nil && m.Hook.Resource.Addr == "terraform_data.bad" {
			types = append(types, m.Type)
		}
	}
	want := []MessageType{TypeApplyStart, TypeProvisionStart, TypeProvisionProgress, TypeProvisionProgress, TypeProvisionErrored, TypeApplyErrored}
	if strings.Join(typeNames(types), ",") != strings.Join(typeNames(want), ",") {
		t.Errorf("bad's hooks = %v, want %v", types, want)
	}
	errored := byAddr(t, msgs, TypeApplyErrored, "terraform_data.bad").Hook
	if errored.Action != ActionCreate {
		t.Errorf("apply_errored action = %q, want create", errored.Action)
	}
	var outputs []string
	for _, m := range ofType(msgs, TypeProvisionProgress) {
		if m.Hook.Provisioner != "local-exec" {
			t.Errorf("provisioner = %q", m.Hook.Provisioner)
		}
		outputs = append(outputs, m.Hook.Output)
	}
	if !slices.Contains(outputs, "hello-from-provisioner") || !slices.Contains(outputs, "about-to-fail") {
		t.Errorf("provisioner outputs = %q", outputs)
	}
	if n := len(ofType(msgs, TypeProvisionComplete)); n != 1 {
		t.Errorf("%d provision_complete, want 1 (for ok)", n)
	}

	last := msgs[len(msgs)-1]
	if last.Type != TypeDiagnostic || last.Level != LevelError {
		t.Fatalf("last message = %+v, want the error diagnostic", last)
	}
	d := last.Diagnostic
	if d.Summary != "local-exec provisioner error" || d.Address != "terraform_data.bad" ||
		d.Range == nil || d.Range.Filename != "main.tf" || d.Range.Start.Line != 11 ||
		d.Snippet == nil || d.Snippet.Code != `  provisioner "local-exec" {` || d.Snippet.Context == nil || *d.Snippet.Context != `resource "terraform_data" "bad"` {
		t.Errorf("diagnostic = %+v range %+v snippet %+v", d, d.Range, d.Snippet)
	}
	if len(ofType(msgs, TypeOutputs)) != 0 {
		t.Errorf("a failed apply has no outputs message")
	}
}

func TestApplyProgressAndSensitiveOutput(t *testing.T) {
	msgs := readFixture(t, "apply_progress.jsonl")
	p := byAddr(t, msgs, TypeApplyProgress, "terraform_data.slow").Hook
	if p.Action != ActionCreate || p.ElapsedSeconds != 10 {
		t.Errorf("apply_progress = %+v, want create after 10s", p)
	}
	c := byAddr(t, msgs, TypeApplyComplete, "terraform_data.slow").Hook
	if c.ElapsedSeconds < 11 || c.IDKey != "id" {
		t.Errorf("apply_complete = %+v, want >= 11s with id", c)
	}
	outs := ofType(msgs, TypeOutputs)
	if len(outs) != 2 {
		t.Fatalf("%d outputs messages, want plan and apply", len(outs))
	}
	if s := outs[1].Outputs["secret"]; !s.Sensitive || s.Value != nil || s.Type != "string" {
		t.Errorf("sensitive output = %+v, want no value", s)
	}
	if s := outs[1].Outputs["slow"]; s.Value != "zzz" {
		t.Errorf("output slow = %+v", s)
	}
}

func TestApplyInterrupted(t *testing.T) {
	msgs := readFixture(t, "apply_interrupted.jsonl")
	var logs []string
	for _, m := range ofType(msgs, TypeLog) {
		logs = append(logs, m.Text)
	}
	if len(logs) == 0 || !strings.Contains(logs[0], "Interrupt received") {
		t.Errorf("log messages = %q, want the interrupt notice", logs)
	}
	if len(ofType(msgs, TypeApplyErrored)) != 1 {
		t.Errorf("want one apply_errored after the interrupt")
	}
}

func TestErrorDiagnostics(t *testing.T) {
	ref := ofType(readFixture(t, "plan_error_invalid_reference.jsonl"), TypeDiagnostic)
	if len(ref) != 1 {
		t.Fatalf("%d diagnostics, want 1", len(ref))
	}
	d := ref[0].Diagnostic
	wantRange := Range{Filename: "main.tf", Start: Pos{Line: 6, Column: 11, Byte: 77}, End: Pos{Line: 6, Column: 30, Byte: 96}}
	if d.Severity != "error" || d.Summary != "Reference to undeclared resource" || d.Range == nil || *d.Range != wantRange {
		t.Errorf("diagnostic = %+v range %+v", d, d.Range)
	}
	if s := d.Snippet; s == nil || s.Code != "  value = terraform_data.nope.id" || s.StartLine != 6 ||
		s.HighlightStartOffset != 10 || s.HighlightEndOffset != 29 || len(s.Values) != 0 {
		t.Errorf("snippet = %+v", s)
	}

	val := ofType(readFixture(t, "plan_error_var_validation.jsonl"), TypeDiagnostic)
	if len(val) != 1 {
		t.Fatalf("%d diagnostics, want 1", len(val))
	}
	s := val[0].Diagnostic.Snippet
	if s == nil || s.Context != nil || len(s.Values) != 1 || s.Values[0] != (SnippetValue{Traversal: "var.size", Statement: "is 42"}) {
		t.Errorf("snippet = %+v, want var.size is 42 and no context", s)
	}
	if !strings.HasPrefix(val[0].Diagnostic.Detail, "The size must be below 10.") {
		t.Errorf("detail = %q", val[0].Diagnostic.Detail)
	}
}

func TestInitStream(t *testing.T) {
	msgs := readFixture(t, "init.jsonl")
	var codes []string
	for _, m := range ofType(msgs, TypeInitOutput) {
		codes = append(codes, m.MessageCode)
	}
	want := "initializing_backend_message,initializing_provider_plugin_message,output_init_success_message"
	if strings.Join(codes, ",") != want {
		t.Errorf("init message codes = %v, want %s", codes, want)
	}
}

func TestTestSuiteStream(t *testing.T) {
	msgs := readFixture(t, "test_suite.jsonl")
	abs := ofType(msgs, TypeTestAbstract)
	if len(abs) != 1 || strings.Join(abs[0].TestAbstract["tests/main.tftest.hcl"], ",") != "ok,fails" {
		t.Errorf("test_abstract = %+v", abs)
	}
	var runs []string
	for _, m := range ofType(msgs, TypeTestRun) {
		r := m.TestRunStatus
		if r == nil || r.Path != "tests/main.tftest.hcl" || m.TestRun != r.Run || m.TestFile != r.Path {
			t.Fatalf("test_run = %+v (envelope %q/%q)", r, m.TestFile, m.TestRun)
		}
		if r.Progress == "starting" && (r.Elapsed == nil || r.Status != "") {
			t.Errorf("starting run = %+v, want elapsed and no status", r)
		}
		runs = append(runs, r.Run+":"+r.Progress+":"+r.Status)
	}
	if got := strings.Join(runs, " "); got != "ok:starting: ok:complete:pass fails:starting: fails:complete:fail" {
		t.Errorf("runs = %s", got)
	}
	files := ofType(msgs, TypeTestFile)
	if len(files) != 3 || files[2].TestFileStatus.Progress != "complete" || files[2].TestFileStatus.Status != "fail" {
		t.Errorf("test_file messages = %+v", files)
	}
	sum := ofType(msgs, TypeTestSummary)
	if len(sum) != 1 || *sum[0].TestSummary != (TestSummary{Status: "fail", Passed: 1, Failed: 1}) {
		t.Errorf("test_summary = %+v", sum)
	}
	diag := ofType(msgs, TypeDiagnostic)
	if len(diag) != 1 || diag[0].TestRun != "fails" || diag[0].Diagnostic.Snippet.Values[0].Statement != `is "hello moon"` {
		t.Errorf("assertion diagnostic = %+v", diag)
	}
}

func typeNames(ts []MessageType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
