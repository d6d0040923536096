package lint

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// stateLike reports whether a bucket name or resource label says it holds
// terraform state: tfstate or terraform-state anywhere, or a word "state".
func stateLike(s string) bool {
	low := strings.ToLower(s)
	if strings.Contains(low, "tfstate") || strings.Contains(low, "terraform-state") || strings.Contains(low, "terraform_state") {
		return true
	}
	for _, t := range nameTokens(s) {
		if t == "state" || t == "states" {
			return true
		}
	}
	return false
}

// preventDestroy reports whether a resource block has
// lifecycle { prevent_destroy = true }.
func preventDestroy(b *hclsyntax.Block) bool {
	for _, lc := range b.Body.Blocks {
		if lc.Type != "lifecycle" {
			continue
		}
		a, ok := lc.Body.Attributes["prevent_destroy"]
		if !ok {
			continue
		}
		v, diags := a.Expr.Value(nil)
		if !diags.HasErrors() && v.Type() == cty.Bool && v.True() {
			return true
		}
	}
	return false
}

// stateBuckets reports aws_s3_bucket resources that hold state (a bucket
// the estate's s3 backends use, or one named like state) and can be
// destroyed.
func (l *linter) stateBuckets() {
	used := map[string]string{} // bucket -> first environment using it
	for _, env := range l.e.Environments {
		if env.Backend == nil || env.Backend.Type != "s3" {
			continue
		}
		if b, ok := attrString(env.Backend, "bucket"); ok {
			if _, seen := used[b]; !seen {
				used[b] = env.Name
			}
		}
	}
	for _, sf := range l.scanned {
		for _, b := range sf.blocks("resource") {
			if len(b.Labels) < 2 || b.Labels[0] != "aws_s3_bucket" {
				continue
			}
			name := ""
			for _, arg := range []string{"bucket", "bucket_prefix"} {
				if a, ok := b.Body.Attributes[arg]; ok {
					if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && !v.IsNull() {
						name = v.AsString()
						break
					}
				}
			}
			why := ""
			switch {
			case name != "" && used[name] != "":
				why = fmt.Sprintf("it is bucket %s, which holds the state of %s", name, used[name])
			case stateLike(name):
				why = fmt.Sprintf("its bucket name %s looks like a state bucket's", name)
			case stateLike(b.Labels[1]):
				why = "its name looks like a state bucket's"
			default:
				continue
			}
			if preventDestroy(b) {
				continue
			}
			l.add(newFinding(RuleUnprotectedBucket, sf.env, locationOf(b.DefRange(), ""), "bucket:"+b.Labels[1],
				fmt.Sprintf("aws_s3_bucket.%s has no lifecycle { prevent_destroy = true } and %s: one destroy deletes the bucket with the state in it", b.Labels[1], why), ""))
		}
	}
}
