package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ephemeralOps lists, per ephemeral resource address, its ephemeral_op_*
// messages as "type:action" in stream order.
func ephemeralOps(msgs []*Message) map[string][]string {
	ops := map[string][]string{}
	for _, m := range msgs {
		switch m.Type {
		case TypeEphemeralOpStart, TypeEphemeralOpProgress, TypeEphemeralOpComplete, TypeEphemeralOpErrored:
			addr := m.Hook.Resource.Addr
			ops[addr] = append(ops[addr], strings.TrimPrefix(string(m.Type), "ephemeral_op_")+":"+string(m.Hook.Action))
		}
	}
	return ops
}

func checkOps(t *testing.T, got map[string][]string, want map[string]string) {
	t.Helper()
	for addr, w := range want {
		if g := strings.Join(got[addr], " "); g != w {
			t.Errorf("%s ops = %q, want %q", addr, g, w)
		}
	}
	for addr := range got {
		if _, ok := want[addr]; !ok {
			t.Errorf("unexpected ephemeral ops for %s: %v", addr, got[addr])
		}
	}
}

// TestEphemeralNeverPlanned: across every recorded stream, open, renew and
// close appear only as hook actions of ephemeral_op_* messages, never as a
// planned_change or resource_drift action, and no change names an ephemeral
// resource. Ephemeral resources are not part of a plan.
func TestEphemeralNeverPlanned(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	hookActions := map[ChangeAction]bool{}
	for _, f := range files {
		for _, m := range readFixture(t, filepath.Base(f)) {
			if m.Change != nil {
				switch m.Change.Action {
				case ActionOpen, ActionRenew, ActionClose:
					t.Errorf("%s: %s with action %s", filepath.Base(f), m.Type, m.Change.Action)
				}
				if strings.HasPrefix(m.Change.Resource.Addr, "ephemeral.") {
					t.Errorf("%s: %s for ephemeral %s", filepath.Base(f), m.Type, m.Change.Resource.Addr)
				}
			}
			if m.Hook != nil && strings.HasPrefix(string(m.Type), "ephemeral_op_") {
				hookActions[m.Hook.Action] = true
			}
		}
	}
	for _, a := range []ChangeAction{ActionOpen, ActionRenew, ActionClose} {
		if !hookActions[a] {
			t.Errorf("no recorded ephemeral_op_* hook has action %s", a)
		}
	}
	if len(hookActions) != 3 {
		t.Errorf("ephemeral hook actions = %v, want only open, renew, close", hookActions)
	}
}

// TestEphemeralPlanAndApply follows localfs_secret through a plan and the
// apply of that plan (testdata/ui/README.md, plan_ephemeral/apply_ephemeral).
func TestEphemeralPlanAndApply(t *testing.T) {
	plan := readFixture(t, "plan_ephemeral.jsonl")
	// Opened and closed during the plan, even when nothing refers to it; a
	// resource whose configuration is unknown (later) is not opened and
	// leaves no trace in the stream.
	checkOps(t, ephemeralOps(plan), map[string]string{
		"ephemeral.localfs_secret.token":  "start:open complete:open start:close complete:close",
		"ephemeral.localfs_secret.unused": "start:open complete:open start:close complete:close",
	})
	start := byAddr(t, plan, TypeEphemeralOpStart, "ephemeral.localfs_secret.token")
	want := ResourceAddr{
		Addr: "ephemeral.localfs_secret.token", Resource: "ephemeral.localfs_secret.token",
		ImpliedProvider: "localfs", ResourceType: "localfs_secret", ResourceName: "token",
	}
	if start.Hook.Resource != want || start.Text != "ephemeral.localfs_secret.token: Opening..." {
		t.Errorf("ephemeral_op_start = %q %+v, want %+v", start.Text, start.Hook.Resource, want)
	}
	checkChanges(t, plan, []wantChange{
		{"terraform_data.name", ActionCreate, "", "", nil},
		{"terraform_data.use", ActionCreate, "", "", nil},
	})

	apply := readFixture(t, "apply_ephemeral.jsonl")
	// During the apply every instance is opened again, token is renewed
	// while the provisioner that uses it runs, and all are closed.
	checkOps(t, ephemeralOps(apply), map[string]string{
		"ephemeral.localfs_secret.token":  "start:open complete:open start:renew complete:renew start:close complete:close",
		"ephemeral.localfs_secret.unused": "start:open complete:open start:close complete:close",
		"ephemeral.localfs_secret.later":  "start:open complete:open start:close complete:close",
	})
	var order []string
	for _, m := range apply {
		switch {
		case m.Hook == nil:
		case m.Hook.Resource.Addr == "terraform_data.use" && (m.Type == TypeApplyStart || m.Type == TypeApplyComplete),
			m.Hook.Resource.Addr == "ephemeral.localfs_secret.token" && m.Type == TypeEphemeralOpComplete:
			order = append(order, string(m.Type)+":"+string(m.Hook.Action))
		}
	}
	if got := strings.Join(order, " "); got != "ephemeral_op_complete:open apply_start:create ephemeral_op_complete:renew apply_complete:create ephemeral_op_complete:close" {
		t.Errorf("token ops around terraform_data.use = %s", got)
	}
	for _, m := range ofType(apply, TypeEphemeralOpComplete) {
		if m.Hook.Resource.Addr == "ephemeral.localfs_secret.token" && m.Hook.Action == ActionRenew &&
			(m.Text != "ephemeral.localfs_secret.token: Renewal complete after 0s" || m.Hook.IDKey != "") {
			t.Errorf("renewal ephemeral_op_complete = %q %+v", m.Text, m.Hook)
		}
	}
	// A provisioner whose configuration holds an ephemeral value has its
	// output suppressed.
	p := byAddr(t, apply, TypeProvisionProgress, "terraform_data.use").Hook
	if p.Output != "(output suppressed due to ephemeral value in config)" {
		t.Errorf("provision_progress output = %q", p.Output)
	}
}

// TestEphemeralErrors: a failed renewal is only an ephemeral_op_errored line
// (Terraform 1.11.4 reports no diagnostic and the apply succeeds); a failed
// open is ephemeral_op_errored plus an error diagnostic, and the plan fails.
func TestEphemeralErrors(t *testing.T) {
	renew := readFixture(t, "apply_ephemeral_renew_errored.jsonl")
	checkOps(t, ephemeralOps(renew), map[string]string{
		"ephemeral.localfs_secret.revoked": "start:open complete:open start:renew errored:renew start:close complete:close",
	})
	if d := ofType(renew, TypeDiagnostic); len(d) != 0 {
		t.Errorf("diagnostics after a failed renewal = %+v, want none", d)
	}
	if e := byAddr(t, renew, TypeEphemeralOpErrored, "ephemeral.localfs_secret.revoked"); e.Level != LevelInfo ||
		e.Text != "ephemeral.localfs_secret.revoked: Renewal errored after 0s" {
		t.Errorf("ephemeral_op_errored = %s %q", e.Level, e.Text)
	}

	open := readFixture(t, "plan_ephemeral_open_errored.jsonl")
	checkOps(t, ephemeralOps(open), map[string]string{
		"ephemeral.localfs_secret.missing": "start:open errored:open",
	})
	diags := ofType(open, TypeDiagnostic)
	if len(diags) != 1 {
		t.Fatalf("%d diagnostics, want 1", len(diags))
	}
	d := diags[0].Diagnostic
	if diags[0].Level != LevelError || d.Summary != "Cannot read secret" || d.Address != "ephemeral.localfs_secret.missing" ||
		d.Range == nil || d.Range.Start.Line != 11 || d.Snippet == nil || *d.Snippet.Context != `ephemeral "localfs_secret" "missing"` {
		t.Errorf("diagnostic = %+v range %+v snippet %+v", d, d.Range, d.Snippet)
	}
}

// TestEphemeralProgress: an open slower than 10s reports progress, like an
// apply does.
func TestEphemeralProgress(t *testing.T) {
	msgs := readFixture(t, "plan_ephemeral_progress.jsonl")
	checkOps(t, ephemeralOps(msgs), map[string]string{
		"ephemeral.localfs_secret.slow": "start:open progress:open complete:open start:close complete:close",
	})
	p := byAddr(t, msgs, TypeEphemeralOpProgress, "ephemeral.localfs_secret.slow")
	if p.Hook.ElapsedSeconds != 10 || p.Text != "ephemeral.localfs_secret.slow: Still opening... [10s elapsed]" {
		t.Errorf("ephemeral_op_progress = %q %+v", p.Text, p.Hook)
	}
	if c := byAddr(t, msgs, TypeEphemeralOpComplete, "ephemeral.localfs_secret.slow"); c.Hook.ElapsedSeconds < 11 {
		t.Errorf("ephemeral_op_complete = %+v, want >= 11s", c.Hook)
	}
}

// TestEphemeralValueNeverRecorded: the secret localfs_secret reads in the
// recordings appears in no stream or plan file.
func TestEphemeralValueNeverRecorded(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// apply_progress holds a sensitive output whose value Terraform omits.
		if bytes.Contains(b, []byte("not-really-secret")) {
			t.Errorf("%s contains the secret value", filepath.Base(f))
		}
	}
}
