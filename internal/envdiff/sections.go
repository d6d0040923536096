package envdiff

import (
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// Placeholders for values that are not there.
const (
	notDeclared = "(not declared)"
	noValue     = "(no value)"
	notSet      = "(not set)"
)

// variables compares effective values; objects and maps are compared key by
// key so a change deep in a map of models is one row, not the whole map.
func variables(a, b *estate.Environment) Section {
	s := Section{ID: "variables", Title: "Variables (effective values)"}
	decl := func(env *estate.Environment) map[string]estate.Variable {
		m := map[string]estate.Variable{}
		for _, v := range env.Variables {
			m[v.Name] = v
		}
		return m
	}
	da, db := decl(a), decl(b)
	ea, eb := a.EffectiveVariables(), b.EffectiveVariables()
	for _, name := range union(da, db) {
		va, inA := da[name]
		vb, inB := db[name]
		sensitive := va.Sensitive || vb.Sensitive
		from := func(env *estate.Environment, eff map[string]estate.VarValue) string {
			if vv, ok := eff[name]; ok {
				return pos(vv.Range.Filename, vv.Range.Start.Line)
			}
			return ""
		}
		if !inA || !inB {
			row := Row{Name: name, A: notDeclared, B: notDeclared, Change: OnlyB, Sensitive: sensitive}
			if inA {
				row.Change, row.A, row.AFrom = OnlyA, valueText(ea, name, sensitive), from(a, ea)
			} else {
				row.B, row.BFrom = valueText(eb, name, sensitive), from(b, eb)
			}
			s.Rows = append(s.Rows, row)
			continue
		}
		vala, valb := ea[name].Value, eb[name].Value
		fa, fb := map[string]cty.Value{}, map[string]cty.Value{}
		flattenPair(name, vala, valb, fa, fb)
		for _, path := range union(fa, fb) {
			pa, okA := fa[path]
			pb, okB := fb[path]
			ta, tb := leafText(pa, okA, path == name), leafText(pb, okB, path == name)
			if ta == tb {
				s.Identical++
				continue
			}
			row := Row{Name: path, A: ta, B: tb, Change: Changed, Sensitive: sensitive, AFrom: from(a, ea), BFrom: from(b, eb)}
			if sensitive {
				row.A, row.B = hide(ta), hide(tb)
			}
			s.Rows = append(s.Rows, row)
		}
	}
	s.Rows = sortRows(s.Rows)
	return s
}

// leafText renders one flattened value; whole says the path is the
// variable itself (absent means no value) rather than a key in it.
func leafText(v cty.Value, ok, whole bool) string {
	switch {
	case ok && v != cty.NilVal:
		return render(v)
	case whole:
		return noValue
	}
	return notSet
}

// hide replaces a sensitive value, keeping the placeholders.
func hide(s string) string {
	if s == noValue || s == notSet || s == notDeclared {
		return s
	}
	return Sensitive
}

func valueText(eff map[string]estate.VarValue, name string, sensitive bool) string {
	vv, ok := eff[name]
	if !ok {
		return noValue
	}
	if sensitive {
		return Sensitive
	}
	return render(vv.Value)
}

// stateArgs are the backend arguments that name the state itself, which
// differ between environments by design.
var stateArgs = map[string][]string{
	"s3": {"key"}, "azurerm": {"key"}, "gcs": {"prefix"}, "local": {"path"}, "consul": {"path"},
	"http": {"address", "lock_address", "unlock_address"}, "pg": {"schema_name"},
	"cloud": {"workspaces.name"}, "remote": {"workspaces.name"},
}

// secretArgs are backend arguments whose values are credentials.
var secretArgs = []string{"access_key", "secret_key", "token", "sse_customer_key", "password", "conn_str",
	"client_secret", "client_certificate_password", "sas_token", "credentials", "encryption_key", "access_token"}

// backendSettings flattens a backend into argument -> display text, with
// nested blocks and object arguments as dotted paths.
func backendSettings(b *estate.Backend) map[string]string {
	out := map[string]string{}
	var attrs func(prefix string, m map[string]estate.Attribute)
	attrs = func(prefix string, m map[string]estate.Attribute) {
		for name, a := range m {
			path := prefix + name
			if a.Literal {
				flat := map[string]cty.Value{}
				flatten(path, a.Value, flat)
				for p, v := range flat {
					out[p] = render(v)
				}
				continue
			}
			out[path] = "${" + strings.TrimSpace(a.Expr) + "}"
		}
	}
	attrs("", b.Attributes)
	var blocks func(prefix string, bs []estate.Block)
	blocks = func(prefix string, bs []estate.Block) {
		for _, blk := range bs {
			p := prefix + blk.Type + "."
			attrs(p, blk.Attributes)
			blocks(p, blk.Blocks)
		}
	}
	blocks("", b.Blocks)
	for path := range out {
		last := path[strings.LastIndex(path, ".")+1:]
		if slices.Contains(secretArgs, last) {
			out[path] = Sensitive
		}
	}
	return out
}

// backend compares backend type and arguments; the state key is expected
// to differ, and is flagged when it does not.
func backend(a, b *estate.Environment) Section {
	s := Section{ID: "backend", Title: "Backend (" + a.Backend.Type + ")"}
	if a.Backend.Type != b.Backend.Type {
		s.Title = "Backend"
		s.Rows = append(s.Rows, Row{Name: "type", A: a.Backend.Type, B: b.Backend.Type, Change: Changed})
	} else {
		s.Identical++
	}
	sa, sb := backendSettings(a.Backend), backendSettings(b.Backend)
	expected := map[string]bool{}
	if a.Backend.Type == b.Backend.Type {
		for _, n := range stateArgs[a.Backend.Type] {
			expected[n] = true
		}
	}
	for _, name := range union(sa, sb) {
		va, inA := sa[name]
		vb, inB := sb[name]
		row := Row{Name: name, A: va, B: vb, Sensitive: va == Sensitive || vb == Sensitive}
		switch {
		case !inB:
			row.Change = OnlyA
		case !inA:
			row.Change = OnlyB
		case expected[name] && va != vb:
			row.Change, row.Note = Expected, "expected to differ: each environment has its own state"
		case expected[name] && !row.Sensitive:
			row.Change, row.Note = SameState, "both environments use the same state; infractl lint reports this as IFX001"
		case va != vb:
			row.Change = Changed
		default:
			s.Identical++
			continue
		}
		s.Rows = append(s.Rows, row)
	}
	s.Rows = sortRows(s.Rows)
	return s
}
