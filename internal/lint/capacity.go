package lint

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// capacityTokens are the name tokens of values that size an environment.
var capacityTokens = setOf("count", "size", "replicas", "replica", "min", "max", "minimum", "maximum", "desired",
	"nodes", "capacity", "storage", "memory", "mem", "cpu", "cpus", "vcpu", "vcpus")

// notCapacity are name tokens of values that are not sizes even when a
// capacity token is also present (db_monitoring_interval,
// max_retention_days, min_tls_version, ...).
var notCapacity = setOf("interval", "retention", "period", "timeout", "ttl", "days", "hours", "minutes", "seconds",
	"port", "version", "retries", "retry", "delay", "age", "threshold", "percent", "percentage", "utilization")

// typeTokens are name tokens of values holding instance types.
var typeTokens = setOf("type", "types", "class", "instance", "instances", "machine", "flavor")

// instanceTypeRE matches AWS-style instance types and classes: t3.medium,
// m6i.2xlarge, db.r6g.large, cache.t4g.micro.
var instanceTypeRE = regexp.MustCompile(`^(?:db\.|cache\.)?[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|metal|(\d*)xlarge)$`)

// quantityRE matches plain numbers and Kubernetes quantities (500m, 8Gi).
var quantityRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)(m|k|K|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$`)

var quantitySuffix = map[string]float64{
	"": 1, "m": 1e-3, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50,
}

// instanceRank orders instance sizes; ok is false for other strings.
func instanceRank(s string) (float64, bool) {
	m := instanceTypeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	switch m[1] {
	case "nano":
		return 1, true
	case "micro":
		return 2, true
	case "small":
		return 3, true
	case "medium":
		return 4, true
	case "large":
		return 5, true
	case "metal":
		return 1e6, true
	}
	n := 1.0
	if m[2] != "" {
		n, _ = strconv.ParseFloat(m[2], 64)
	}
	return 10 * n, true
}

// capValue is one capacity value of an environment.
type capValue struct {
	n       float64
	display string
	kind    string // "number" or "instance type"
	loc     Location
}

// capacities returns an environment's capacity-like effective values by
// dotted path (list indexes dropped: a list of instance types counts as
// its largest).
func (l *linter) capacities(env *estate.Environment) map[string]capValue {
	out := map[string]capValue{}
	eff := env.EffectiveVariables()
	for _, name := range sortedKeys(eff) {
		vv := eff[name]
		var expr hclsyntax.Expression
		if a := l.file(vv.Range).attribute(vv.Range); a != nil {
			expr = a.Expr
		}
		valueLeaves(vv.Value, expr, vv.Range, []string{name}, func(lf leaf) {
			if hasToken(lf.path, notCapacity) {
				return
			}
			inList := false
			var key []string
			for _, p := range lf.path {
				if strings.HasPrefix(p, "[") {
					inList = true
					continue
				}
				key = append(key, p)
			}
			path := dotted(key)
			leafName := []string{lf.name()}
			if s, ok := asString(lf.value); ok {
				if rank, ok := instanceRank(s); ok && hasToken(leafName, typeTokens) {
					if prev, seen := out[path]; !seen || rank > prev.n {
						out[path] = capValue{n: rank, display: s, kind: "instance type", loc: locationOf(lf.rng, "")}
					}
					return
				}
			}
			if inList || !hasToken(leafName, capacityTokens) {
				return
			}
			if n, display, ok := number(lf.value); ok {
				out[path] = capValue{n: n, display: display, kind: "number", loc: locationOf(lf.rng, "")}
			}
		})
	}
	return out
}

// number reads a number or a quantity string.
func number(v cty.Value) (float64, string, bool) {
	switch v.Type() {
	case cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f, v.AsBigFloat().Text('f', -1), true
	case cty.String:
		s := v.AsString()
		m := quantityRE.FindStringSubmatch(s)
		if m == nil {
			return 0, "", false
		}
		f, ok := new(big.Float).SetString(m[1])
		if !ok {
			return 0, "", false
		}
		n, _ := f.Float64()
		return n * quantitySuffix[m[2]], strconv.Quote(s), true
	}
	return 0, "", false
}

// capacityOrder compares the declared environments in order, each with the
// previous one that has the same value.
func (l *linter) capacityOrder() {
	var declared []*estate.Environment
	for _, env := range l.e.Environments {
		if env.Declared {
			declared = append(declared, env)
		}
	}
	if len(declared) < 2 {
		return
	}
	type seen struct {
		env *estate.Environment
		v   capValue
	}
	last := map[string]seen{}
	var paths []string
	for _, env := range declared {
		caps := l.capacities(env)
		for _, path := range sortedKeys(caps) {
			v := caps[path]
			prev, ok := last[path]
			if !ok {
				paths = append(paths, path)
			}
			if ok && prev.v.kind == v.kind && v.n < prev.v.n {
				rel := prev.v.loc
				rel.Message = fmt.Sprintf("%s's %s = %s", prev.env.Name, path, prev.v.display)
				l.add(newFinding(RuleCapacityOrder, env.Name, v.loc, "capacity:"+path+":"+prev.env.Name,
					fmt.Sprintf("%s's %s is %s, smaller than %s's %s, although %s comes after %s in infractl.hcl", env.Name, path, v.display, prev.env.Name, prev.v.display, env.Name, prev.env.Name),
					"", rel))
			}
			last[path] = seen{env, v}
		}
	}
}
