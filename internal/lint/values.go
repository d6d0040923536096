package lint

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// leaf is one primitive value inside a (possibly nested) value, with the
// path that leads to it and the most precise range known for it.
type leaf struct {
	// path starts with the variable or argument name; object keys follow,
	// and list elements appear as "[i]".
	path  []string
	value cty.Value
	rng   hcl.Range
}

// name is the last non-index element of the path: the key the value is
// assigned to.
func (l leaf) name() string {
	for i := len(l.path) - 1; i >= 0; i-- {
		if !strings.HasPrefix(l.path[i], "[") {
			return l.path[i]
		}
	}
	return ""
}

// dotted renders the path as vpc.cidr_block or subnets[0].
func dotted(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// valueLeaves walks a known value and, in parallel, the literal syntax that
// produced it (expr may be nil, e.g. for JSON files), calling fn for every
// primitive value.
func valueLeaves(v cty.Value, expr hclsyntax.Expression, fallback hcl.Range, path []string, fn func(leaf)) {
	rng := fallback
	if expr != nil {
		rng = expr.Range()
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType() || ty.IsMapType():
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			key := k.AsString()
			valueLeaves(ev, objectItem(expr, key), rng, appendPath(path, key), fn)
		}
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, ev := it.Element()
			var sub hclsyntax.Expression
			if t, ok := unwrap(expr).(*hclsyntax.TupleConsExpr); ok && i < len(t.Exprs) && !ty.IsSetType() {
				sub = t.Exprs[i]
			}
			valueLeaves(ev, sub, rng, appendPath(path, "["+strconv.Itoa(i)+"]"), fn)
		}
	default:
		fn(leaf{path: path, value: v, rng: rng})
	}
}

// syntaxLeaves walks an expression's literal parts only: string and number
// literals, inside tuple and object constructors; anything computed
// (references, function calls, interpolations) is skipped.
func syntaxLeaves(expr hclsyntax.Expression, path []string, fn func(leaf)) {
	switch e := unwrap(expr).(type) {
	case *hclsyntax.TemplateExpr:
		if e.IsStringLiteral() {
			if v, diags := e.Value(nil); !diags.HasErrors() {
				fn(leaf{path: path, value: v, rng: e.SrcRange})
			}
		}
	case *hclsyntax.LiteralValueExpr:
		fn(leaf{path: path, value: e.Val, rng: e.SrcRange})
	case *hclsyntax.TupleConsExpr:
		for i, sub := range e.Exprs {
			syntaxLeaves(sub, appendPath(path, "["+strconv.Itoa(i)+"]"), fn)
		}
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			key, ok := objectKey(item.KeyExpr)
			if !ok {
				continue
			}
			syntaxLeaves(item.ValueExpr, appendPath(path, key), fn)
		}
	}
}

// unwrap removes parentheses.
func unwrap(expr hclsyntax.Expression) hclsyntax.Expression {
	for {
		p, ok := expr.(*hclsyntax.ParenthesesExpr)
		if !ok {
			return expr
		}
		expr = p.Expression
	}
}

// objectKey returns an object constructor key that is a constant.
func objectKey(expr hclsyntax.Expression) (string, bool) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// objectItem returns the value expression for key in an object
// constructor, or nil.
func objectItem(expr hclsyntax.Expression, key string) hclsyntax.Expression {
	o, ok := unwrap(expr).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	for _, item := range o.Items {
		if k, ok := objectKey(item.KeyExpr); ok && k == key {
			return item.ValueExpr
		}
	}
	return nil
}

func appendPath(path []string, elem string) []string {
	out := make([]string, len(path), len(path)+1)
	copy(out, path)
	return append(out, elem)
}

// nameTokens splits a name into lowercase words at underscores, dashes,
// dots and camelCase boundaries: "dbMaxAllocated_storage" gives db, max,
// allocated, storage.
func nameTokens(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// hasToken reports whether any of the tokens of any path element is in set.
func hasToken(path []string, set map[string]bool) bool {
	for _, p := range path {
		for _, t := range nameTokens(p) {
			if set[t] {
				return true
			}
		}
	}
	return false
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// asString returns a string leaf's value.
func asString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}
