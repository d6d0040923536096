package promote

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/scaffold/hcledit"
)

// Write writes cs's changes into TO's files (a variable where TO's value
// is set now, else terraform.tfvars; a module argument in its module
// block), changing only those values, and records the files in
// cs.Written. When TO no longer loads afterwards, every file is put back
// and the error says why.
func Write(e *estate.Estate, cs *ChangeSet) error {
	type edit struct {
		vars    []hcledit.Assignment
		modules map[string][]hcledit.Assignment
		order   []string
	}
	edits := map[string]*edit{}
	var files []string
	for _, c := range cs.Changes {
		ed := edits[c.File]
		if ed == nil {
			ed = &edit{modules: map[string][]hcledit.Assignment{}}
			edits[c.File] = ed
			files = append(files, c.File)
		}
		a := hcledit.Assignment{Name: c.Name, Value: c.value}
		if c.Kind == "module" {
			a.Name = c.Argument
			if _, seen := ed.modules[c.Name]; !seen {
				ed.order = append(ed.order, c.Name)
			}
			ed.modules[c.Name] = append(ed.modules[c.Name], a)
			continue
		}
		ed.vars = append(ed.vars, a)
	}
	originals := map[string][]byte{}
	restore := func(cause error) error {
		var errs []error
		for file, old := range originals {
			p := filepath.Join(e.Root, filepath.FromSlash(file))
			if old == nil {
				errs = append(errs, os.Remove(p))
			} else {
				errs = append(errs, writeFile(p, old))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("%w (and putting the files back failed: %v)", cause, err)
		}
		return cause
	}
	for _, file := range files {
		p := filepath.Join(e.Root, filepath.FromSlash(file))
		src, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return restore(err)
		}
		originals[file] = src
		ed := edits[file]
		out := src
		if len(ed.vars) > 0 {
			if out, err = hcledit.SetAttributes(out, file, ed.vars); err != nil {
				return restore(err)
			}
		}
		for _, name := range ed.order {
			if out, err = hcledit.SetBlockAttributes(out, file, "module", []string{name}, ed.modules[name]); err != nil {
				return restore(err)
			}
		}
		if err := writeFile(p, out); err != nil {
			return restore(fmt.Errorf("writing %s: %w", file, err))
		}
		cs.Written = append(cs.Written, file)
	}
	slices.Sort(cs.Written)
	after, err := estate.Load(e.Root)
	if err != nil {
		return restore(fmt.Errorf("the estate does not load after the promotion, so nothing was changed: %w", err))
	}
	to, err := after.Env(cs.To)
	if err != nil {
		return restore(err)
	}
	if to.Err != nil {
		return restore(fmt.Errorf("%s does not load after the promotion, so nothing was changed: %w", cs.To, to.Err))
	}
	return nil
}

// writeFile replaces p's content through a temporary file and a rename,
// keeping its mode (0644 for a new file).
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
