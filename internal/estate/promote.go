package estate

import "github.com/hashicorp/hcl/v2"

// PromoteConfig is the `promote { variables = [...] }` block of
// infractl.hcl: what `infractl promote FROM TO` copies from one environment
// to the next besides module source refs and versions. Variables that hold
// what was tested (image tags, artifact versions) belong here; variables
// that size or identify an environment do not.
type PromoteConfig struct {
	// Variables are the promotable variable names, in declared order.
	Variables []string
	// Range is the block header; zero when infractl.hcl has no promote
	// block.
	Range hcl.Range
}
