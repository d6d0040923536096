package ciwf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/go-version"
)

// constraintPart is one comma-separated condition of a terraform version
// constraint.
var constraintPart = regexp.MustCompile(`^(=|!=|>=|<=|>|<|~>)?\s*v?([0-9]+(?:\.[0-9]+)*)(-[0-9A-Za-z.-]+)?$`)

// setupTerraformVersion turns a terraform required_version constraint into
// the terraform_version input of hashicorp/setup-terraform, which resolves
// npm semver ranges (the newest release that satisfies it): ">= 1.11"
// becomes ">=1.11", "~> 1.11" becomes ">=1.11.0 <2.0.0" (terraform's
// pessimistic operator is not npm's tilde), conditions are joined with
// spaces. "!=" has no npm form and is left out, so the range may allow the
// one excluded release. An empty constraint is "latest".
func setupTerraformVersion(constraint string) (string, error) {
	if strings.TrimSpace(constraint) == "" {
		return "latest", nil
	}
	if _, err := version.NewConstraint(constraint); err != nil {
		return "", fmt.Errorf("required_version %q: %w", constraint, err)
	}
	var out []string
	for _, part := range strings.Split(constraint, ",") {
		m := constraintPart.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return "", fmt.Errorf("required_version %q: cannot translate %q for setup-terraform", constraint, part)
		}
		op, v, pre := m[1], m[2], m[3]
		switch op {
		case "!=":
			continue
		case "", "=":
			out = append(out, v+pre)
		case "~>":
			out = append(out, pessimistic(v, pre)...)
		default:
			out = append(out, op+v+pre)
		}
	}
	if len(out) == 0 {
		return "latest", nil
	}
	return strings.Join(out, " "), nil
}

// pessimistic expands terraform's ~> V: the last given segment may grow.
func pessimistic(v, pre string) []string {
	segs := strings.Split(v, ".")
	nums := make([]int, len(segs))
	for i, s := range segs {
		nums[i], _ = strconv.Atoi(s)
	}
	for len(nums) < 3 {
		nums = append(nums, 0)
	}
	lower := fmt.Sprintf(">=%d.%d.%d%s", nums[0], nums[1], nums[2], pre)
	var upper string
	switch len(segs) {
	case 1, 2:
		upper = fmt.Sprintf("<%d.0.0", nums[0]+1)
	default:
		upper = fmt.Sprintf("<%d.%d.0", nums[0], nums[1]+1)
	}
	return []string{lower, upper}
}
