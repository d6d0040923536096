package tf

import (
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/tf/ui"
)

func TestExitErrorMessage(t *testing.T) {
	args := []string{"/usr/bin/terraform", "plan", "-input=false", "-json"}
	tests := []struct {
		name string
		err  ExitError
		want string
	}{
		{"first error diagnostic wins", ExitError{Args: args, ExitCode: 1, Stderr: "noise", Diagnostics: []ui.Diagnostic{
			{Severity: "warning", Summary: "Deprecated"},
			{Severity: "error", Summary: "Reference to undeclared resource", Detail: `A managed resource "terraform_data" "nope" has not been declared in the root module.`,
				Range: &ui.Range{Filename: "main.tf", Start: ui.Pos{Line: 6, Column: 11}}},
			{Severity: "error", Summary: "Second"},
		}}, `terraform plan exited with code 1: Reference to undeclared resource: A managed resource "terraform_data" "nope" has not been declared in the root module. (main.tf:6,11)`},
		{"summary only", ExitError{Args: args, ExitCode: 1, Diagnostics: []ui.Diagnostic{{Severity: "error", Summary: "Invalid value for variable"}}},
			"terraform plan exited with code 1: Invalid value for variable"},
		{"stderr without diagnostics", ExitError{Args: []string{"/bin/tofu", "state", "pull"}, ExitCode: 1, Stderr: "\nFailed to load state: boom\n"},
			"tofu state-pull exited with code 1: Failed to load state: boom"},
		{"nothing to say", ExitError{Args: args, ExitCode: 3}, "terraform plan exited with code 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		writes []string
		want   string
	}{
		{nil, ""},
		{[]string{"abc"}, "abc"},
		{[]string{"abc", "de"}, "abcde"},
		{[]string{"abc", "def"}, "...bcdef"},
		{[]string{"abcdefgh"}, "...defgh"},
		{[]string{"abcde"}, "abcde"},
		{[]string{"ab", "cdefgh"}, "...defgh"},
		{[]string{"a", "b", "c", "d", "e", "f"}, "...bcdef"},
	}
	for _, tt := range tests {
		b := &tailBuffer{size: 5}
		for _, w := range tt.writes {
			if n, err := b.Write([]byte(w)); n != len(w) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if got := b.String(); got != tt.want {
			t.Errorf("writes %q: tail %q, want %q", tt.writes, got, tt.want)
		}
	}
	big := &tailBuffer{size: StderrTailSize}
	for range 100 {
		big.Write([]byte(strings.Repeat("x", 10_000)))
	}
	if len(big.buf) != StderrTailSize {
		t.Errorf("tail holds %d bytes, want %d", len(big.buf), StderrTailSize)
	}
}
