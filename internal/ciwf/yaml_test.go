package ciwf

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestScalarsReadBack(t *testing.T) {
	for _, s := range []string{
		"", "main", "on", "off", "yes", "No", "true", "null", "~", "1", "1.5", "0x1F", "1e3", ".inf", "12:30",
		"${{ matrix.environment }}", "github.event_name == 'pull_request'", "**/x", "- dash", "a: b", "a #b", "a:",
		"trailing ", " leading", "@at", "`tick`", "'quoted'", `"dq"`, "{brace}", "[bracket]", "*star", "&anchor",
		"!tag", "%pct", "|pipe", ">gt", "?q", ",comma", "tab\there", "line\nbreak", "ünicode", "examples/ml-platform/**",
		">=1.11 <2.0.0", "infractl-prod",
	} {
		doc := emitDocument(nil, newMapping("k", s, "l", []any{s}))
		var got struct {
			K string   `yaml:"k"`
			L []string `yaml:"l"`
		}
		if err := yaml.Unmarshal(doc, &got); err != nil {
			t.Errorf("%q: %v\n%s", s, err, doc)
			continue
		}
		if got.K != s || len(got.L) != 1 || got.L[0] != s {
			t.Errorf("%q read back as %q / %q from\n%s", s, got.K, got.L, doc)
		}
	}
}

func TestEmitShapes(t *testing.T) {
	doc := emitDocument([]string{"# first", "", "second"}, newMapping(
		"on", newMapping("push", newMapping()),
		"empty", []any{},
		"run", literal("a\n\nb\n"),
		"nonl", literal("x"),
		"count", 7,
		"b", false,
		"steps", []any{newMapping("name", "x", "with", newMapping("k", "v"))},
	))
	want := `# first
#
# second
on:
  push: {}
empty: []
run: |
  a

  b
nonl: |-
  x
count: 7
b: false
steps:
  - name: x
    with:
      k: v
`
	if string(doc) != want {
		t.Errorf("got\n%s\nwant\n%s", doc, want)
	}
}
