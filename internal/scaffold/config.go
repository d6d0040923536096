package scaffold

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

// ConfigChange says how env new declared the new environment in
// infractl.hcl.
type ConfigChange struct {
	// File is infractl.hcl relative to the estate root; empty when it was
	// not changed (no infractl.hcl, or the source environment is not
	// declared there: the new one is then undeclared too).
	File string `json:"file,omitempty"`
	// Position is "after ENV" or "before ENV".
	Position string `json:"position,omitempty"`
	// DependsOn and Protected are the new environment's settings.
	DependsOn []string `json:"depends_on"`
	Protected bool     `json:"protected"`
	// Rewired, when set, says which environment now depends on the new
	// one instead ("prod: depends_on [staging] -> [preprod]").
	Rewired string `json:"rewired,omitempty"`
}

// declare returns infractl.hcl with the new environment declared, following
// the placement rules of Create. src is the file's content.
func declare(src []byte, from *estate.Environment, name string, protected bool) ([]byte, ConfigChange, error) {
	change := ConfigChange{File: estate.ConfigFileName}
	body, err := hcledit.Parse(src, estate.ConfigFileName)
	if err != nil {
		return nil, change, err
	}
	blk := hcledit.FindBlock(body, "environment", from.Name)
	if blk == nil {
		return nil, change, fmt.Errorf("%s has no environment %q block", estate.ConfigFileName, from.Name)
	}
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
	}
	if from.Protected && !protected {
		// A copy of a protected environment is its rehearsal: it runs
		// just before it, in its place in the chain.
		change.Position = "before " + from.Name
		change.DependsOn = slices.Clone(from.DependsOn)
		text := blockText(name, change.DependsOn, false, nl) + nl
		at := leadingCommentStart(src, blk.Range().Start.Byte)
		out := slices.Concat(src[:at], []byte(text), src[at:])
		out, err := hcledit.SetBlockAttributes(out, estate.ConfigFileName, "environment", []string{from.Name},
			[]hcledit.Assignment{{Name: "depends_on", Value: cty.TupleVal([]cty.Value{cty.StringVal(name)})}})
		if err != nil {
			return nil, change, err
		}
		change.Rewired = fmt.Sprintf("%s: depends_on [%s] -> [%s]", from.Name, strings.Join(from.DependsOn, ", "), name)
		return out, change, nil
	}
	change.Position = "after " + from.Name
	change.DependsOn = []string{from.Name}
	change.Protected = protected
	at := lineEnd(src, blk.Range().End.Byte)
	prefix := ""
	if at == len(src) && !bytes.HasSuffix(src, []byte("\n")) {
		prefix = nl
	}
	text := prefix + nl + blockText(name, change.DependsOn, protected, nl)
	return slices.Concat(src[:at], []byte(text), src[at:]), change, nil
}

// blockText is a formatted environment block.
func blockText(name string, deps []string, protected bool, nl string) string {
	var lines []string
	if len(deps) > 0 {
		lines = append(lines, "  depends_on = "+string(hcledit.ValueText(stringList(deps))))
	}
	if protected {
		if len(lines) > 0 {
			lines = append(lines, "  protected  = true")
		} else {
			lines = append(lines, "  protected = true")
		}
	}
	head := fmt.Sprintf("environment %s {", hcledit.ValueText(cty.StringVal(name)))
	if len(lines) == 0 {
		return head + "}" + nl
	}
	return head + nl + strings.Join(lines, nl) + nl + "}" + nl
}

func stringList(names []string) cty.Value {
	vals := make([]cty.Value, len(names))
	for i, n := range names {
		vals[i] = cty.StringVal(n)
	}
	return cty.TupleVal(vals)
}

// lineEnd is the offset just after the newline that ends the line holding
// offset (len(src) on the last line).
func lineEnd(src []byte, offset int) int {
	if i := bytes.IndexByte(src[offset:], '\n'); i >= 0 {
		return offset + i + 1
	}
	return len(src)
}

// leadingCommentStart moves offset (the start of a block) up over the
// comment lines directly above it, which belong to the block.
func leadingCommentStart(src []byte, offset int) int {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	for start > 0 {
		prevStart := bytes.LastIndexByte(src[:start-1], '\n') + 1
		line := strings.TrimSpace(string(src[prevStart : start-1]))
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "//") {
			break
		}
		start = prevStart
	}
	return start
}
