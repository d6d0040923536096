package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/infractl/infractl/internal/estate"
)

// notOwnRange are name tokens of CIDR lists that say who may connect rather
// than which addresses the environment uses.
var notOwnRange = setOf("allow", "allowed", "access", "ingress", "egress", "source", "sources", "trusted",
	"whitelist", "allowlist", "whitelisted", "peer", "peering", "remote", "destination", "client", "clients", "external")

// ignoredModuleArgs are meta-arguments of module blocks.
var ignoredModuleArgs = setOf("source", "version", "providers", "depends_on", "count", "for_each")

// cidrUse is one network range of an environment.
type cidrUse struct {
	prefix netip.Prefix
	name   string
	loc    Location
}

// envRanges collects an environment's own network ranges, folded so that
// a range contained in another of the same environment counts once.
func (l *linter) envRanges(env *estate.Environment) []cidrUse {
	var uses []cidrUse
	visit := func(lf leaf) {
		s, ok := asString(lf.value)
		if !ok || !strings.Contains(s, "/") || hasToken(lf.path, notOwnRange) {
			return
		}
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil || p.Bits() == 0 {
			return
		}
		uses = append(uses, cidrUse{prefix: p.Masked(), name: dotted(lf.path), loc: locationOf(lf.rng, "")})
	}
	eff := env.EffectiveVariables()
	for _, name := range sortedKeys(eff) {
		vv := eff[name]
		var expr hclsyntax.Expression
		if a := l.file(vv.Range).attribute(vv.Range); a != nil {
			expr = a.Expr
		}
		valueLeaves(vv.Value, expr, vv.Range, []string{name}, visit)
	}
	for _, sf := range l.envFiles[env.Name] {
		for _, b := range sf.blocks("module") {
			for _, a := range sortedAttrs(b.Body) {
				if !ignoredModuleArgs[a.Name] {
					syntaxLeaves(a.Expr, []string{"module." + b.Labels[0] + "." + a.Name}, visit)
				}
			}
		}
	}
	// Widest first, so contained ranges fold into their container.
	slices.SortStableFunc(uses, func(a, b cidrUse) int { return a.prefix.Bits() - b.prefix.Bits() })
	var out []cidrUse
	for _, u := range uses {
		if !slices.ContainsFunc(out, func(k cidrUse) bool { return k.prefix.Overlaps(u.prefix) }) {
			out = append(out, u)
		}
	}
	return out
}

// overlappingCIDRs reports an environment whose network range overlaps a
// range of an environment before it, once per range.
func (l *linter) overlappingCIDRs() {
	type envUses struct {
		env  *estate.Environment
		uses []cidrUse
	}
	var all []envUses
	for _, env := range l.e.Environments {
		uses := l.envRanges(env)
		for _, u := range uses {
		earlier:
			for _, prev := range all {
				for _, pu := range prev.uses {
					if !pu.prefix.Overlaps(u.prefix) {
						continue
					}
					rel := pu.loc
					rel.Message = fmt.Sprintf("%s's %s = %s", prev.env.Name, pu.name, pu.prefix)
					l.add(newFinding(RuleOverlappingCIDR, env.Name, u.loc, "cidr:"+u.name+":"+prev.env.Name,
						fmt.Sprintf("%s's network range %s (%s) overlaps %s's %s (%s)", env.Name, u.prefix, u.name, prev.env.Name, pu.prefix, pu.name),
						"", rel))
					break earlier
				}
			}
		}
		all = append(all, envUses{env, uses})
	}
}

// sortedAttrs returns a body's attributes in source order.
func sortedAttrs(b *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(b.Attributes))
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	return out
}

// sortedKeys returns a map's keys sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
