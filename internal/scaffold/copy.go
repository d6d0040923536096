package scaffold

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// entry is one file or directory of the source environment to recreate.
type entry struct {
	rel  string // slash-separated, relative to the environment directory
	mode fs.FileMode
	dir  bool
	link string // symlink target; "" for regular files and directories
	data []byte
}

// skipped reports whether env new leaves a name of the source environment
// behind: terraform's working data (.terraform/, state files and their
// backups and lock info, workspace states), saved plans, crash logs,
// infractl's records and VCS metadata. The dependency lock file
// .terraform.lock.hcl is copied: it pins the providers.
func skipped(name string, dir bool) bool {
	if dir {
		switch name {
		case ".terraform", "terraform.tfstate.d", ".infractl", ".git":
			return true
		}
		return false
	}
	switch {
	case strings.Contains(name, ".tfstate"),
		strings.Contains(name, ".tfplan"),
		name == "crash.log", strings.HasPrefix(name, "crash.") && strings.HasSuffix(name, ".log"),
		strings.HasSuffix(name, "~"), strings.HasSuffix(name, ".swp"):
		return true
	}
	return false
}

// collect reads the source environment directory: regular files with
// their content and mode, symlinks as links (a link to a shared file stays
// a link), subdirectories recursively.
func collect(dir string) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if skipped(d.Name(), d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := entry{rel: filepath.ToSlash(rel), mode: info.Mode().Perm()}
		switch {
		case d.IsDir():
			e.dir = true
		case info.Mode()&fs.ModeSymlink != 0:
			if e.link, err = os.Readlink(p); err != nil {
				return err
			}
		case info.Mode().IsRegular():
			if e.data, err = os.ReadFile(p); err != nil {
				return err
			}
		default:
			return nil // sockets, devices: nothing to copy
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	return out, nil
}

// write creates the entries under dir, which must exist.
func write(dir string, entries []entry) error {
	for _, e := range entries {
		p := filepath.Join(dir, filepath.FromSlash(e.rel))
		var err error
		switch {
		case e.dir:
			err = os.MkdirAll(p, e.mode|0o700)
		case e.link != "":
			err = os.Symlink(e.link, p)
		default:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.WriteFile(p, e.data, e.mode)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// find returns the top-level entry called name.
func find(entries []entry, name string) *entry {
	for i := range entries {
		if entries[i].rel == name {
			return &entries[i]
		}
	}
	return nil
}

// own makes the entry for name a regular file with content data, so that
// editing it never writes through a symlink into a file the source
// environment shares; it returns a note when a link was replaced.
func own(entries *[]entry, srcDir, name string, data []byte) string {
	e := find(*entries, name)
	if e == nil {
		*entries = append(*entries, entry{rel: name, mode: 0o644, data: data})
		return ""
	}
	note := ""
	if e.link != "" {
		note = fmt.Sprintf("%s was a symlink to %s; the new environment gets its own copy, since it changes", name, e.link)
		e.link = ""
		if info, err := os.Stat(filepath.Join(srcDir, name)); err == nil {
			e.mode = info.Mode().Perm()
		}
	}
	e.data = data
	return note
}

// readThrough reads a top-level file of the source directory, following
// symlinks; a missing file reads as empty.
func readThrough(srcDir, name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(srcDir, path.Clean(name)))
	if os.IsNotExist(err) {
		return nil, nil
	}
	return b, err
}
