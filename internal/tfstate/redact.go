package tfstate

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Redacted is what every hidden value is replaced with in diff output and in
// redacted states, Terraform's own wording for a sensitive value.
const Redacted = "(sensitive value)"

// minContainedSecret is the shortest known secret that is also hidden when
// it appears inside a longer string; shorter ones are hidden only on exact
// match, so that a one-letter secret does not blank every string.
const minContainedSecret = 4

// Redact returns a copy of value, a decoded JSON value (map[string]any,
// []any, string, json.Number, float64, bool, nil), with sensitive parts
// replaced by Redacted. It is the one function every value shown by Diff
// and Redacted passes through. value itself is not modified.
//
// Hidden are:
//   - the node each of the sensitive paths resolves to (see
//     ParseSensitivePaths): a path through a dynamic value's {"value",
//     "type"} wrapper is followed into "value", and a path that does not
//     exist in value hides its deepest existing ancestor, possibly the whole
//     value;
//   - every string equal to one of secrets, or containing one of at least
//     4 bytes, and every number whose text equals one, because Terraform does not mark every copy of a secret in
//     state (terraform_data stores its sensitive input again, unmarked, as
//     output; see KnownSecrets);
//   - every object one of whose member names would be hidden by the rule
//     above, as a whole;
//   - any value of a Go type JSON decoding does not produce, as a whole.
func Redact(value any, sensitive []Path, secrets []string) any {
	var trie *pathTrie
	for _, p := range sensitive {
		trie = trie.add(resolve(value, p))
	}
	return redactWalk(value, trie, newSecretMatcher(secrets))
}

func redactWalk(v any, t *pathTrie, m *secretMatcher) any {
	if t != nil && t.end {
		return Redacted
	}
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			if m.match(k) {
				return Redacted
			}
		}
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[k] = redactWalk(c, t.child(KeyStep(k)), m)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = redactWalk(c, t.child(IndexStep(i)), m)
		}
		return out
	case string:
		if m.match(x) {
			return Redacted
		}
		return x
	case json.Number:
		if m.matchExact(x.String()) {
			return Redacted
		}
		return x
	case float64:
		if m.matchExact(strconv.FormatFloat(x, 'g', -1, 64)) {
			return Redacted
		}
		return x
	case nil, bool:
		return x
	default:
		return Redacted
	}
}

// pathTrie holds the resolved sensitive paths of one value.
type pathTrie struct {
	end  bool
	next map[PathStep]*pathTrie
}

func (t *pathTrie) add(p Path) *pathTrie {
	if t == nil {
		t = &pathTrie{}
	}
	n := t
	for _, st := range p {
		if n.end {
			return t
		}
		if n.next == nil {
			n.next = map[PathStep]*pathTrie{}
		}
		c := n.next[st]
		if c == nil {
			c = &pathTrie{}
			n.next[st] = c
		}
		n = c
	}
	n.end = true
	return t
}

func (t *pathTrie) child(st PathStep) *pathTrie {
	if t == nil {
		return nil
	}
	return t.next[st]
}

// covers returns the shortest prefix of p that the trie marks, if any.
func (t *pathTrie) covers(p Path) (Path, bool) {
	n := t
	for i := 0; n != nil; i++ {
		if n.end {
			return p[:i], true
		}
		if i == len(p) {
			break
		}
		n = n.next[p[i]]
	}
	return nil, false
}

// secretMatcher decides whether a string reveals a known secret.
type secretMatcher struct {
	exact     map[string]struct{}
	contained []string
}

func newSecretMatcher(secrets []string) *secretMatcher {
	m := &secretMatcher{exact: make(map[string]struct{}, len(secrets))}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		m.exact[s] = struct{}{}
		if len(s) >= minContainedSecret {
			m.contained = append(m.contained, s)
		}
	}
	return m
}

// matchExact is match without the substring rule, for numbers.
func (m *secretMatcher) matchExact(s string) bool {
	if m == nil {
		return false
	}
	_, ok := m.exact[s]
	return ok
}

func (m *secretMatcher) match(s string) bool {
	if m == nil || s == "" {
		return false
	}
	if _, ok := m.exact[s]; ok {
		return true
	}
	for _, sec := range m.contained {
		if len(s) > len(sec) && strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

// KnownSecrets lists the strings the given states mark sensitive: values at
// instances' sensitive attribute paths and the values of sensitive outputs.
// Diff passes them to Redact so that unmarked copies of a secret elsewhere
// (another attribute, another resource, the other state) are hidden too.
// The result is sorted and free of duplicates; nil states are skipped.
func KnownSecrets(states ...*State) []string {
	set := map[string]struct{}{}
	for _, s := range states {
		if s == nil {
			continue
		}
		for _, o := range s.Outputs {
			if !o.Sensitive {
				continue
			}
			v, err := decodeJSON(o.Value)
			if err != nil {
				continue // not JSON: never shown either, see outputValue
			}
			collectStrings(v, set)
		}
		for _, r := range s.Resources {
			for _, in := range r.Instances {
				paths, perr := in.SensitivePaths()
				if perr == nil && len(paths) == 0 {
					continue
				}
				v, err := in.attributeValue()
				if err != nil {
					continue
				}
				if perr != nil {
					paths = []Path{{}}
				}
				for _, p := range paths {
					node, _ := lookup(v, resolve(v, p))
					if m, ok := node.(map[string]any); ok && isDynamicWrapper(m) {
						node = m["value"]
					}
					collectStrings(node, set)
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func collectStrings(v any, into map[string]struct{}) {
	switch x := v.(type) {
	case string:
		if x != "" {
			into[x] = struct{}{}
		}
	case map[string]any:
		for _, c := range x {
			collectStrings(c, into)
		}
	case []any:
		for _, c := range x {
			collectStrings(c, into)
		}
	case json.Number:
		into[x.String()] = struct{}{}
	}
}

// decodeJSON decodes raw JSON keeping numbers exact.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, &json.SyntaxError{}
	}
	return v, nil
}

// attributeValue decodes the instance's attributes (or legacy flatmap) as a
// JSON value; missing attributes are an empty object.
func (in Instance) attributeValue() (any, error) {
	switch {
	case in.Attributes != nil:
		return decodeJSON(in.Attributes)
	case in.AttributesFlat != nil:
		m := make(map[string]any, len(in.AttributesFlat))
		for k, v := range in.AttributesFlat {
			m[k] = v
		}
		return m, nil
	default:
		return map[string]any{}, nil
	}
}

// Redacted returns a copy of the state fit to show someone who may not see
// secrets: attribute values pass through Redact with the instance's
// sensitive paths and the state's KnownSecrets, sensitive outputs become
// Redacted, and provider-private data is dropped. The copy is for display;
// Terraform should not be given it, and an instance whose attributes are
// hidden as a whole has the JSON string Redacted as attributes.
func (s *State) Redacted() *State {
	if s == nil {
		return nil
	}
	secrets := KnownSecrets(s)
	c := *s
	c.Outputs = make(map[string]Output, len(s.Outputs))
	for name, o := range s.Outputs {
		o.Value = mustJSON(outputValue(o, secrets))
		c.Outputs[name] = o
	}
	c.Resources = make([]Resource, len(s.Resources))
	for i, r := range s.Resources {
		r.Instances = append([]Instance(nil), r.Instances...)
		for j, in := range r.Instances {
			v, paths := in.redactInputs()
			red := Redact(v, paths, secrets)
			if in.AttributesFlat != nil && in.Attributes == nil {
				// A wholly hidden flatmap is emptied: its keys may tell too.
				flat := map[string]string{}
				if redMap, ok := red.(map[string]any); ok {
					for k, fv := range redMap {
						flat[k], _ = fv.(string)
					}
				}
				in.AttributesFlat = flat
			} else {
				in.Attributes = mustJSON(red)
				in.AttributesFlat = nil
			}
			in.Private = nil
			r.Instances[j] = in
		}
		c.Resources[i] = r
	}
	return &c
}

// redactInputs returns the instance's attribute value and the paths to hide
// in it; attributes or paths that cannot be read hide everything.
func (in Instance) redactInputs() (any, []Path) {
	v, err := in.attributeValue()
	if err != nil {
		return Redacted, nil
	}
	paths, err := in.SensitivePaths()
	if err != nil {
		return v, []Path{{}}
	}
	return v, paths
}

// outputValue is an output's value as shown: wholly Redacted when the output
// is sensitive or not JSON, else passed through Redact with the known
// secrets.
func outputValue(o Output, secrets []string) any {
	v, err := decodeJSON(o.Value)
	if o.Sensitive || err != nil {
		return Redact(v, []Path{{}}, secrets)
	}
	return Redact(v, nil, secrets)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Redact only returns JSON-decoded types and strings.
		panic("tfstate: marshalling a redacted value: " + err.Error())
	}
	return b
}
