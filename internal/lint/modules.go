package lint

import (
	"fmt"
	"path/filepath"

	"github.com/infractl/infractl/internal/estate"
)

// moduleRef is where a module call's code comes from.
type moduleRef struct {
	// key compares calls: local sources resolved relative to the estate
	// root, so ../../modules/vpc from two environments at the same depth
	// is the same code.
	key     string
	display string
	call    estate.ModuleCall
	env     *estate.Environment
}

func (l *linter) moduleRefOf(env *estate.Environment, m estate.ModuleCall) moduleRef {
	key := m.Source
	if m.IsLocal() {
		key = "local:" + l.rel(filepath.Join(env.Dir, m.Source))
	}
	display := m.Source
	if m.Version != "" {
		key += "@" + m.Version
		display += " version " + m.Version
	}
	return moduleRef{key: key, display: display, call: m, env: env}
}

// moduleDrift reports a module call whose source or version differs from
// the same call in the previous environment (in declared order) that has it.
func (l *linter) moduleDrift() {
	last := map[string]moduleRef{}
	for _, env := range l.e.Environments {
		for _, m := range env.Modules {
			ref := l.moduleRefOf(env, m)
			prev, ok := last[m.Name]
			last[m.Name] = ref
			if !ok || prev.key == ref.key {
				continue
			}
			rel := locationOf(prev.call.Range, fmt.Sprintf("%s's module %q: %s", prev.env.Name, m.Name, prev.display))
			l.add(newFinding(RuleModuleSourceDrift, env.Name, locationOf(m.Range, ""), "module:"+m.Name+":"+prev.env.Name,
				fmt.Sprintf("module %q comes from %s in %s but from %s in %s", m.Name, ref.display, env.Name, prev.display, prev.env.Name),
				"", rel))
		}
	}
}
