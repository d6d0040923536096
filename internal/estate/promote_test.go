package estate

import (
	"slices"
	"strings"
	"testing"
)

func TestPromoteBlock(t *testing.T) {
	root := writeTree(t, map[string]string{
		"infractl.hcl": `environment "dev" {}

promote {
  variables = ["image_tag", "chart_version"]
}
`,
		"environments/dev/main.tf": "variable \"image_tag\" {}\n",
	})
	e, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"image_tag", "chart_version"}; !slices.Equal(e.Promote.Variables, want) {
		t.Errorf("Promote.Variables = %q, want %q", e.Promote.Variables, want)
	}
	if e.Promote.Range.Start.Line != 3 {
		t.Errorf("Promote.Range = %v, want line 3", e.Promote.Range)
	}
}

func TestPromoteBlockAbsent(t *testing.T) {
	e, err := Load(writeTree(t, map[string]string{"environments/dev/main.tf": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if e.Promote.Variables != nil {
		t.Errorf("Promote.Variables = %q, want none", e.Promote.Variables)
	}
}

func TestPromoteBlockErrors(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"duplicate block", "promote {}\npromote {}\n", "infractl.hcl:2:1: Duplicate promote block; The promote block was already declared at infractl.hcl:1:1"},
		{"not a list", "promote {\n  variables = \"tag\"\n}\n", "Unsuitable value type"},
		{"bad name", "promote {\n  variables = [\"image tag\"]\n}\n", `"image tag" is not a valid terraform variable name`},
		{"listed twice", "promote {\n  variables = [\"a\", \"a\"]\n}\n", `Variable "a" is listed twice`},
		{"unknown argument", "promote {\n  modules = true\n}\n", "infractl.hcl:2:3: Unsupported argument"},
		{"labels", "promote \"x\" {}\n", "Extraneous label for promote"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"infractl.hcl": tc.config, "environments/dev/main.tf": ""})
			_, err := Load(root)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
