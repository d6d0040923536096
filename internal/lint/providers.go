package lint

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/infractl/infractl/internal/estate"
)

// constraintPart matches one comma-separated part of a version constraint.
var constraintPart = regexp.MustCompile(`^\s*(~>|>=|<=|!=|>|<|=)?\s*v?\d`)

// hasUpperBound reports whether a version constraint caps the version: a
// part with ~>, <, <=, = or an exact version.
func hasUpperBound(constraint string) bool {
	for _, part := range strings.Split(constraint, ",") {
		m := constraintPart.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		switch m[1] {
		case "~>", "<", "<=", "=", "":
			return true
		}
	}
	return false
}

// providerRules checks version requirements of a root module: providers
// without an upper bound, providers used without being required, and a
// missing required_version. Modules are not checked: they should state
// minimum versions only and leave the pin to the root.
func (l *linter) providerRules(env *estate.Environment) {
	names := make([]string, 0, len(env.RequiredProviders))
	for n := range env.RequiredProviders {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		req := env.RequiredProviders[n]
		loc := locationOf(req.Range, "")
		switch {
		case req.Version == "":
			l.add(newFinding(RuleUnpinnedProvider, env.Name, loc, "provider:"+n,
				fmt.Sprintf("provider %q of %s has no version constraint: any version, including the next major release, is installed", n, env.Name), ""))
		case !hasUpperBound(req.Version):
			l.add(newFinding(RuleUnpinnedProvider, env.Name, loc, "provider:"+n,
				fmt.Sprintf("provider %q of %s is constrained to %q, which has no upper bound: the next major release is installed when it comes out", n, env.Name, req.Version), ""))
		}
	}

	// Providers used without a requirement: provider blocks and the
	// prefixes of resource types.
	used := map[string]hcl.Range{}
	var order []string
	note := func(name string, r hcl.Range) {
		if _, ok := used[name]; !ok && name != "terraform" {
			used[name] = r
			order = append(order, name)
		}
	}
	for _, p := range env.Providers {
		note(p.Name, p.Range)
	}
	for _, r := range slices.Concat(env.Resources, env.DataSources) {
		prefix, _, _ := strings.Cut(r.Type, "_")
		note(prefix, r.Range)
	}
	for _, n := range order {
		if _, ok := env.RequiredProviders[n]; ok {
			continue
		}
		l.add(newFinding(RuleUnpinnedProvider, env.Name, locationOf(used[n], ""), "implicit:"+n,
			fmt.Sprintf("provider %q is used in %s but not declared in required_providers, so terraform installs the latest hashicorp/%s", n, env.Name, n),
			fmt.Sprintf("Add %s = { source = \"hashicorp/%s\", version = \"~> X.0\" } to required_providers (with the source and major version you use).", n, n)))
	}

	if env.RequiredVersion == "" && env.Err == nil {
		l.add(newFinding(RuleMissingRequiredVer, env.Name, l.terraformBlockOrFile(env), "required_version",
			fmt.Sprintf("%s does not set required_version, so any terraform binary runs it", env.Name), ""))
	}
}

// terraformBlockOrFile points at an environment's first terraform block,
// or its main.tf (or first .tf file) when it has none.
func (l *linter) terraformBlockOrFile(env *estate.Environment) Location {
	var firstTF *sourceFile
	for _, sf := range l.envFiles[env.Name] {
		if sf.isVars {
			continue
		}
		if blocks := sf.blocks("terraform"); len(blocks) > 0 {
			return locationOf(blocks[0].DefRange(), "")
		}
		if firstTF == nil || filepath.Base(sf.rel) == "main.tf" {
			firstTF = sf
		}
	}
	if firstTF == nil {
		return Location{File: l.rel(env.Dir)}
	}
	return Location{File: firstTF.rel}
}

// undeclaredVariables reports tfvars values for variables the environment
// does not declare.
func (l *linter) undeclaredVariables(env *estate.Environment) {
	names := make([]string, 0, len(env.TFVars))
	for n := range env.TFVars {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if _, ok := env.Variable(n); ok {
			continue
		}
		l.add(newFinding(RuleUndeclaredTFVar, env.Name, locationOf(env.TFVars[n].Range, ""), "tfvar:"+n,
			fmt.Sprintf("%s sets %s, which %s does not declare: terraform ignores the value", filepath.Base(env.TFVars[n].Range.Filename), n, env.Name), ""))
	}
}
