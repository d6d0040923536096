// Package envdiff compares two environments of an estate by meaning, not by
// text: the variable values terraform would use (terraform.tfvars over
// defaults), module sources and versions, backend settings, provider and
// terraform version requirements, and the resources, data sources and
// modules only one of them declares. It is what `infractl env diff` prints,
// and its markdown form is the "how staging differs from prod" document.
//
// Rows are sorted by name and sections come in a fixed order, so the output
// is stable. Values of sensitive variables and credential-like backend
// arguments are never shown; the row still says whether they differ.
package envdiff

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// Change says how a row differs between the two environments.
type Change string

// The kinds of difference.
const (
	// Changed: both environments have it, with different values.
	Changed Change = "changed"
	// OnlyA and OnlyB: one environment has it, the other does not.
	OnlyA Change = "only_a"
	OnlyB Change = "only_b"
	// Expected: differs by design, such as the state key.
	Expected Change = "expected"
	// SameState: a value that must differ (the state key) is the same.
	SameState Change = "same_state"
)

// Sensitive is shown instead of a sensitive value.
const Sensitive = "(sensitive)"

// Row is one compared setting that differs.
type Row struct {
	// Name is the variable (with a dotted path for nested values), module,
	// backend argument, provider or resource address.
	Name string `json:"name"`
	// A and B are the values for display, "" when absent.
	A string `json:"a"`
	B string `json:"b"`
	// Change says how they differ.
	Change Change `json:"change"`
	// Note explains expected differences.
	Note string `json:"note,omitempty"`
	// Sensitive is true when the values are hidden.
	Sensitive bool `json:"sensitive,omitempty"`
	// AFrom and BFrom say where each value is set (file:line), when known.
	AFrom string `json:"a_from,omitempty"`
	BFrom string `json:"b_from,omitempty"`
}

// Section is one aspect of the comparison.
type Section struct {
	// ID is stable for scripts: variables, modules, backend, versions,
	// resources, data_sources.
	ID string `json:"id"`
	// Title is for humans.
	Title string `json:"title"`
	// Rows are the differing settings, sorted by name.
	Rows []Row `json:"rows"`
	// Identical counts the settings that are the same in both.
	Identical int `json:"identical"`
}

// Differences counts the rows that are real differences (expected ones
// left out).
func (s *Section) Differences() int {
	n := 0
	for _, r := range s.Rows {
		if r.Change != Expected {
			n++
		}
	}
	return n
}

// Diff is the comparison of environment B with environment A.
type Diff struct {
	// A is the environment compared against (the first argument).
	A string `json:"a"`
	// B is the environment described (the second argument).
	B string `json:"b"`
	// Sections come in a fixed order: variables, modules, backend,
	// versions, resources, data_sources.
	Sections []Section `json:"sections"`
}

// Differences counts the real differences over all sections.
func (d *Diff) Differences() int {
	n := 0
	for i := range d.Sections {
		n += d.Sections[i].Differences()
	}
	return n
}

// Compare compares environment b with environment a.
func Compare(a, b *estate.Environment) *Diff {
	return &Diff{A: a.Name, B: b.Name, Sections: []Section{
		variables(a, b),
		modules(a, b),
		backend(a, b),
		versions(a, b),
		presence("resources", "Resources", managed(a.Resources), managed(b.Resources)),
		presence("data_sources", "Data sources", managed(a.DataSources), managed(b.DataSources)),
	}}
}

// sortRows orders rows by name.
func sortRows(rows []Row) []Row {
	slices.SortStableFunc(rows, func(x, y Row) int { return strings.Compare(x.Name, y.Name) })
	if rows == nil {
		rows = []Row{}
	}
	return rows
}

// union returns the sorted union of two key sets.
func union[V, W any](a map[string]V, b map[string]W) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// modules compares module calls by source and version; local sources are
// compared by the directory they resolve to.
func modules(a, b *estate.Environment) Section {
	s := Section{ID: "modules", Title: "Module calls"}
	index := func(env *estate.Environment) map[string]estate.ModuleCall {
		m := map[string]estate.ModuleCall{}
		for _, c := range env.Modules {
			m[c.Name] = c
		}
		return m
	}
	ma, mb := index(a), index(b)
	key := func(env *estate.Environment, c estate.ModuleCall) string {
		src := c.Source
		if c.IsLocal() {
			src = filepath.Clean(filepath.Join(env.Dir, c.Source))
		}
		return src + "@" + c.Version
	}
	for _, name := range union(ma, mb) {
		ca, inA := ma[name]
		cb, inB := mb[name]
		row := Row{Name: name, A: moduleDisplay(ca, inA), B: moduleDisplay(cb, inB)}
		switch {
		case !inB:
			row.Change = OnlyA
		case !inA:
			row.Change = OnlyB
		case key(a, ca) != key(b, cb):
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

func moduleDisplay(c estate.ModuleCall, ok bool) string {
	if !ok {
		return ""
	}
	if c.Version != "" {
		return c.Source + " (" + c.Version + ")"
	}
	return c.Source
}

// versions compares required_version and required_providers.
func versions(a, b *estate.Environment) Section {
	s := Section{ID: "versions", Title: "Terraform and provider versions"}
	add := func(name, va, vb string, inA, inB bool) {
		row := Row{Name: name, A: va, B: vb}
		switch {
		case inA && !inB:
			row.Change = OnlyA
		case inB && !inA:
			row.Change = OnlyB
		case va != vb:
			row.Change = Changed
		default:
			s.Identical++
			return
		}
		s.Rows = append(s.Rows, row)
	}
	add("terraform required_version", a.RequiredVersion, b.RequiredVersion, a.RequiredVersion != "", b.RequiredVersion != "")
	for _, name := range union(a.RequiredProviders, b.RequiredProviders) {
		pa, inA := a.RequiredProviders[name]
		pb, inB := b.RequiredProviders[name]
		add("provider "+name, providerDisplay(pa), providerDisplay(pb), inA, inB)
	}
	s.Rows = sortRows(s.Rows)
	return s
}

func providerDisplay(p estate.ProviderRequirement) string {
	src := p.Source
	if src == "" && p.Name != "" {
		src = "hashicorp/" + p.Name
	}
	switch {
	case src == "":
		return ""
	case p.Version == "":
		return src + " (any version)"
	}
	return src + " " + p.Version
}

// managed indexes resource declarations by address.
func managed(rs []estate.ResourceDecl) map[string]estate.ResourceDecl {
	m := make(map[string]estate.ResourceDecl, len(rs))
	for _, r := range rs {
		m[r.Address()] = r
	}
	return m
}

// presence lists the addresses declared in only one environment.
func presence(id, title string, a, b map[string]estate.ResourceDecl) Section {
	s := Section{ID: id, Title: title}
	for _, addr := range union(a, b) {
		ra, inA := a[addr]
		rb, inB := b[addr]
		switch {
		case inA && inB:
			s.Identical++
		case inA:
			s.Rows = append(s.Rows, Row{Name: addr, A: "declared", Change: OnlyA, AFrom: pos(ra.Range.Filename, ra.Range.Start.Line)})
		default:
			s.Rows = append(s.Rows, Row{Name: addr, B: "declared", Change: OnlyB, BFrom: pos(rb.Range.Filename, rb.Range.Start.Line)})
		}
	}
	s.Rows = sortRows(s.Rows)
	return s
}

func pos(file string, line int) string {
	if file == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", filepath.ToSlash(file), line)
}

// render formats a value the way it would be written in HCL, on one line,
// with map and object keys sorted.
func render(v cty.Value) string {
	switch {
	case v == cty.NilVal:
		return ""
	case v.IsNull():
		return "null"
	case !v.IsKnown():
		return "(known after apply)"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		var parts []string
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			parts = append(parts, render(ev))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ty.IsMapType() || ty.IsObjectType():
		var keys []string
		vals := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			keys = append(keys, k.AsString())
			vals[k.AsString()] = ev
		}
		slices.Sort(keys)
		if len(keys) == 0 {
			return "{}"
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = keyText(k) + " = " + render(vals[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	return v.GoString()
}

// keyText writes a key bare when it is an identifier, quoted otherwise.
func keyText(k string) string {
	for i, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && (r == '-' || r >= '0' && r <= '9'))) {
			return fmt.Sprintf("%q", k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

// isObject reports whether a value is a non-null map or object, which the
// comparison flattens into its keys.
func isObject(v cty.Value) bool {
	return v != cty.NilVal && !v.IsNull() && v.IsKnown() && (v.Type().IsMapType() || v.Type().IsObjectType())
}

// flattenPair flattens two values side by side: keys both have are
// followed down, a key only one has stays whole (the other side is absent).
func flattenPair(prefix string, a, b cty.Value, outA, outB map[string]cty.Value) {
	if !isObject(a) || !isObject(b) {
		outA[prefix], outB[prefix] = a, b
		return
	}
	ma, mb := a.AsValueMap(), b.AsValueMap()
	for _, key := range union(ma, mb) {
		name := childPath(prefix, key)
		va, inA := ma[key]
		vb, inB := mb[key]
		switch {
		case inA && inB:
			flattenPair(name, va, vb, outA, outB)
		case inA:
			outA[name] = va
		default:
			outB[name] = vb
		}
	}
}

func childPath(prefix, key string) string {
	if keyText(key) != key {
		return prefix + "[" + fmt.Sprintf("%q", key) + "]"
	}
	return prefix + "." + key
}

// flatten turns a value into path -> value, descending into maps and
// objects only (lists stay whole: their order is part of the value).
func flatten(prefix string, v cty.Value, out map[string]cty.Value) {
	if !isObject(v) || v.LengthInt() == 0 {
		out[prefix] = v
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		flatten(childPath(prefix, k.AsString()), ev, out)
	}
}
