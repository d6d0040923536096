package estate

import (
	"errors"
	"fmt"
	"slices"
)

// checkDependencies verifies that every depends_on names an environment of
// the estate and that the graph has no cycle. blocks gives positions for
// error messages.
func (e *Estate) checkDependencies(blocks map[string]environmentBlock) error {
	var errs []error
	for _, env := range e.Environments {
		for _, dep := range env.DependsOn {
			if _, ok := e.byName[dep]; !ok {
				errs = append(errs, fmt.Errorf("%s: environment %q depends_on: %w",
					formatPos(blocks[env.Name].DependsOnRange), env.Name,
					&UnknownEnvironmentError{Name: dep, Known: e.Names()}))
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if cycle := e.findCycle(); cycle != nil {
		return &CycleError{File: ConfigFileName, Cycle: cycle}
	}
	return nil
}

// findCycle returns one dependency cycle in run order, starting at its
// first environment in declared order, or nil when the graph is acyclic.
func (e *Estate) findCycle() []string {
	// Edges run from a dependency to its dependents, i.e. in run order.
	dependents := map[string][]string{}
	for _, env := range e.Environments {
		for _, dep := range env.DependsOn {
			dependents[dep] = append(dependents[dep], env.Name)
		}
	}
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string) []string
	visit = func(name string) []string {
		state[name] = onStack
		stack = append(stack, name)
		for _, next := range dependents[name] {
			switch state[next] {
			case onStack:
				return slices.Clone(stack[slices.Index(stack, next):])
			case unvisited:
				if c := visit(next); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		return nil
	}
	for _, env := range e.Environments {
		if state[env.Name] != unvisited {
			continue
		}
		if cycle := visit(env.Name); cycle != nil {
			return e.rotate(cycle)
		}
	}
	return nil
}

// rotate turns a cycle so that it starts at its earliest declared member,
// which makes the message stable and match how users read infractl.hcl.
func (e *Estate) rotate(cycle []string) []string {
	first := 0
	for i, name := range cycle {
		if e.byName[name].Order < e.byName[cycle[first]].Order {
			first = i
		}
	}
	return append(slices.Clone(cycle[first:]), cycle[:first]...)
}

// Dependencies returns, for each selected environment, the selected
// environments it must wait for, in declared order; the scheduler runs on
// this map. Dependencies through environments outside the selection are
// followed, so selecting dev and prod keeps prod after dev even when prod
// depends on dev only through staging. Every selected name is a key.
func (e *Estate) Dependencies(selected []*Environment) map[string][]string {
	inSel := make(map[string]bool, len(selected))
	for _, env := range selected {
		inSel[env.Name] = true
	}
	out := make(map[string][]string, len(selected))
	for _, env := range selected {
		seen := map[string]bool{}
		var deps []string
		var walk func(names []string)
		walk = func(names []string) {
			for _, name := range names {
				if seen[name] {
					continue
				}
				seen[name] = true
				if inSel[name] {
					deps = append(deps, name)
					continue
				}
				if dep, ok := e.byName[name]; ok {
					walk(dep.DependsOn)
				}
			}
		}
		walk(env.DependsOn)
		slices.SortFunc(deps, func(a, b string) int { return e.byName[a].Order - e.byName[b].Order })
		out[env.Name] = deps
	}
	return out
}
