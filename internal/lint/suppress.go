package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// directive is one `infractl:ignore` or `infractl:ignore-block` comment.
type directive struct {
	file   *sourceFile
	rules  []string
	reason string
	// block is true for ignore-block; scope is then the block or argument
	// it covers.
	block bool
	scope hcl.Range
	// at is the comment itself.
	at Location
	// problem makes the directive invalid (IFX014); it then covers nothing.
	problem string
	used    bool
}

var (
	directiveRE = regexp.MustCompile(`^infractl:(ignore(?:-block)?)(?:\s+(\S+))?\s*(.*)$`)
	ruleIDRE    = regexp.MustCompile(`^IFX\d{3}$`)
)

// parseDirectives finds the ignore comments of a native-syntax file.
func parseDirectives(f *sourceFile) []*directive {
	if !bytes.Contains(f.src, []byte("infractl:ignore")) {
		return nil
	}
	tokens, _ := hclsyntax.LexConfig(f.src, f.rel, hcl.InitialPos)
	var out []*directive
	for _, tok := range tokens {
		if tok.Type != hclsyntax.TokenComment {
			continue
		}
		text := strings.TrimSpace(string(tok.Bytes))
		switch {
		case strings.HasPrefix(text, "#"):
			text = text[1:]
		case strings.HasPrefix(text, "//"):
			text = text[2:]
		case strings.HasPrefix(text, "/*"):
			text = strings.TrimSuffix(text[2:], "*/")
		}
		m := directiveRE.FindStringSubmatch(strings.TrimSpace(text))
		if m == nil {
			continue
		}
		d := &directive{file: f, block: m[1] == "ignore-block", reason: strings.TrimSpace(m[3]), at: locationOf(tok.Range, "")}
		d.at.EndLine, d.at.EndColumn = tok.Range.Start.Line, tok.Range.Start.Column+len(strings.TrimRight(string(tok.Bytes), "\r\n"))
		for _, id := range strings.Split(m[2], ",") {
			if id = strings.TrimSpace(id); id != "" {
				d.rules = append(d.rules, strings.ToUpper(id))
			}
		}
		d.problem = d.check()
		if d.problem == "" && d.block {
			scope, ok := attachedItem(f, tok.Range)
			if !ok {
				d.problem = "infractl:ignore-block must be on the lines right above a block or argument, or inside a block"
			}
			d.scope = scope
		}
		out = append(out, d)
	}
	return out
}

// check returns what is wrong with the directive's rules and reason.
func (d *directive) check() string {
	if len(d.rules) == 0 {
		return "the ignore comment names no rule; write infractl:ignore IFXnnn reason"
	}
	for _, id := range d.rules {
		if !ruleIDRE.MatchString(id) {
			return fmt.Sprintf("%q is not a rule ID (IFXnnn)", id)
		}
		if _, ok := ruleByID(id); !ok {
			return fmt.Sprintf("%s is not a known rule", id)
		}
	}
	if d.reason == "" {
		return fmt.Sprintf("the ignore comment for %s gives no reason; say why the rule does not apply here", strings.Join(d.rules, ","))
	}
	return ""
}

// attachedItem finds the top-level block or argument a block directive
// belongs to: the one that contains the comment, or the next one when only
// blank and comment lines separate them.
func attachedItem(f *sourceFile, comment hcl.Range) (hcl.Range, bool) {
	if f.body == nil {
		return hcl.Range{}, false
	}
	var items []hcl.Range
	for _, b := range f.body.Blocks {
		items = append(items, b.Range())
	}
	for _, a := range f.body.Attributes {
		items = append(items, a.SrcRange)
	}
	slices.SortFunc(items, func(a, b hcl.Range) int { return a.Start.Byte - b.Start.Byte })
	line := comment.Start.Line
	for _, it := range items {
		if it.Start.Line <= line && line <= it.End.Line {
			return it, true
		}
	}
	lines := strings.Split(string(f.src), "\n")
	for _, it := range items {
		if it.Start.Line <= line {
			continue
		}
		for l := line + 1; l < it.Start.Line; l++ {
			t := strings.TrimSpace(lines[l-1])
			if t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "//") {
				return hcl.Range{}, false
			}
		}
		return it, true
	}
	return hcl.Range{}, false
}

// covers reports whether a valid directive turns rule off at loc.
func (d *directive) covers(rule string, loc Location) bool {
	if d.problem != "" || loc.File != d.file.rel || !slices.Contains(d.rules, rule) {
		return false
	}
	if !d.block {
		return true
	}
	return loc.Line >= d.scope.Start.Line && loc.Line <= d.scope.End.Line
}

// suppress drops the findings some directive covers, marking those
// directives used, and returns the kept findings and the dropped count.
func suppress(findings []Finding, byFile map[string]*sourceFile) ([]Finding, int) {
	kept := findings[:0]
	dropped := 0
	for _, f := range findings {
		hit := false
		for _, loc := range f.locations() {
			sf := byFile[loc.File]
			if sf == nil {
				continue
			}
			for _, d := range sf.directives {
				if d.covers(f.RuleID, loc) {
					d.used = true
					hit = true
				}
			}
		}
		if hit {
			dropped++
			continue
		}
		kept = append(kept, f)
	}
	return kept, dropped
}

// directiveFindings reports invalid directives, and valid ones that
// suppressed nothing, in the scanned files.
func directiveFindings(files []*sourceFile) []Finding {
	var out []Finding
	for _, sf := range files {
		for i, d := range sf.directives {
			key := fmt.Sprintf("%s#%d", strings.Join(d.rules, ","), i)
			switch {
			case d.problem != "":
				out = append(out, newFinding(RuleInvalidSuppression, sf.env, d.at, key, d.problem, ""))
			case !d.used:
				kind := "this file"
				if d.block {
					kind = "the block it is attached to"
				}
				out = append(out, newFinding(RuleUnusedSuppression, sf.env, d.at, key,
					fmt.Sprintf("infractl:%s %s suppresses nothing in %s", directiveKind(d), strings.Join(d.rules, ","), kind), ""))
			}
		}
	}
	return out
}

func directiveKind(d *directive) string {
	if d.block {
		return "ignore-block"
	}
	return "ignore"
}
