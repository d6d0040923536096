package tfstate

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// PathStep is one step into an attribute value: a member of a JSON object
// (an object attribute or a map key) or an element of a JSON array.
type PathStep struct {
	// Key is the object member name when IsIndex is false.
	Key string
	// Index is the array position when IsIndex is true.
	Index int
	// IsIndex tells which of Key and Index applies.
	IsIndex bool
}

// KeyStep returns the step to an object member, for building paths by hand.
func KeyStep(key string) PathStep { return PathStep{Key: key} }

// IndexStep returns the step to an array element, for building paths by hand.
func IndexStep(i int) PathStep { return PathStep{Index: i, IsIndex: true} }

// Path addresses a value inside a resource's attributes, the unit both
// ChangedPaths reports and sensitive_attributes marks. The empty path is the
// whole value.
type Path []PathStep

// String renders the path in the notation ChangedPaths uses: "tags.env",
// "ingress[0].port", `labels["api key"]`, and "." for the whole value.
func (p Path) String() string {
	if len(p) == 0 {
		return "."
	}
	var s string
	for _, st := range p {
		if st.IsIndex {
			s += "[" + strconv.Itoa(st.Index) + "]"
			continue
		}
		s = joinKey(s, st.Key)
	}
	return s
}

// hasPrefix reports whether q equals p or lies under it.
func (p Path) hasPrefix(q Path) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// ParseSensitivePaths converts an instance's sensitive_attributes, a JSON
// list of cty paths such as [[{"type":"get_attr","value":"password"}]], into
// Paths, so that redaction works on the same notation as diffs.
//
// get_attr steps become key steps; index steps become index steps (number
// keys) or key steps (string keys, i.e. map keys). A path is cut short at an
// index step whose key is neither, such as a set element: everything under
// the step before it is then treated as sensitive, which over-redacts rather
// than leaks. Null, empty and [] yield no paths.
func ParseSensitivePaths(raw json.RawMessage) ([]Path, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var steps [][]struct {
		Type  string          `json:"type"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &steps); err != nil {
		return nil, fmt.Errorf("sensitive_attributes: %w", err)
	}
	paths := make([]Path, 0, len(steps))
	for i, jsonPath := range steps {
		p := Path{}
	steps:
		for j, st := range jsonPath {
			switch st.Type {
			case "get_attr":
				var name string
				if err := json.Unmarshal(st.Value, &name); err != nil || st.Value == nil {
					return nil, fmt.Errorf("sensitive_attributes[%d][%d]: get_attr value must be a string", i, j)
				}
				p = append(p, KeyStep(name))
			case "index":
				step, ok, err := indexStep(st.Value)
				if err != nil {
					return nil, fmt.Errorf("sensitive_attributes[%d][%d]: %w", i, j, err)
				}
				if !ok {
					break steps
				}
				p = append(p, step)
			default:
				return nil, fmt.Errorf("sensitive_attributes[%d][%d]: unsupported path step type %q", i, j, st.Type)
			}
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// indexStep converts a cty index key, serialised as a dynamic value
// {"value": ..., "type": ...}. ok is false for keys with no Path equivalent.
func indexStep(raw json.RawMessage) (PathStep, bool, error) {
	var key struct {
		Value json.RawMessage `json:"value"`
		Type  json.RawMessage `json:"type"`
	}
	if err := json.Unmarshal(raw, &key); err != nil || key.Value == nil {
		return PathStep{}, false, fmt.Errorf("index value must be a {\"value\", \"type\"} object")
	}
	switch string(key.Type) {
	case `"number"`:
		var f float64
		if json.Unmarshal(key.Value, &f) == nil && f >= 0 && f == math.Trunc(f) && f < 1<<31 {
			return IndexStep(int(f)), true, nil
		}
	case `"string"`:
		var s string
		if json.Unmarshal(key.Value, &s) == nil {
			return KeyStep(s), true, nil
		}
	}
	return PathStep{}, false, nil
}

// SensitivePaths returns the instance's sensitive attribute paths; see
// ParseSensitivePaths.
func (in Instance) SensitivePaths() ([]Path, error) {
	return ParseSensitivePaths(in.SensitiveAttributes)
}

// isDynamicWrapper reports whether m is how Terraform stores a value of
// dynamic type (terraform_data's input and output, for one): an object with
// exactly "value" and "type", where the cty path skips the "value" step.
func isDynamicWrapper(m map[string]any) bool {
	if len(m) != 2 {
		return false
	}
	if _, ok := m["value"]; !ok {
		return false
	}
	switch m["type"].(type) {
	case string, []any:
		return true
	}
	return false
}

// resolve maps a sensitive cty path onto the decoded JSON value and returns
// the deepest JSON path it reaches: it steps through dynamic-value wrappers,
// and stops where the value has no such member or element, so that the
// returned node always contains whatever the cty path marks.
func resolve(v any, p Path) Path {
	out := make(Path, 0, len(p))
	cur := v
	for i := 0; i < len(p); {
		st := p[i]
		switch node := cur.(type) {
		case map[string]any:
			if !st.IsIndex {
				if child, ok := node[st.Key]; ok {
					out = append(out, st)
					cur = child
					i++
					continue
				}
			}
			if isDynamicWrapper(node) {
				out = append(out, KeyStep("value"))
				cur = node["value"]
				continue
			}
			return out
		case []any:
			if st.IsIndex && st.Index >= 0 && st.Index < len(node) {
				out = append(out, st)
				cur = node[st.Index]
				i++
				continue
			}
			return out
		default:
			return out
		}
	}
	return out
}

// lookup returns the value at p, or ok=false when p does not exist. A
// redaction marker met on the way is returned as is: everything under it is
// hidden.
func lookup(v any, p Path) (any, bool) {
	cur := v
	for _, st := range p {
		switch node := cur.(type) {
		case map[string]any:
			child, ok := node[st.Key]
			if st.IsIndex || !ok {
				return nil, false
			}
			cur = child
		case []any:
			if !st.IsIndex || st.Index < 0 || st.Index >= len(node) {
				return nil, false
			}
			cur = node[st.Index]
		case string:
			if node == Redacted {
				return Redacted, true
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return cur, true
}
