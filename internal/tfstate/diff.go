package tfstate

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
)

// DiffOptions tunes Diff; the zero value gives the full diff.
type DiffOptions struct {
	// OmitValues leaves before/after values out and keeps only the changed
	// paths, for history listings that show many diffs at once.
	OmitValues bool
}

// StateDiff is what changed between two states at the level of resource
// instances and outputs. The state server returns its JSON form as is, and
// the CLI prints WriteText; both carry only redacted values.
type StateDiff struct {
	// Serial, Lineage and TerraformVersion are set when that header field
	// differs.
	Serial           *SerialChange `json:"serial,omitempty"`
	Lineage          *StringChange `json:"lineage,omitempty"`
	TerraformVersion *StringChange `json:"terraform_version,omitempty"`
	// Added, Removed and Changed are sorted by module, mode, type, name,
	// index key and deposed key, and are never null in JSON.
	Added   []InstanceRef    `json:"added"`
	Removed []InstanceRef    `json:"removed"`
	Changed []InstanceChange `json:"changed"`
	// Outputs lists root output changes.
	Outputs OutputsDiff `json:"outputs"`
	// CheckResultsChanged tells that check_results differ; they are not
	// compared further.
	CheckResultsChanged bool `json:"check_results_changed,omitempty"`
}

// SerialChange records a serial that differs between the two states.
type SerialChange struct {
	// Before and After are the serials of the from and to states.
	Before uint64 `json:"before"`
	After  uint64 `json:"after"`
}

// StringChange records a header or status string that differs.
type StringChange struct {
	// Before and After are the values in the from and to states.
	Before string `json:"before"`
	After  string `json:"after"`
}

// InstanceRef names a resource instance object that exists on one side only.
type InstanceRef struct {
	// Address is the instance address, e.g. module.vpc.aws_subnet.private[0].
	Address string `json:"address"`
	// Deposed is the deposed key when the object is a deposed one.
	Deposed string `json:"deposed,omitempty"`
	// Status is "tainted" for a tainted object.
	Status string `json:"status,omitempty"`
}

// InstanceChange describes an object present on both sides that differs.
type InstanceChange struct {
	// Address and Deposed identify the object as in InstanceRef.
	Address string `json:"address"`
	Deposed string `json:"deposed,omitempty"`
	// Paths are the changed attribute paths (see ChangedPaths), cut short
	// where they enter a sensitive value so that not even a map key under
	// a secret shows. Never null in JSON.
	Paths []string `json:"paths"`
	// Fields names changed instance fields other than attributes:
	// "provider", "status", "schema_version", "dependencies",
	// "create_before_destroy", "private", "sensitive_attributes".
	Fields []string `json:"fields,omitempty"`
	// Status holds the statuses when "status" is among Fields.
	Status *StringChange `json:"status,omitempty"`
	// Before and After map each path in Paths to its redacted value on that
	// side; a path missing on a side is absent from its map. Both are
	// omitted with DiffOptions.OmitValues.
	Before map[string]any `json:"before,omitempty"`
	After  map[string]any `json:"after,omitempty"`
}

// OutputsDiff lists root output changes by name.
type OutputsDiff struct {
	// Added, Removed and Changed are sorted by name and never null in JSON.
	Added   []OutputChange `json:"added"`
	Removed []OutputChange `json:"removed"`
	Changed []OutputChange `json:"changed"`
}

// OutputChange is one added, removed or changed output with its redacted
// values; a sensitive output's values are always Redacted.
type OutputChange struct {
	// Name is the output's name.
	Name string `json:"name"`
	// Sensitive is set when either side is sensitive; both values are then
	// Redacted.
	Sensitive bool `json:"sensitive,omitempty"`
	// Before and After are the redacted values, absent for the missing side
	// and with DiffOptions.OmitValues.
	Before any `json:"before,omitempty"`
	After  any `json:"after,omitempty"`
}

// IsEmpty reports whether the diff records no change at all.
func (d *StateDiff) IsEmpty() bool {
	return d.Serial == nil && d.Lineage == nil && d.TerraformVersion == nil &&
		len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 &&
		len(d.Outputs.Added) == 0 && len(d.Outputs.Removed) == 0 && len(d.Outputs.Changed) == 0 &&
		!d.CheckResultsChanged
}

// Diff compares two states, from (older) to to (newer); a nil state is an
// empty one, so the first version of a state diffs against nil. Instance
// objects are matched by address and deposed key. Every value in the result
// went through Redact with the union of both sides' sensitive paths and
// KnownSecrets(from, to).
func Diff(from, to *State, opts DiffOptions) *StateDiff {
	d := &StateDiff{
		Added:   []InstanceRef{},
		Removed: []InstanceRef{},
		Changed: []InstanceChange{},
		Outputs: OutputsDiff{Added: []OutputChange{}, Removed: []OutputChange{}, Changed: []OutputChange{}},
	}
	var zero State
	a, b := from, to
	if a == nil {
		a = &zero
	}
	if b == nil {
		b = &zero
	}
	if a.Serial != b.Serial {
		d.Serial = &SerialChange{Before: a.Serial, After: b.Serial}
	}
	if a.Lineage != b.Lineage {
		d.Lineage = &StringChange{Before: a.Lineage, After: b.Lineage}
	}
	if a.TerraformVersion != b.TerraformVersion {
		d.TerraformVersion = &StringChange{Before: a.TerraformVersion, After: b.TerraformVersion}
	}
	secrets := KnownSecrets(a, b)

	before, after := indexInstances(a), indexInstances(b)
	for _, k := range sortedKeys(before) {
		ra := before[k]
		rb, ok := after[k]
		if !ok {
			d.Removed = append(d.Removed, ra.ref())
			continue
		}
		if c := diffInstance(ra, rb, secrets, opts); c != nil {
			d.Changed = append(d.Changed, *c)
		}
	}
	for _, k := range sortedKeys(after) {
		if _, ok := before[k]; !ok {
			d.Added = append(d.Added, after[k].ref())
		}
	}
	diffOutputs(&d.Outputs, a.Outputs, b.Outputs, secrets, opts)
	d.CheckResultsChanged = !sameCheckResults(a.CheckResults, b.CheckResults)
	return d
}

// instRef is one instance object with what sorting and matching need.
type instRef struct {
	res  *Resource
	inst *Instance
	addr string
}

func (r instRef) ref() InstanceRef {
	return InstanceRef{Address: r.addr, Deposed: r.inst.Deposed, Status: r.inst.Status}
}

func (r instRef) less(o instRef) bool {
	if resourceLess(*r.res, *o.res) {
		return true
	}
	if resourceLess(*o.res, *r.res) {
		return false
	}
	if c := compareKeys(r.inst.IndexKey, o.inst.IndexKey); c != 0 {
		return c < 0
	}
	if r.inst.Deposed != o.inst.Deposed {
		return r.inst.Deposed < o.inst.Deposed
	}
	return r.addr < o.addr
}

func indexInstances(s *State) map[string]instRef {
	m := map[string]instRef{}
	for i := range s.Resources {
		r := &s.Resources[i]
		for j := range r.Instances {
			in := &r.Instances[j]
			addr := r.InstanceAddress(in.IndexKey)
			m[addr+"\x00"+in.Deposed] = instRef{res: r, inst: in, addr: addr}
		}
	}
	return m
}

func sortedKeys(m map[string]instRef) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]].less(m[keys[j]]) })
	return keys
}

func diffInstance(ra, rb instRef, secrets []string, opts DiffOptions) *InstanceChange {
	a, b := ra.inst, rb.inst
	c := &InstanceChange{Address: rb.addr, Deposed: b.Deposed, Paths: []string{}}
	if ra.res.Provider != rb.res.Provider {
		c.Fields = append(c.Fields, "provider")
	}
	if a.Status != b.Status {
		c.Fields = append(c.Fields, "status")
		c.Status = &StringChange{Before: a.Status, After: b.Status}
	}
	if a.SchemaVersion != b.SchemaVersion {
		c.Fields = append(c.Fields, "schema_version")
	}
	if !sameStringSet(a.Dependencies, b.Dependencies) {
		c.Fields = append(c.Fields, "dependencies")
	}
	if a.CreateBeforeDestroy != b.CreateBeforeDestroy {
		c.Fields = append(c.Fields, "create_before_destroy")
	}
	if !bytes.Equal(a.Private, b.Private) {
		c.Fields = append(c.Fields, "private")
	}
	pa, errA := a.SensitivePaths()
	pb, errB := b.SensitivePaths()
	if errA != nil || errB != nil {
		if !bytes.Equal(a.SensitiveAttributes, b.SensitiveAttributes) {
			c.Fields = append(c.Fields, "sensitive_attributes")
		}
	} else if !samePathSet(pa, pb) {
		c.Fields = append(c.Fields, "sensitive_attributes")
	}

	va, vb, sens, changed := attributeChanges(a, b, pa, pb, errA != nil || errB != nil)
	if len(changed) == 0 && len(c.Fields) == 0 {
		return nil
	}

	// Cut each changed path where it enters a sensitive value on either
	// side, or where a member name would give a secret away.
	var points *pathTrie
	for _, p := range sens {
		points = points.add(resolve(va, p)).add(resolve(vb, p))
	}
	m := newSecretMatcher(secrets)
	seen := map[string]bool{}
	var paths []Path
	for _, p := range changed {
		if q, ok := points.covers(p); ok {
			p = q
		}
		for i, st := range p {
			if !st.IsIndex && m.match(st.Key) {
				p = p[:i]
				break
			}
		}
		if s := p.String(); !seen[s] {
			seen[s] = true
			paths = append(paths, p)
		}
	}
	sort.Slice(paths, func(i, j int) bool { return paths[i].String() < paths[j].String() })
	for _, p := range paths {
		c.Paths = append(c.Paths, p.String())
	}
	if opts.OmitValues || len(paths) == 0 {
		return c
	}
	redA, redB := Redact(va, sens, secrets), Redact(vb, sens, secrets)
	c.Before, c.After = map[string]any{}, map[string]any{}
	for _, p := range paths {
		if v, ok := lookup(redA, p); ok {
			c.Before[p.String()] = v
		}
		if v, ok := lookup(redB, p); ok {
			c.After[p.String()] = v
		}
	}
	return c
}

// attributeChanges decodes both sides' attributes and returns them, the
// sensitive paths to apply to both, and the changed paths. Attributes that
// cannot be decoded, or sensitive paths that cannot be read, make the whole
// value sensitive.
func attributeChanges(a, b *Instance, pa, pb []Path, badPaths bool) (va, vb any, sens []Path, changed []Path) {
	sens = append(append([]Path(nil), pa...), pb...)
	if badPaths {
		sens = []Path{{}}
	}
	if bytes.Equal(a.Attributes, b.Attributes) && reflect.DeepEqual(a.AttributesFlat, b.AttributesFlat) {
		return nil, nil, sens, nil
	}
	va, errA := a.attributeValue()
	vb, errB := b.attributeValue()
	if errA != nil || errB != nil {
		return nil, nil, []Path{{}}, []Path{{}}
	}
	return va, vb, sens, changedPaths(va, vb)
}

func sameStringSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

func samePathSet(a, b []Path) bool {
	str := func(ps []Path) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.String()
		}
		return out
	}
	return sameStringSet(str(a), str(b))
}

func diffOutputs(d *OutputsDiff, a, b map[string]Output, secrets []string, opts DiffOptions) {
	names := make([]string, 0, len(a)+len(b))
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		oa, inA := a[n]
		ob, inB := b[n]
		switch {
		case !inA:
			c := OutputChange{Name: n, Sensitive: ob.Sensitive}
			if !opts.OmitValues {
				c.After = outputValue(ob, secrets)
			}
			d.Added = append(d.Added, c)
		case !inB:
			c := OutputChange{Name: n, Sensitive: oa.Sensitive}
			if !opts.OmitValues {
				c.Before = outputValue(oa, secrets)
			}
			d.Removed = append(d.Removed, c)
		case oa.Sensitive != ob.Sensitive || !sameJSON(oa.Value, ob.Value) || !sameJSON(oa.Type, ob.Type):
			sensitive := oa.Sensitive || ob.Sensitive
			oa.Sensitive, ob.Sensitive = sensitive, sensitive
			c := OutputChange{Name: n, Sensitive: sensitive}
			if !opts.OmitValues {
				c.Before, c.After = outputValue(oa, secrets), outputValue(ob, secrets)
			}
			d.Changed = append(d.Changed, c)
		}
	}
}

// sameJSON compares two raw JSON values by meaning rather than bytes.
func sameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	if errA != nil || errB != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// sameCheckResults treats missing, null and [] alike, as Terraform does
// when it writes check results.
func sameCheckResults(a, b json.RawMessage) bool {
	norm := func(r json.RawMessage) json.RawMessage {
		if v, err := decodeJSON(r); err == nil {
			if l, ok := v.([]any); v == nil || ok && len(l) == 0 {
				return nil
			}
		}
		return r
	}
	na, nb := norm(a), norm(b)
	if na == nil || nb == nil {
		return na == nil && nb == nil
	}
	return sameJSON(na, nb)
}
