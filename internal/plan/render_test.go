package plan

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// lockError is the detail of Terraform's lock error, several lines long.
const lockError = `Error message: ConditionalCheckFailedException: The conditional request failed
Lock Info:
  ID:        8c3b1f0e-1d7e-4b59-9a52-3f0b0d1c2e11
  Path:      infractl-state/staging/terraform.tfstate
  Operation: OperationTypePlan
  Who:       ci@runner-7
  Version:   1.11.4
  Created:   2026-11-25 16:59:10.268745371 +0000 UTC
  Info:`

// examplePlans is a six-environment estate: dev has one of each kind of
// change, qa none, staging failed and prod was skipped because of it; tools
// only reads a data source and web only changes an output.
func examplePlans() []Summary {
	dev := &Summary{Name: "dev"}
	for _, m := range []*ui.Message{
		msg(ui.TypeVersion),
		drifted("terraform_data.upd", ui.ActionUpdate),
		planned("terraform_data.new", ui.ActionCreate),
		planned("terraform_data.upd", ui.ActionUpdate),
		planned("terraform_data.del", ui.ActionDelete, reason(ui.ReasonDeleteNoResourceConfig)),
		planned("terraform_data.cnt[2]", ui.ActionDelete, reason(ui.ReasonDeleteCountIndex)),
		planned("terraform_data.rep", ui.ActionReplace, reason(ui.ReasonCannotUpdate)),
		planned("terraform_data.tainted", ui.ActionReplace, reason(ui.ReasonTainted)),
		planned(`aws_s3_object.o["a|b"]`, ui.ActionUpdate),
		planned("terraform_data.moved_to", ui.ActionMove, movedFrom("terraform_data.old")),
		planned("terraform_data.imp", ui.ActionImport, importing("imp-123")),
		planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
		planned("terraform_data.gone", ui.ActionRemove, reason(ui.ReasonDeleteNoResourceConfig)),
		planned("data.terraform_remote_state.r", ui.ActionRead, reason(ui.ReasonReadConfigUnknown)),
		summaryMsg("plan", 3, 3, 2, 4),
		outputs(map[string]string{"o_new": "create", "same": "noop", "gone_out": "delete"}),
		diag("warning", "Value for undeclared variable", "ignored"),
	} {
		dev.Observe(m)
	}
	dev.Finish(nil)

	qa := &Summary{Name: "qa"}
	qa.Observe(summaryMsg("plan", 0, 0, 0, 0))
	qa.Finish(nil)

	staging := &Summary{Name: "staging"}
	staging.Observe(diag("error", "Error acquiring the state lock", lockError))
	staging.Finish(errors.New("exit status 1"))

	prod := &Summary{Name: "prod"}
	prod.Skip("dependency staging failed")
	prod.Finish(nil)

	// Changes Terraform prints as "0 to add, 0 to change, 0 to destroy"
	// but that make the plan applyable: a deferred read, an output.
	tools := &Summary{Name: "tools"}
	tools.Observe(planned("data.terraform_remote_state.pending", ui.ActionRead, reason(ui.ReasonReadConfigUnknown)))
	tools.Observe(summaryMsg("plan", 0, 0, 0, 0))
	tools.Finish(nil)

	web := &Summary{Name: "web"}
	web.Observe(summaryMsg("plan", 0, 0, 0, 0))
	web.Observe(outputs(map[string]string{"url": "update"}))
	web.Finish(nil)

	return []Summary{*dev, *qa, *staging, *prod, *tools, *web}
}

func exampleDrifts(t *testing.T) []DriftReport {
	dev := sensitiveDrift(t)
	dev.Name = "dev"

	qa := &DriftReport{Name: "qa"}
	qa.Observe(drifted("terraform_data.moved2", ui.ActionMove, movedFrom("terraform_data.moved_to")))
	qa.Finish(nil)

	staging := &DriftReport{Name: "staging"}
	staging.Observe(diag("error", "Error acquiring the state lock", lockError))
	staging.Finish(errors.New("exit status 1"))

	prod := &DriftReport{Name: "prod"}
	prod.Skip("dependency staging failed")

	return []DriftReport{*dev, *qa, *staging, *prod}
}

func exampleApplies() []ApplyReport {
	dev := &ApplyReport{Name: "dev"}
	for _, m := range []*ui.Message{
		planned("terraform_data.rep", ui.ActionReplace, reason(ui.ReasonCannotUpdate)),
		planned("terraform_data.cbd", ui.ActionReplace, reason(ui.ReasonCannotUpdate)),
		planned("terraform_data.imp2", ui.ActionUpdate, importing("imp-456")),
		hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionDelete, 0, ""),
		hook(ui.TypeApplyComplete, "terraform_data.cbd", ui.ActionCreate, 1, "048c"),
		hook(ui.TypeApplyComplete, "terraform_data.imp2", ui.ActionUpdate, 0, "imp-456"),
		hook(ui.TypeApplyComplete, "terraform_data.rep", ui.ActionCreate, 0.5, "fa2d"),
		hook(ui.TypeApplyComplete, "terraform_data.cbd", ui.ActionDelete, 0, ""),
		hook(ui.TypeApplyComplete, `aws_s3_object.o["a|b"]`, ui.ActionUpdate, 11, "a|b"),
		summaryMsg("apply", 2, 2, 1, 2),
	} {
		dev.Observe(m)
	}
	dev.Finish(nil)

	qa := &ApplyReport{Name: "qa"}
	qa.Observe(summaryMsg("apply", 0, 0, 0, 0))
	qa.Finish(nil)

	staging := &ApplyReport{Name: "staging"}
	for _, m := range []*ui.Message{
		planned("terraform_data.ok", ui.ActionCreate),
		planned("terraform_data.bad", ui.ActionCreate),
		hook(ui.TypeApplyComplete, "terraform_data.ok", ui.ActionCreate, 0, "3f07"),
		hook(ui.TypeApplyErrored, "terraform_data.bad", ui.ActionCreate, 0, ""),
		diagAt("local-exec provisioner error",
			"Error running command 'echo about-to-fail; exit 1': exit status 1. Output: about-to-fail\n",
			"terraform_data.bad", "main.tf", 11),
	} {
		staging.Observe(m)
	}
	staging.Finish(errors.New("exit status 1"))

	prod := &ApplyReport{Name: "prod"}
	prod.Skip("dependency staging failed")

	prodEU := &ApplyReport{Name: "prod-eu"}
	prodEU.Refuse("prod-eu is protected; pass --approve=prod-eu to apply it")

	// A saved move-only plan: the apply stream shows nothing, the plan
	// given to Expect says it was applied.
	tools := &ApplyReport{Name: "tools"}
	tools.Expect(&Summary{Move: 1})
	tools.Observe(summaryMsg("apply", 0, 0, 0, 0))
	tools.Finish(nil)

	return []ApplyReport{*dev, *qa, *staging, *prod, *prodEU, *tools}
}

func TestRenderGolden(t *testing.T) {
	plans, drifts, applies := examplePlans(), exampleDrifts(t), exampleApplies()
	tests := []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"plan_table.golden", func(b *bytes.Buffer) error { return WritePlanTable(b, plans, TableOptions{}) }},
		{"plan_table_detail.golden", func(b *bytes.Buffer) error { return WritePlanTable(b, plans, TableOptions{Detail: true}) }},
		{"plan_table_color.golden", func(b *bytes.Buffer) error {
			return WritePlanTable(b, plans, TableOptions{Detail: true, Color: true})
		}},
		{"plan.json.golden", func(b *bytes.Buffer) error { return WritePlanJSON(b, plans) }},
		{"plan.md.golden", func(b *bytes.Buffer) error { return WritePlanMarkdown(b, plans) }},

		{"drift_table.golden", func(b *bytes.Buffer) error { return WriteDriftTable(b, drifts, TableOptions{}) }},
		{"drift_table_detail.golden", func(b *bytes.Buffer) error {
			return WriteDriftTable(b, drifts, TableOptions{Detail: true})
		}},
		{"drift.json.golden", func(b *bytes.Buffer) error { return WriteDriftJSON(b, drifts) }},
		{"drift.md.golden", func(b *bytes.Buffer) error { return WriteDriftMarkdown(b, drifts) }},

		{"apply_table.golden", func(b *bytes.Buffer) error { return WriteApplyTable(b, applies, TableOptions{}) }},
		{"apply_table_detail.golden", func(b *bytes.Buffer) error {
			return WriteApplyTable(b, applies, TableOptions{Detail: true})
		}},
		{"apply.json.golden", func(b *bytes.Buffer) error { return WriteApplyJSON(b, applies) }},
		{"apply.md.golden", func(b *bytes.Buffer) error { return WriteApplyMarkdown(b, applies) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, b.Bytes())
		})
	}
}

func TestRenderEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WritePlanJSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"environments\": [],\n  \"exit_code\": 0\n}\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestRenderNoColorByDefault(t *testing.T) {
	var b bytes.Buffer
	plans := examplePlans()
	if err := WritePlanTable(&b, plans, TableOptions{Detail: true}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("\x1b[")) {
		t.Errorf("escape sequence without Color:\n%s", b.String())
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct{ in, code, text string }{
		{`aws_x.y["a|b"]`, "`aws_x.y[\"a\\|b\"]`", `aws_x.y["a\|b"]`},
		{"a`b", "``a`b``", "a`b"},
		{"`a", "`` `a ``", "`a"},
		{"<b>&", "`<b>&`", "&lt;b&gt;&amp;"},
		{"line\nbreak", "`line break`", "line break"},
	}
	for _, tt := range tests {
		if got := mdCode(tt.in); got != tt.code {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.code)
		}
		if got := mdText(tt.in); got != tt.text {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.text)
		}
	}
	if got := mdFence("a ``` b ```` c"); got != "`````" {
		t.Errorf("mdFence = %q", got)
	}
}

// TestApplyTableListsFailures: without Detail, a failed environment still
// shows what completed before the error and what errored; a successful one
// shows only its row.
func TestApplyTableListsFailures(t *testing.T) {
	var b bytes.Buffer
	if err := WriteApplyTable(&b, exampleApplies(), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"staging: error after 1 added, 1 errored",
		"terraform_data.ok   create          0s, id=3f07",
		"terraform_data.bad  create errored  0s",
		"Output: about-to-fail", // the full error, not the cut ERROR cell
		"prod: skipped",
		"prod-eu: refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"dev:", "terraform_data.rep", "qa:", "tools:"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("%q listed without Detail:\n%s", unwanted, out)
		}
	}

	b.Reset()
	if err := WriteApplyTable(&b, exampleApplies(), TableOptions{Detail: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dev: 1 imported", "terraform_data.rep", "qa: no changes", "staging: error", "tools: applied"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Detail: missing %q in:\n%s", want, b.String())
		}
	}
}

func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"one":                      "one",
		"one\ntwo":                 "one",
		"one\r\ntwo\r\n":           "one",
		"\nsecond":                 "",
		"exit status 1\n\nstderr:": "exit status 1",
	} {
		if got := FirstLine(in); got != want {
			t.Errorf("FirstLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cell("abcdef\nxyz", 4); got != "abc…" {
		t.Errorf("cell = %q, want %q", got, "abc…")
	}
	if got := cell("abcd", 4); got != "abcd" {
		t.Errorf("cell = %q, want %q", got, "abcd")
	}
}
