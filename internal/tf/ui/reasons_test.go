package ui

import (
	"path/filepath"
	"testing"
)

// wantChange is the action, reason, previous address and instance key a
// recorded planned_change must carry.
type wantChange struct {
	addr     string
	action   ChangeAction
	reason   ChangeReason
	previous string
	key      any // nil, float64 (count index) or string (for_each key)
}

// checkChanges asserts the planned_change of each address in msgs.
func checkChanges(t *testing.T, msgs []*Message, want []wantChange) {
	t.Helper()
	for _, w := range want {
		c := byAddr(t, msgs, TypePlannedChange, w.addr).Change
		if c.Action != w.action || c.Reason != w.reason {
			t.Errorf("%s: action %q reason %q, want %q %q", w.addr, c.Action, c.Reason, w.action, w.reason)
		}
		prev := ""
		if c.PreviousResource != nil {
			prev = c.PreviousResource.Addr
		}
		if prev != w.previous {
			t.Errorf("%s: previous_resource %q, want %q", w.addr, prev, w.previous)
		}
		if c.Resource.ResourceKey != w.key {
			t.Errorf("%s: resource_key %#v, want %#v", w.addr, c.Resource.ResourceKey, w.key)
		}
	}
	if n := len(ofType(msgs, TypePlannedChange)); n != len(want) {
		t.Errorf("%d planned changes, want %d", n, len(want))
	}
}

// TestDeleteReasons pins every delete reason plan_all_actions lacks, from
// one real plan (testdata/ui/README.md, plan_delete_reasons).
func TestDeleteReasons(t *testing.T) {
	msgs := readFixture(t, "plan_delete_reasons.jsonl")
	checkChanges(t, msgs, []wantChange{
		// count -> for_each
		{"terraform_data.to_each[0]", ActionDelete, ReasonDeleteWrongRepetition, "", float64(0)},
		{"terraform_data.to_each[1]", ActionDelete, ReasonDeleteWrongRepetition, "", float64(1)},
		{`terraform_data.to_each["x"]`, ActionCreate, "", "", "x"},
		// count -> none: index 0 is an implied move, the rest go
		{"terraform_data.to_single", ActionMove, "", "terraform_data.to_single[0]", nil},
		{"terraform_data.to_single[1]", ActionDelete, ReasonDeleteWrongRepetition, "", float64(1)},
		// none -> for_each
		{"terraform_data.single", ActionDelete, ReasonDeleteWrongRepetition, "", nil},
		{`terraform_data.single["k"]`, ActionCreate, "", "", "k"},
		// a for_each key dropped
		{`terraform_data.each["b"]`, ActionDelete, ReasonDeleteEachKey, "", "b"},
		// moved to an address with no configuration: the delete is reported
		// at the new address and carries the old one
		{"terraform_data.nowhere", ActionDelete, ReasonDeleteNoMoveTarget, "terraform_data.lost", nil},
		// a removed module call is "no resource config"; only a module
		// instance that no longer exists is "no module"
		{"module.gone.terraform_data.x", ActionDelete, ReasonDeleteNoResourceConfig, "", nil},
		{"module.shrink[1].terraform_data.x", ActionDelete, ReasonDeleteNoModule, "", nil},
	})

	shrink := byAddr(t, msgs, TypePlannedChange, "module.shrink[1].terraform_data.x").Change.Resource
	want := ResourceAddr{
		Addr: "module.shrink[1].terraform_data.x", Module: "module.shrink[1]", Resource: "terraform_data.x",
		ImpliedProvider: "terraform", ResourceType: "terraform_data", ResourceName: "x",
	}
	if shrink != want {
		t.Errorf("module resource = %+v, want %+v", shrink, want)
	}
}

// TestReadReasons pins the two deferred-read reasons plan_all_actions lacks,
// and shows a check block's data source being read in every plan and apply.
func TestReadReasons(t *testing.T) {
	reads := []wantChange{
		{"terraform_data.new", ActionCreate, "", "", nil},
		{"data.terraform_remote_state.after_new", ActionRead, ReasonReadDependencyPending, "", nil},
		{"data.terraform_remote_state.checked", ActionRead, ReasonReadCheckNested, "", nil},
	}
	plan := readFixture(t, "plan_read_reasons.jsonl")
	checkChanges(t, plan, reads)
	// The nested data source is read during the plan as well; the pending
	// one is not.
	if h := byAddr(t, plan, TypeApplyComplete, "data.terraform_remote_state.checked").Hook; h.Action != ActionRead {
		t.Errorf("check-nested read during plan: hook action %q, want read", h.Action)
	}
	for _, m := range plan {
		if m.Hook != nil && m.Hook.Resource.Addr == "data.terraform_remote_state.after_new" {
			t.Errorf("dependency-pending data source has a %s hook during the plan", m.Type)
		}
	}

	// A saved-plan apply lists the reads again and performs them.
	apply := readFixture(t, "apply_read_reasons.jsonl")
	checkChanges(t, apply, reads)
	for _, addr := range []string{"data.terraform_remote_state.after_new", "data.terraform_remote_state.checked"} {
		if h := byAddr(t, apply, TypeApplyComplete, addr).Hook; h.Action != ActionRead {
			t.Errorf("%s apply_complete action %q, want read", addr, h.Action)
		}
	}

	// With nothing else to do, the check block's data source still makes a
	// planned read: Terraform says 0/0/0 but the plan is not empty.
	only := readFixture(t, "plan_check_nested_only.jsonl")
	checkChanges(t, only, reads[2:])
	if s := summaries(only); len(s) != 1 || s[0] != (ChangeSummary{Operation: "plan"}) {
		t.Errorf("change summaries = %+v, want one plan 0/0/0/0", s)
	}
}

// TestEveryReasonRecorded checks that the recorded streams between them
// carry every change reason Terraform 1.11 defines except "unknown", so a
// new reason constant comes with a real fixture.
func TestEveryReasonRecorded(t *testing.T) {
	all := []ChangeReason{
		ReasonTainted, ReasonRequested, ReasonReplaceTriggered, ReasonCannotUpdate,
		ReasonDeleteNoResourceConfig, ReasonDeleteWrongRepetition, ReasonDeleteCountIndex,
		ReasonDeleteEachKey, ReasonDeleteNoModule, ReasonDeleteNoMoveTarget,
		ReasonReadConfigUnknown, ReasonReadDependencyPending, ReasonReadCheckNested,
	}
	seen := map[ChangeReason]bool{}
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		for _, m := range readFixture(t, filepath.Base(f)) {
			if m.Change != nil && m.Change.Reason != "" {
				seen[m.Change.Reason] = true
			}
		}
	}
	for _, r := range all {
		if !seen[r] {
			t.Errorf("no recorded stream has reason %q", r)
		}
	}
	for r := range seen {
		if r == ReasonUnknown {
			t.Errorf("a recorded stream has reason %q", r)
		}
	}
}
