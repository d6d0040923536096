package tfstate

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// ChangedPaths returns the attribute paths where two decoded JSON values
// (map[string]any, []any, scalars) differ, sorted, in Terraform's
// dotted/indexed notation: "tags.env", "ingress[0].port". Values equal as a
// whole yield nil; a path whose value appears or disappears is reported at
// the top-most differing level, so a new nested object is one path, not one
// per leaf. Lists of different lengths, and values whose JSON type changes,
// are reported as one path too; a missing object member equals a null one.
// "." stands for the whole value.
func ChangedPaths(before, after any) []string {
	paths := changedPaths(before, after)
	if len(paths) == 0 {
		return nil
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = p.String()
	}
	sort.Strings(out)
	return out
}

// changedPaths is ChangedPaths in structured form, for callers (Diff) that
// still need to walk the values along each path.
func changedPaths(before, after any) []Path {
	var out []Path
	walkChanged(nil, before, after, &out)
	return out
}

func walkChanged(prefix Path, a, b any, out *[]Path) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			// A missing member and a null one compare equal.
			walkChanged(extend(prefix, KeyStep(k)), av[k], bv[k], out)
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			break
		}
		for i := range av {
			walkChanged(extend(prefix, IndexStep(i)), av[i], bv[i], out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, prefix)
	}
}

// extend returns a copy of p with st appended, so sibling paths never share
// a backing array.
func extend(p Path, st PathStep) Path {
	q := make(Path, len(p)+1)
	copy(q, p)
	q[len(p)] = st
	return q
}

func joinKey(prefix, key string) string {
	if !isIdent(key) {
		key = "[" + strconv.Quote(key) + "]"
		return prefix + key
	}
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}
