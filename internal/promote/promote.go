package promote

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/plan"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

// ErrRefused marks every refusal of Check, so callers can tell a refusal
// from a failure to read the records.
var ErrRefused = errors.New("promotion refused")

// Records is what promote needs from infractl's records: the last apply of
// an environment (envops.Service implements it).
type Records interface {
	// LastApply returns the record of env's last apply through infractl,
	// or an error when there is none or it cannot be read.
	LastApply(env string) (*envops.ApplyRecord, error)
}

// Check refuses to promote from env unless its last apply recorded by
// infractl succeeded and was made from its current configuration. It
// returns that record; every refusal wraps ErrRefused.
func Check(records Records, env *estate.Environment) (*envops.ApplyRecord, error) {
	if env.Err != nil {
		return nil, fmt.Errorf("%w: %s does not load: %w", ErrRefused, env.Name, env.Err)
	}
	rec, err := records.LastApply(env.Name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s has no apply recorded by infractl (%v): apply it with `infractl plan %s && infractl apply %s` first, so that what is promoted is what runs there",
			ErrRefused, env.Name, err, env.Name, env.Name)
	}
	if st := plan.Status(rec.Status); st != plan.StatusApplied && st != plan.StatusNoChanges {
		why := ""
		if rec.Error != "" {
			why = ": " + rec.Error
		}
		return rec, fmt.Errorf("%w: the last apply of %s (%s) ended %s%s; fix it and apply %s again before promoting from it",
			ErrRefused, env.Name, rec.AppliedAt.Format("2006-01-02 15:04:05 MST"), rec.Status, why, env.Name)
	}
	hash, err := env.ConfigHash()
	if err != nil {
		return rec, err
	}
	if hash != rec.ConfigHash {
		return rec, fmt.Errorf("%w: %s's configuration changed after its last apply (%s), so what would be promoted is not what runs there: apply %s first (`infractl plan %s && infractl apply %s`)",
			ErrRefused, env.Name, rec.AppliedAt.Format("2006-01-02 15:04:05 MST"), env.Name, env.Name, env.Name)
	}
	return rec, nil
}

// Change is one value that moves from FROM to TO.
type Change struct {
	// Kind is "variable" or "module".
	Kind string `json:"kind"`
	// Name is the variable or module call name.
	Name string `json:"name"`
	// Argument is the module argument that changes ("source" or
	// "version"); empty for variables.
	Argument string `json:"argument,omitempty"`
	// File is the file of TO that is written, relative to the estate root;
	// Line is where the value is now (0 when it is added).
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Before and After are HCL expressions; Before is empty when TO has no
	// value yet.
	Before string `json:"before"`
	After  string `json:"after"`
	// Sensitive is set for sensitive variables; text output hides the
	// values.
	Sensitive bool `json:"sensitive,omitempty"`

	value cty.Value
}

// Label names the change for people: the variable, or module.NAME's
// argument.
func (c Change) Label() string {
	if c.Kind == "module" {
		return "module." + c.Name + " " + c.Argument
	}
	return c.Name
}

// Skip is something that could have moved but does not, and why.
type Skip struct {
	// Name is the variable or module.NAME.
	Name string `json:"name"`
	// Reason says why it does not move.
	Reason string `json:"reason"`
}

// ChangeSet is what promoting FROM to TO changes.
type ChangeSet struct {
	// From and To are the environments, values moving from From to To.
	From string `json:"from"`
	To   string `json:"to"`
	// FromApply is FROM's last apply, which the promotion starts from.
	FromApply *envops.ApplyRecord `json:"from_apply,omitempty"`
	// Changes are in order: variables as infractl.hcl lists them, then
	// modules as TO declares them.
	Changes []Change `json:"changes"`
	// Unchanged lists what TO already has from FROM.
	Unchanged []string `json:"unchanged"`
	// Skipped lists what cannot move, with the reason.
	Skipped []Skip `json:"skipped"`
	// Written are the files written, relative to the estate root.
	Written []string `json:"written"`
}

// Options narrow a promotion.
type Options struct {
	// Only limits it to these promotable variables and module calls
	// (NAME or module.NAME).
	Only []string
}

// Diff computes what promoting from to to would change, without writing.
func Diff(e *estate.Estate, from, to *estate.Environment, opts Options) (*ChangeSet, error) {
	if from.Name == to.Name {
		return nil, fmt.Errorf("FROM and TO are both %s", from.Name)
	}
	if to.Err != nil {
		return nil, fmt.Errorf("%s does not load, fix it first: %w", to.Name, to.Err)
	}
	only, err := selection(e, from, to, opts.Only)
	if err != nil {
		return nil, err
	}
	cs := &ChangeSet{From: from.Name, To: to.Name, Changes: []Change{}, Unchanged: []string{}, Skipped: []Skip{}, Written: []string{}}
	for _, name := range e.Promote.Variables {
		if only != nil && !only[name] {
			continue
		}
		if err := diffVariable(cs, from, to, toDir(e, to), name); err != nil {
			return nil, err
		}
	}
	for _, m := range to.Modules {
		if only != nil && !only["module."+m.Name] {
			continue
		}
		diffModule(cs, from, m)
	}
	if only == nil {
		for _, m := range from.Modules {
			if !slices.ContainsFunc(to.Modules, func(t estate.ModuleCall) bool { return t.Name == m.Name }) && !m.IsLocal() {
				cs.Skipped = append(cs.Skipped, Skip{"module." + m.Name, fmt.Sprintf("only %s calls it: adding a module call is a configuration change, not a promotion", from.Name)})
			}
		}
	}
	return cs, nil
}

// selection resolves --only; nil means everything.
func selection(e *estate.Estate, from, to *estate.Environment, names []string) (map[string]bool, error) {
	if len(names) == 0 {
		return nil, nil
	}
	out := map[string]bool{}
	for _, n := range names {
		switch mod, isModule := strings.CutPrefix(n, "module."); {
		case slices.Contains(e.Promote.Variables, n):
			out[n] = true
		case isModule || hasModule(to, n):
			if !isModule {
				mod = n
			}
			if !hasModule(to, mod) {
				return nil, fmt.Errorf("--only %s: %s has no module call %q", n, to.Name, mod)
			}
			out["module."+mod] = true
		default:
			known := "none (add a promote { variables = [...] } block to " + estate.ConfigFileName + ")"
			if len(e.Promote.Variables) > 0 {
				known = strings.Join(e.Promote.Variables, ", ")
			}
			return nil, fmt.Errorf("--only %s: not a promotable variable (promotable: %s) nor a module call of %s", n, known, to.Name)
		}
	}
	return out, nil
}

func hasModule(env *estate.Environment, name string) bool {
	return slices.ContainsFunc(env.Modules, func(m estate.ModuleCall) bool { return m.Name == name })
}

// toDir is env's directory relative to the estate root, slash-separated,
// like the file names of the model's ranges.
func toDir(e *estate.Estate, env *estate.Environment) string {
	rel, err := filepath.Rel(e.Root, env.Dir)
	if err != nil {
		return env.Dir
	}
	return filepath.ToSlash(rel)
}

func diffVariable(cs *ChangeSet, from, to *estate.Environment, dir, name string) error {
	fromDecl, ok := from.Variable(name)
	if !ok {
		cs.Skipped = append(cs.Skipped, Skip{name, from.Name + " does not declare it"})
		return nil
	}
	toDecl, ok := to.Variable(name)
	if !ok {
		cs.Skipped = append(cs.Skipped, Skip{name, to.Name + " does not declare it"})
		return nil
	}
	fromVal, ok := from.EffectiveVariables()[name]
	if !ok {
		cs.Skipped = append(cs.Skipped, Skip{name, from.Name + " gives it no value"})
		return nil
	}
	toVal, hasTo := to.EffectiveVariables()[name]
	if hasTo && equal(fromVal.Value, toVal.Value) {
		cs.Unchanged = append(cs.Unchanged, name)
		return nil
	}
	c := Change{Kind: "variable", Name: name, After: string(hcledit.ValueText(fromVal.Value)), Sensitive: fromDecl.Sensitive || toDecl.Sensitive, value: fromVal.Value}
	if hasTo {
		c.Before = string(hcledit.ValueText(toVal.Value))
	}
	c.File = path.Join(dir, "terraform.tfvars")
	if tv, ok := to.TFVars[name]; ok {
		c.File, c.Line = tv.Range.Filename, tv.Range.Start.Line
	}
	if strings.HasSuffix(c.File, ".json") {
		return fmt.Errorf("%s is set in %s, and promote edits only native tfvars files: move it to terraform.tfvars", name, c.File)
	}
	cs.Changes = append(cs.Changes, c)
	return nil
}

func equal(a, b cty.Value) bool {
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	// tfvars literals are tuples and objects; compare them as written.
	return a.Type().Equals(b.Type()) && a.Equals(b).True()
}

func diffModule(cs *ChangeSet, from *estate.Environment, m estate.ModuleCall) {
	label := "module." + m.Name
	if m.IsLocal() {
		return // shared code in the repository: it moves with the commit
	}
	i := slices.IndexFunc(from.Modules, func(f estate.ModuleCall) bool { return f.Name == m.Name })
	if i < 0 {
		cs.Skipped = append(cs.Skipped, Skip{label, "only " + cs.To + " calls it"})
		return
	}
	f := from.Modules[i]
	if f.Source == m.Source && f.Version == m.Version {
		cs.Unchanged = append(cs.Unchanged, label)
		return
	}
	if strings.HasSuffix(m.Range.Filename, ".json") {
		cs.Skipped = append(cs.Skipped, Skip{label, "it is declared in JSON configuration (" + m.Range.Filename + "): edit it by hand"})
		return
	}
	base := Change{Kind: "module", Name: m.Name, File: m.Range.Filename, Line: m.Range.Start.Line}
	if f.Source != m.Source {
		fb, fr, fok := splitRef(f.Source)
		tb, _, tok := splitRef(m.Source)
		if !fok || !tok || fb != tb || fr == "" {
			cs.Skipped = append(cs.Skipped, Skip{label, fmt.Sprintf("its source differs beyond a ref (%s: %q, %s: %q): change it by hand", cs.From, f.Source, cs.To, m.Source)})
			return
		}
		c := base
		c.Argument, c.Before, c.After, c.value = "source", quote(m.Source), quote(f.Source), cty.StringVal(f.Source)
		cs.Changes = append(cs.Changes, c)
	}
	if f.Version != m.Version {
		if f.Version == "" {
			cs.Skipped = append(cs.Skipped, Skip{label, fmt.Sprintf("%s does not pin its version (%s pins %q): change it by hand", cs.From, cs.To, m.Version)})
			return
		}
		c := base
		c.Argument, c.After, c.value = "version", quote(f.Version), cty.StringVal(f.Version)
		if m.Version != "" {
			c.Before = quote(m.Version)
		}
		cs.Changes = append(cs.Changes, c)
	}
}

func quote(s string) string { return string(hcledit.ValueText(cty.StringVal(s))) }

// splitRef splits a module source into the source without its ref query
// parameter and the ref: "git::https://h/r.git//m?ref=v1.2" gives
// "git::https://h/r.git//m" and "v1.2". Sources without a query have an
// empty ref. ok is false when the query does not parse.
func splitRef(source string) (base, ref string, ok bool) {
	head, query, hasQuery := strings.Cut(source, "?")
	if !hasQuery {
		return source, "", true
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return "", "", false
	}
	ref = values.Get("ref")
	values.Del("ref")
	if rest := values.Encode(); rest != "" {
		head += "?" + rest
	}
	return head, ref, true
}
