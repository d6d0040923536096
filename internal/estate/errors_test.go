package estate

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestDiagnosticsErrorFormat(t *testing.T) {
	at := func(file string, line, col, byte int) *hcl.Range {
		return &hcl.Range{Filename: file, Start: hcl.Pos{Line: line, Column: col, Byte: byte}}
	}
	err := newDiagnosticsError(hcl.Diagnostics{
		{Severity: hcl.DiagWarning, Summary: "Warnings are dropped", Subject: at("a.tf", 1, 1, 0)},
		{Severity: hcl.DiagError, Summary: "Later in b", Detail: "Detail.", Subject: at("b.tf", 9, 2, 90)},
		{Severity: hcl.DiagError, Summary: "Earlier in b", Subject: at("b.tf", 2, 1, 10)},
		{Severity: hcl.DiagError, Summary: "No position", Detail: "Whole file set."},
		{Severity: hcl.DiagError, Summary: "In a", Subject: at("a.tf", 3, 5, 30)},
	})
	want := "No position; Whole file set.\n" +
		"a.tf:3:5: In a\n" +
		"b.tf:2:1: Earlier in b\n" +
		"b.tf:9:2: Later in b; Detail."
	if got := errString(err); got != want {
		t.Errorf("Error() =\n%s\nwant\n%s", got, want)
	}
	if err := newDiagnosticsError(hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "w"}}); err != nil {
		t.Errorf("warnings only: got %v, want nil", err)
	}
}

func TestUnknownEnvironmentErrorNoKnown(t *testing.T) {
	err := &UnknownEnvironmentError{Name: "qa"}
	if got, want := err.Error(), `unknown environment "qa"; known environments: (none)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
