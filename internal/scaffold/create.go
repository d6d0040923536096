package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

// Options are the inputs of `infractl env new`.
type Options struct {
	// Name is the new environment.
	Name string
	// From is the environment to copy.
	From string
	// Set are VAR=VALUE assignments for the new environment's tfvars.
	Set []string
	// CIDR is the new environment's network range; empty chooses one.
	CIDR string
	// Protected declares the new environment protected, right after From
	// (a second production, say), instead of the default placement.
	Protected bool
}

// VariableChange is a tfvars value the new environment has that From has
// not.
type VariableChange struct {
	// Variable is the variable name.
	Variable string `json:"variable"`
	// File is the tfvars file written, relative to the estate root.
	File string `json:"file"`
	// Old and New are HCL expressions; Old is empty when From had no value.
	Old string `json:"old,omitempty"`
	New string `json:"new"`
	// Reason is "set" (--set), "network" (a moved range) or "renamed"
	// (the value was From's name).
	Reason string `json:"reason"`
}

// Result is what Create did, for the command's report.
type Result struct {
	// Name is the new environment and From the one it was copied from.
	Name string `json:"name"`
	From string `json:"from"`
	// Dir is the new environment's directory relative to the estate root.
	Dir string `json:"dir"`
	// Files are the files created, relative to Dir.
	Files []string `json:"files"`
	// StateAddress is where the new environment's state lives.
	StateAddress string `json:"state_address"`
	// Backend lists the backend arguments rewritten.
	Backend []BackendChange `json:"backend"`
	// Networks lists the network ranges moved.
	Networks []NetworkChange `json:"networks"`
	// Variables lists every tfvars value written.
	Variables []VariableChange `json:"variables"`
	// Config is the change to infractl.hcl.
	Config ConfigChange `json:"config"`
	// Workflows are the generated CI workflows written again, relative to
	// the repository root.
	Workflows []string `json:"workflows"`
	// Warnings are things the user should check by hand.
	Warnings []string `json:"warnings"`
}

// validName: a directory name terraform and GitHub are both happy with.
var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// Create makes environment opts.Name from opts.From in e and returns what
// it did. Placement in infractl.hcl (when From is declared there):
//   - by default the new environment goes right after From with
//     depends_on = [From];
//   - when From is protected, the new environment is its rehearsal (a
//     staging copied from prod): it goes right before From, takes From's
//     depends_on, and From now depends_on the new environment; it is not
//     protected;
//   - with Protected, it goes right after From with depends_on = [From]
//     and protected = true, whatever From is.
//
// It refuses a name that exists or is declared, a From whose configuration
// does not load, a --set for an undeclared variable or with a value of the
// wrong type, and a network range that overlaps another environment's.
// workflows regenerates the CI workflows after the estate was written; nil
// skips that step.
func Create(e *estate.Estate, opts Options, workflows func(*estate.Estate) ([]string, error)) (*Result, error) {
	if !validName.MatchString(opts.Name) {
		return nil, fmt.Errorf("%q is not a usable environment name: use letters, digits, '.', '_' and '-', starting with a letter or digit", opts.Name)
	}
	if _, err := e.Env(opts.Name); err == nil {
		return nil, fmt.Errorf("environment %s already exists", opts.Name)
	}
	dir := filepath.Join(e.EnvironmentsDir, opts.Name)
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%s already exists: remove it or choose another name", rel(e, dir))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	from, err := e.Env(opts.From)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	if from.Err != nil {
		return nil, fmt.Errorf("%s does not load, fix it first: %w", from.Name, from.Err)
	}

	res := &Result{Name: opts.Name, From: from.Name, Dir: rel(e, dir), Backend: []BackendChange{}, Networks: []NetworkChange{}, Variables: []VariableChange{}, Workflows: []string{}, Warnings: []string{}}
	entries, err := collect(from.Dir)
	if err != nil {
		return nil, err
	}
	if err := planVariables(e, from, opts, res, &entries); err != nil {
		return nil, err
	}
	if err := planBackend(from, opts.Name, res, &entries); err != nil {
		return nil, err
	}
	var oldConfig, newConfig []byte
	if e.ConfigFile != "" && from.Declared {
		if oldConfig, err = os.ReadFile(e.ConfigFile); err != nil {
			return nil, err
		}
		if newConfig, res.Config, err = declare(oldConfig, from, opts.Name, opts.Protected); err != nil {
			return nil, err
		}
	} else if opts.Protected {
		return nil, fmt.Errorf("--protected needs %s declared in %s", from.Name, estate.ConfigFileName)
	}

	// Write: the directory under a hidden name (environment discovery
	// skips it), renamed into place; then infractl.hcl.
	tmp, err := os.MkdirTemp(e.EnvironmentsDir, "."+opts.Name+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := write(tmp, entries); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("writing %s: %w", res.Dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("creating %s: %w", res.Dir, err)
	}
	undo := func(cause error) error {
		os.RemoveAll(dir)
		if newConfig != nil {
			if err := writeFile(e.ConfigFile, oldConfig); err != nil {
				return fmt.Errorf("%w (and restoring %s failed: %v)", cause, estate.ConfigFileName, err)
			}
		}
		return cause
	}
	if newConfig != nil {
		if err := writeFile(e.ConfigFile, newConfig); err != nil {
			return nil, undo(fmt.Errorf("writing %s: %w", estate.ConfigFileName, err))
		}
	}
	after, err := estate.Load(e.Root)
	if err != nil {
		return nil, undo(fmt.Errorf("the estate does not load with %s, so it was not created: %w", opts.Name, err))
	}
	created, err := after.Env(opts.Name)
	if err != nil {
		return nil, undo(err)
	}
	if created.Err != nil {
		return nil, undo(fmt.Errorf("%s does not load, so it was not created: %w", opts.Name, created.Err))
	}
	if err := checkStateAddress(after, created); err != nil {
		return nil, undo(err)
	}
	res.StateAddress = created.Backend.StateAddress()
	for _, en := range entries {
		if !en.dir {
			res.Files = append(res.Files, en.rel)
		}
	}
	slices.Sort(res.Files)
	if workflows != nil {
		written, err := workflows(after)
		res.Workflows = append(res.Workflows, written...)
		if err != nil {
			return res, fmt.Errorf("%s was created, but regenerating the CI workflow failed: %w", opts.Name, err)
		}
	}
	return res, nil
}

// planVariables computes the tfvars values of the new environment (--set,
// moved networks, values that were From's name) and edits the copies.
func planVariables(e *estate.Estate, from *estate.Environment, opts Options, res *Result, entries *[]entry) error {
	sets := map[string]cty.Value{}
	var setOrder []string
	for _, raw := range opts.Set {
		s, err := ParseSetting(from, raw)
		if err != nil {
			return err
		}
		if _, dup := sets[s.Name]; dup {
			return fmt.Errorf("--set %s is given twice", s.Name)
		}
		sets[s.Name] = s.Value
		setOrder = append(setOrder, s.Name)
	}
	nets, err := planNetworks(e, from, opts.CIDR, sets)
	if err != nil {
		return err
	}
	res.Networks = append(res.Networks, nets.changes...)

	type write struct {
		name, reason string
		value        cty.Value
	}
	var writes []write
	effective := from.EffectiveVariables()
	for _, v := range from.Variables {
		if _, isSet := sets[v.Name]; isSet {
			continue
		}
		if nv, moved := nets.values[v.Name]; moved {
			writes = append(writes, write{v.Name, "network", nv})
			continue
		}
		val, ok := effective[v.Name]
		if ok && val.Value.IsKnown() && !val.Value.IsNull() && val.Value.Type() == cty.String && val.Value.AsString() == from.Name {
			writes = append(writes, write{v.Name, "renamed", cty.StringVal(opts.Name)})
		}
	}
	for _, name := range setOrder {
		writes = append(writes, write{name, "set", sets[name]})
	}

	// Group the writes by the tfvars file that gives each variable its
	// value now (a later *.auto.tfvars wins over terraform.tfvars).
	byFile := map[string][]hcledit.Assignment{}
	var files []string
	for _, w := range writes {
		file := "terraform.tfvars"
		old := ""
		if tv, ok := from.TFVars[w.name]; ok {
			file = path.Base(tv.Range.Filename)
			old = string(hcledit.ValueText(tv.Value))
		} else if d, ok := effective[w.name]; ok {
			old = string(hcledit.ValueText(d.Value))
		}
		if strings.HasSuffix(file, ".json") {
			return fmt.Errorf("%s is set in %s, and env new edits only native tfvars files: move it to terraform.tfvars", w.name, file)
		}
		if _, seen := byFile[file]; !seen {
			files = append(files, file)
		}
		byFile[file] = append(byFile[file], hcledit.Assignment{Name: w.name, Value: w.value})
		res.Variables = append(res.Variables, VariableChange{
			Variable: w.name, File: path.Join(res.Dir, file), Old: old, New: string(hcledit.ValueText(w.value)), Reason: w.reason,
		})
	}
	for _, file := range files {
		src, err := readThrough(from.Dir, file)
		if err != nil {
			return err
		}
		out, err := hcledit.SetAttributes(src, path.Join(res.Dir, file), byFile[file])
		if err != nil {
			return err
		}
		if note := own(entries, from.Dir, file, out); note != "" {
			res.Warnings = append(res.Warnings, note)
		}
	}
	// Values that still mention From are the user's to check.
	written := map[string]bool{}
	for _, w := range writes {
		written[w.name] = true
	}
	for _, v := range from.Variables {
		val, ok := effective[v.Name]
		if !ok || written[v.Name] {
			continue
		}
		if mentions(val.Value, from.Name) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s still mentions %s: %s", v.Name, from.Name, oneLine(string(hcledit.ValueText(val.Value)))))
		}
	}
	return nil
}

// mentions reports whether a string inside v has name as a separate part
// ("ml-prod" mentions prod, "product" does not).
func mentions(v cty.Value, name string) bool {
	found := false
	cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String {
			if _, ok := replaceToken(x.AsString(), name, name+"\x00"); ok {
				found = true
			}
		}
		return !found, nil
	})
	return found
}

// planBackend rewrites the copy of the file holding From's backend block.
func planBackend(from *estate.Environment, name string, res *Result, entries *[]entry) error {
	changes, warnings, err := rekeyBackend(from, name)
	if err != nil {
		return err
	}
	res.Warnings = append(res.Warnings, warnings...)
	res.Backend = append(res.Backend, changes...)
	if len(changes) == 0 {
		return nil
	}
	file := path.Base(from.Backend.Range.Filename)
	if strings.HasSuffix(file, ".json") {
		return fmt.Errorf("%s's backend is in JSON configuration (%s): give %s its own state there by hand", from.Name, file, name)
	}
	src, err := readThrough(from.Dir, file)
	if err != nil {
		return err
	}
	out, err := editBackend(src, file, from.Backend, changes)
	if err != nil {
		return err
	}
	if note := own(entries, from.Dir, file, out); note != "" {
		res.Warnings = append(res.Warnings, note)
	}
	return nil
}

// checkStateAddress refuses a new environment whose state would be
// another environment's.
func checkStateAddress(e *estate.Estate, created *estate.Environment) error {
	addr := created.Backend.StateAddress()
	if addr == created.Backend.Type {
		return nil // partial configuration: nothing to compare
	}
	for _, env := range e.Environments {
		if env.Name != created.Name && env.Backend != nil && env.Backend.StateAddress() == addr {
			return fmt.Errorf("%s would share its state %s with %s, so it was not created", created.Name, addr, env.Name)
		}
	}
	return nil
}

func rel(e *estate.Estate, p string) string {
	r, err := filepath.Rel(e.Root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// writeFile replaces path's content through a temporary file and a
// rename, keeping its mode.
func writeFile(p string, data []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(p); err == nil {
		mode = info.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp, mode)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
