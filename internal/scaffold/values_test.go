package scaffold

import (
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

func TestParseSetting(t *testing.T) {
	env := &estate.Environment{Name: "prod", Variables: []estate.Variable{
		{Name: "s", Type: "string"},
		{Name: "n", Type: "number"},
		{Name: "b", Type: "bool"},
		{Name: "l", Type: "list(string)"},
		{Name: "m", Type: "map(object({ cpu = string, gpu = optional(number, 0) }))"},
		{Name: "u"},
		{Name: "a", Type: "any"},
	}}
	for _, tc := range []struct{ raw, want string }{
		{"s=1.30", `"1.30"`},
		{`s="quoted"`, `"quoted"`},
		{"s=a=b", `"a=b"`},
		{"s=", `""`},
		{"n=3", "3"},
		{"n=2.5", "2.5"},
		{`n="4"`, "4"},
		{"b=true", "true"},
		{`l=["a", "b"]`, `["a", "b"]`},
		{`m={x = {cpu = "1"}}`, "{\n  x = {\n    cpu = \"1\"\n  }\n}"},
		{"u=SPOT", `"SPOT"`},
		{"u=3", "3"},
		{"a=[1]", "[1]"},
	} {
		s, err := ParseSetting(env, tc.raw)
		if err != nil {
			t.Errorf("ParseSetting(%q): %v", tc.raw, err)
			continue
		}
		if got := string(hcledit.ValueText(s.Value)); got != tc.want {
			t.Errorf("ParseSetting(%q) = %s, want %s", tc.raw, got, tc.want)
		}
	}
	for _, tc := range []struct{ raw, want string }{
		{"n=three", `--set n: "three" is not a value of type number`},
		{"b=yes", `--set b: "yes" is not a value of type bool`},
		{"l=a", `is not a value of type list(string)`},
		{`m={x = {gpu = 1}}`, `is not a value of type map(object(`},
		{"zz=1", `--set zz: prod declares no variable "zz"`},
		{"=1", `--set "=1": want VAR=VALUE`},
	} {
		if _, err := ParseSetting(env, tc.raw); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSetting(%q): %v, want %q", tc.raw, err, tc.want)
		}
	}
}
