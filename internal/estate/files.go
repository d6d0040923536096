package estate

import (
	"os"
	"slices"
	"strings"
)

// fileKind classifies the files of an environment directory the way
// terraform does when it loads a root module.
type fileKind int

const (
	kindOther fileKind = iota
	kindConfig
	kindConfigJSON
	kindVars
	kindVarsJSON
)

// classify returns the kind of a file name. Names terraform ignores
// (dotfiles, editor backups ending in ~, emacs #autosaves#) are kindOther.
func classify(name string) fileKind {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		(strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#")) {
		return kindOther
	}
	switch {
	case strings.HasSuffix(name, ".tf.json"):
		return kindConfigJSON
	case strings.HasSuffix(name, ".tf"):
		return kindConfig
	case strings.HasSuffix(name, ".tfvars.json"):
		return kindVarsJSON
	case strings.HasSuffix(name, ".tfvars"):
		return kindVars
	}
	return kindOther
}

func (k fileKind) isConfig() bool { return k == kindConfig || k == kindConfigJSON }
func (k fileKind) isVars() bool   { return k == kindVars || k == kindVarsJSON }
func (k fileKind) isJSON() bool   { return k == kindConfigJSON || k == kindVarsJSON }

// isOverride reports whether a configuration file is a terraform override
// file (override.tf, *_override.tf and their .tf.json forms).
func isOverride(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// listFiles returns the sorted names of the regular files in dir (symlinks to
// regular files included) whose kind satisfies keep.
func listFiles(dir string, keep func(fileKind) bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !keep(classify(e.Name())) {
			continue
		}
		if !e.Type().IsRegular() {
			if e.Type()&os.ModeSymlink == 0 {
				continue
			}
			info, err := os.Stat(dir + string(os.PathSeparator) + e.Name())
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
		}
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names, nil
}

// configLoadOrder sorts configuration files the way terraform applies them:
// primary files in lexical order, then override files in lexical order.
func configLoadOrder(names []string) []string {
	var primary, override []string
	for _, n := range names {
		if !classify(n).isConfig() {
			continue
		}
		if isOverride(n) {
			override = append(override, n)
		} else {
			primary = append(primary, n)
		}
	}
	return append(primary, override...)
}

// varsLoadOrder sorts tfvars files by terraform's precedence, lowest first:
// terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and
// *.auto.tfvars.json together in lexical order. Other tfvars files are only
// read with -var-file, so they are left out.
func varsLoadOrder(names []string) []string {
	var out, auto []string
	for _, fixed := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if slices.Contains(names, fixed) {
			out = append(out, fixed)
		}
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
			if classify(n).isVars() {
				auto = append(auto, n)
			}
		}
	}
	slices.Sort(auto)
	return append(out, auto...)
}
