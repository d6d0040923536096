package scaffold

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// privateBlocks are the IPv4 ranges environments take their networks
// from (RFC 1918); a new range is chosen in the block of the old one.
var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// NetworkChange is a variable whose network range env new changed.
type NetworkChange struct {
	// Variable is the variable name.
	Variable string `json:"variable"`
	// Old and New are the ranges, e.g. 10.30.0.0/16 and 10.31.0.0/16.
	Old string `json:"old"`
	New string `json:"new"`
}

// usedPrefix is a network range some environment already uses.
type usedPrefix struct {
	prefix netip.Prefix
	env    string
	name   string // variable (and path inside it)
}

// String names the range for messages: "dev's vpc_cidr (10.10.0.0/16)".
func (u usedPrefix) String() string { return fmt.Sprintf("%s's %s (%s)", u.env, u.name, u.prefix) }

// privatePrefix parses s as an IPv4 network in a private block.
func privatePrefix(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, false
	}
	for _, b := range privateBlocks {
		if b.Bits() <= p.Bits() && b.Contains(p.Addr()) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// prefixesIn lists the private networks inside v (a string, or strings in
// lists, maps and objects at any depth), with the path to each.
func prefixesIn(name string, v cty.Value) []usedPrefix {
	var out []usedPrefix
	cty.Walk(v, func(path cty.Path, v cty.Value) (bool, error) {
		if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
			return true, nil
		}
		if p, ok := privatePrefix(v.AsString()); ok {
			out = append(out, usedPrefix{prefix: p, name: name + pathString(path)})
		}
		return true, nil
	})
	return out
}

func pathString(path cty.Path) string {
	var sb strings.Builder
	for _, step := range path {
		switch s := step.(type) {
		case cty.GetAttrStep:
			sb.WriteString("." + s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.String {
				sb.WriteString(fmt.Sprintf("[%q]", s.Key.AsString()))
			} else if s.Key.Type() == cty.Number {
				sb.WriteString("[" + s.Key.AsBigFloat().Text('f', -1) + "]")
			}
		}
	}
	return sb.String()
}

// usedNetworks lists the private networks of every environment of e.
func usedNetworks(e *estate.Estate) []usedPrefix {
	var out []usedPrefix
	for _, env := range e.Environments {
		vars := env.EffectiveVariables()
		for _, v := range env.Variables {
			val, ok := vars[v.Name]
			if !ok {
				continue
			}
			for _, u := range prefixesIn(v.Name, val.Value) {
				u.env = env.Name
				out = append(out, u)
			}
		}
	}
	return out
}

// networkPlan is what happens to the source environment's network ranges.
type networkPlan struct {
	changes []NetworkChange
	// values are the new values of every variable that holds a moved
	// range (primary ranges and the subnets inside them).
	values map[string]cty.Value
	order  []string
}

// planNetworks chooses the new environment's network ranges. The primary
// ranges are the source's string variables holding a private IPv4 network
// that no other such variable contains (vpc_cidr = "10.30.0.0/16"); each
// moves to cidr when given (there must be exactly one), to the value a
// --set gave it, or else to the first range of the same size after it in
// its private block (wrapping around) that overlaps no range any
// environment uses. Networks inside a primary range (subnets, in any
// variable and at any depth) move with it, keeping their offset.
func planNetworks(e *estate.Estate, from *estate.Environment, cidr string, sets map[string]cty.Value) (*networkPlan, error) {
	vars := from.EffectiveVariables()
	type primary struct {
		name   string
		prefix netip.Prefix
	}
	var candidates []primary
	for _, v := range from.Variables {
		val, ok := vars[v.Name]
		if !ok || val.Value.IsNull() || !val.Value.IsKnown() || val.Value.Type() != cty.String {
			continue
		}
		if p, ok := privatePrefix(val.Value.AsString()); ok {
			candidates = append(candidates, primary{v.Name, p})
		}
	}
	var primaries []primary
	for _, c := range candidates {
		inner := slices.ContainsFunc(candidates, func(o primary) bool {
			return o.name != c.name && o.prefix.Bits() < c.prefix.Bits() && o.prefix.Contains(c.prefix.Addr())
		})
		if !inner {
			primaries = append(primaries, c)
		}
	}
	plan := &networkPlan{values: map[string]cty.Value{}}
	if cidr != "" {
		switch len(primaries) {
		case 0:
			return nil, fmt.Errorf("--cidr %s: %s has no variable holding a private network range to set", cidr, from.Name)
		case 1:
		default:
			names := make([]string, len(primaries))
			for i, p := range primaries {
				names[i] = p.name
			}
			return nil, fmt.Errorf("--cidr %s: %s has several network ranges (%s); set each with --set VAR=CIDR", cidr, from.Name, strings.Join(names, ", "))
		}
	}
	used := usedNetworks(e)
	moves := map[netip.Prefix]netip.Prefix{}
	for _, p := range primaries {
		if next, done := moves[p.prefix]; done {
			// Another variable holds the same range: it moves the same way.
			if _, isSet := sets[p.name]; !isSet {
				plan.changes = append(plan.changes, NetworkChange{Variable: p.name, Old: p.prefix.String(), New: next.String()})
			}
			continue
		}
		var next netip.Prefix
		switch given, isSet := sets[p.name]; {
		case isSet:
			if given.Type() != cty.String {
				continue
			}
			np, ok := privatePrefix(given.AsString())
			if !ok {
				// Not a private network: the user's choice, nothing to move.
				continue
			}
			next = np
		case cidr != "":
			np, err := netip.ParsePrefix(cidr)
			if err != nil || !np.Addr().Is4() || np.Masked() != np {
				return nil, fmt.Errorf("--cidr %s: not an IPv4 network (like 10.40.0.0/16)", cidr)
			}
			next = np
		default:
			np, ok := nextFree(p.prefix, used)
			if !ok {
				return nil, fmt.Errorf("no free /%d network left next to %s's %s (%s): pass --cidr", p.prefix.Bits(), from.Name, p.name, p.prefix)
			}
			next = np
		}
		if u, clash := overlapping(next, used); clash {
			return nil, fmt.Errorf("network %s for %s overlaps %s; choose another with --cidr or --set %s=CIDR", next, p.name, u, p.name)
		}
		used = append(used, usedPrefix{prefix: next, env: "(new)", name: p.name})
		moves[p.prefix] = next
		plan.changes = append(plan.changes, NetworkChange{Variable: p.name, Old: p.prefix.String(), New: next.String()})
	}
	if len(moves) == 0 {
		return plan, nil
	}
	// Move every network inside a moved range, in every variable.
	for _, v := range from.Variables {
		val, ok := vars[v.Name]
		if _, isSet := sets[v.Name]; !ok || isSet {
			continue
		}
		changed := false
		var moveErr error
		newVal, err := cty.Transform(val.Value, func(_ cty.Path, x cty.Value) (cty.Value, error) {
			if !x.IsKnown() || x.IsNull() || x.Type() != cty.String {
				return x, nil
			}
			p, ok := privatePrefix(x.AsString())
			if !ok {
				return x, nil
			}
			for old, next := range moves {
				if old.Bits() <= p.Bits() && old.Contains(p.Addr()) {
					moved, ok := shift(p, old, next)
					if !ok {
						moveErr = fmt.Errorf("%s (%s, inside %s) does not fit in %s: set %s with --set", v.Name, p, old, next, v.Name)
						return x, nil
					}
					changed = true
					return cty.StringVal(moved.String()), nil
				}
			}
			return x, nil
		})
		if moveErr != nil {
			return nil, moveErr
		}
		if err != nil {
			return nil, fmt.Errorf("moving the networks of %s: %w", v.Name, err)
		}
		if changed {
			plan.values[v.Name] = newVal
			plan.order = append(plan.order, v.Name)
		}
	}
	return plan, nil
}

// nextFree is the first network of p's size after p in p's private block,
// wrapping around, that overlaps nothing in used.
func nextFree(p netip.Prefix, used []usedPrefix) (netip.Prefix, bool) {
	var block netip.Prefix
	for _, b := range privateBlocks {
		if b.Contains(p.Addr()) {
			block = b
		}
	}
	if !block.IsValid() || p.Bits() < block.Bits() {
		return netip.Prefix{}, false
	}
	size := uint32(1) << (32 - p.Bits())
	count := uint64(1) << (p.Bits() - block.Bits())
	base := u32(block.Addr())
	index := uint64((u32(p.Addr()) - base) / size)
	for i := uint64(1); i < count; i++ {
		n := (index + i) % count
		candidate := netip.PrefixFrom(addr(base+uint32(n)*size), p.Bits())
		if _, clash := overlapping(candidate, used); !clash {
			return candidate, true
		}
	}
	return netip.Prefix{}, false
}

// overlapping returns a used network that overlaps p.
func overlapping(p netip.Prefix, used []usedPrefix) (usedPrefix, bool) {
	for _, u := range used {
		if u.prefix.Overlaps(p) {
			return u, true
		}
	}
	return usedPrefix{}, false
}

// shift moves p, inside old, to the same offset inside next.
func shift(p, old, next netip.Prefix) (netip.Prefix, bool) {
	moved := netip.PrefixFrom(addr(u32(next.Addr())+(u32(p.Addr())-u32(old.Addr()))), p.Bits())
	if p.Bits() < next.Bits() || !next.Contains(moved.Addr()) {
		return netip.Prefix{}, false
	}
	return moved, true
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func addr(n uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b)
}
