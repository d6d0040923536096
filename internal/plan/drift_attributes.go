package plan

import (
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/infractl/infractl/internal/tfstate"
)

// changedAttributes lists the attribute paths a drift changed. A value
// marked sensitive before or after is compared as a whole and reported at
// its own path, so neither its contents nor its map keys leak into a path.
func changedAttributes(c *tfjson.Change) []string {
	before := maskSensitive(c.Before, c.BeforeSensitive, c.AfterSensitive)
	after := maskSensitive(c.After, c.BeforeSensitive, c.AfterSensitive)
	return tfstate.ChangedPaths(before, after)
}

// sensitive wraps a sensitive value: it is not a map or a slice, so
// ChangedPaths compares it whole and never walks into it.
type sensitive struct{ v any }

// maskSensitive replaces every part of v marked sensitive in either marker
// tree (Terraform's before_sensitive/after_sensitive: true on a sensitive
// node, maps and lists mirroring the value elsewhere) by a sensitive.
func maskSensitive(v, mark1, mark2 any) any {
	if mark1 == true || mark2 == true {
		return sensitive{v}
	}
	switch val := v.(type) {
	case map[string]any:
		m1, _ := mark1.(map[string]any)
		m2, _ := mark2.(map[string]any)
		if len(m1) == 0 && len(m2) == 0 {
			return v
		}
		out := make(map[string]any, len(val))
		for k, x := range val {
			out[k] = maskSensitive(x, m1[k], m2[k])
		}
		return out
	case []any:
		l1, _ := mark1.([]any)
		l2, _ := mark2.([]any)
		if len(l1) == 0 && len(l2) == 0 {
			return v
		}
		out := make([]any, len(val))
		for i, x := range val {
			out[i] = maskSensitive(x, elem(l1, i), elem(l2, i))
		}
		return out
	}
	return v
}

func elem(l []any, i int) any {
	if i < len(l) {
		return l[i]
	}
	return nil
}
