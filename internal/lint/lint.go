package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/infractl/infractl/internal/estate"
)

// Options selects what Run checks.
type Options struct {
	// Environments are the environments to lint, usually from
	// estate.Select; nil lints every environment.
	Environments []*estate.Environment
	// All also reads the estate's directories of .tf files outside the
	// environments and their modules (shared roots) for the file rules.
	All bool
}

// linter holds one run's inputs and findings.
type linter struct {
	e        *estate.Estate
	selected map[string]bool

	byFile   map[string]*sourceFile
	envFiles map[string][]*sourceFile
	// scanned are the files the file rules read, sorted by path.
	scanned []*sourceFile

	findings []Finding
}

// Run lints the estate. It fails only when a file it must read cannot be
// read; problems in the configuration are findings.
func Run(e *estate.Estate, opts Options) (*Report, error) {
	envs := opts.Environments
	if envs == nil {
		envs = e.Environments
	}
	l := &linter{e: e, selected: map[string]bool{}, byFile: map[string]*sourceFile{}, envFiles: map[string][]*sourceFile{}}
	for _, env := range envs {
		l.selected[env.Name] = true
	}
	if err := l.read(envs, opts.All); err != nil {
		return nil, err
	}

	for _, env := range envs {
		l.invalidConfig(env)
		l.backendRules(env)
		l.providerRules(env)
		l.undeclaredVariables(env)
	}
	l.sharedState()
	l.overlappingCIDRs()
	l.capacityOrder()
	l.moduleDrift()
	for _, sf := range l.scanned {
		l.secrets(sf)
	}
	l.stateBuckets()

	scannedSet := make(map[string]bool, len(l.scanned))
	for _, sf := range l.scanned {
		scannedSet[sf.rel] = true
	}
	kept, dropped := suppress(l.findings, l.byFile)
	var out []Finding
	for _, f := range kept {
		if slices.ContainsFunc(f.locations(), func(loc Location) bool { return scannedSet[loc.File] }) ||
			(f.Environment != "" && l.selected[f.Environment]) {
			out = append(out, f)
		}
	}
	out = append(out, directiveFindings(l.scanned)...)
	for i := range out {
		out[i].Fingerprint = out[i].fingerprint()
	}
	sortFindings(out)
	if out == nil {
		out = []Finding{}
	}
	names := make([]string, len(envs))
	for i, env := range envs {
		names[i] = env.Name
	}
	return &Report{Environments: names, Files: len(l.scanned), Findings: out, Suppressed: dropped}, nil
}

// add records a finding.
func (l *linter) add(f Finding) { l.findings = append(l.findings, f) }

// read parses every environment's files (cross-environment rules compare
// them all), the local modules the environments call, and with all the
// estate's other configuration directories; it decides which files the
// file rules read.
func (l *linter) read(selected []*estate.Environment, all bool) error {
	var jobs []readJob
	for _, env := range l.e.Environments {
		for _, name := range env.Files {
			jobs = append(jobs, readJob{filepath.Join(env.Dir, name), env.Name})
		}
	}
	if err := l.readAll(jobs); err != nil {
		return err
	}
	for _, env := range l.e.Environments {
		for _, name := range env.Files {
			l.envFiles[env.Name] = append(l.envFiles[env.Name], l.byFile[l.rel(filepath.Join(env.Dir, name))])
		}
	}

	scan := map[string]bool{}
	for _, env := range selected {
		for _, sf := range l.envFiles[env.Name] {
			scan[sf.rel] = true
		}
	}
	// Local modules, followed transitively.
	seenDir := map[string]bool{}
	var queue []string
	for _, env := range selected {
		for _, m := range env.Modules {
			if m.IsLocal() {
				queue = append(queue, filepath.Join(env.Dir, m.Source))
			}
		}
	}
	for len(queue) > 0 {
		dir := filepath.Clean(queue[0])
		queue = queue[1:]
		if seenDir[dir] || !l.inside(dir) {
			continue
		}
		seenDir[dir] = true
		var dirJobs []readJob
		for _, abs := range configFiles(dir) {
			dirJobs = append(dirJobs, readJob{abs, ""})
		}
		if err := l.readAll(dirJobs); err != nil {
			return err
		}
		for _, j := range dirJobs {
			sf := l.byFile[l.rel(j.abs)]
			scan[sf.rel] = true
			for _, b := range sf.blocks("module") {
				if a, ok := b.Body.Attributes["source"]; ok {
					if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && !v.IsNull() {
						if s := v.AsString(); strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
							queue = append(queue, filepath.Join(dir, s))
						}
					}
				}
			}
		}
	}
	if all {
		var extra []readJob
		err := filepath.WalkDir(l.e.Root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				name := d.Name()
				if path != l.e.Root && (strings.HasPrefix(name, ".") || name == "node_modules") {
					return filepath.SkipDir
				}
				if path == l.e.EnvironmentsDir {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isConfigFile(d.Name()) && l.byFile[l.rel(path)] == nil {
				extra = append(extra, readJob{path, ""})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading the estate: %w", err)
		}
		if err := l.readAll(extra); err != nil {
			return err
		}
		for _, j := range extra {
			scan[l.rel(j.abs)] = true
		}
	}
	for rel := range scan {
		l.scanned = append(l.scanned, l.byFile[rel])
	}
	slices.SortFunc(l.scanned, func(a, b *sourceFile) int { return strings.Compare(a.rel, b.rel) })
	return nil
}

// readJob is one file to read, with the environment it belongs to.
type readJob struct{ abs, env string }

// readAll reads files in parallel into byFile.
func (l *linter) readAll(jobs []readJob) error {
	files := make([]*sourceFile, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Go(func() {
			for i := range next {
				files[i], errs[i] = readSource(l.e.Root, jobs[i].abs, jobs[i].env)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reading estate files: %w", err)
	}
	for _, f := range files {
		l.byFile[f.rel] = f
	}
	return nil
}

// rel returns a path relative to the estate root with forward slashes.
func (l *linter) rel(abs string) string {
	r, err := filepath.Rel(l.e.Root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

// inside reports whether dir is within the estate root.
func (l *linter) inside(dir string) bool {
	r, err := filepath.Rel(l.e.Root, dir)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

// file returns the parsed file a range of the estate model points into.
func (l *linter) file(r hcl.Range) *sourceFile {
	return l.byFile[filepath.ToSlash(r.Filename)]
}

// invalidConfig reports an environment whose files cannot be read.
func (l *linter) invalidConfig(env *estate.Environment) {
	if env.Err == nil {
		return
	}
	var de *estate.DiagnosticsError
	if errors.As(env.Err, &de) {
		for _, d := range de.Diagnostics {
			msg := d.Summary
			if d.Detail != "" {
				msg += ": " + d.Detail
			}
			loc := Location{File: l.rel(env.Dir)}
			if d.Subject != nil {
				loc = locationOf(*d.Subject, "")
			}
			l.add(newFinding(RuleInvalidConfig, env.Name, loc, d.Summary, msg, ""))
		}
		return
	}
	l.add(newFinding(RuleInvalidConfig, env.Name, Location{File: l.rel(env.Dir)}, "read", env.Err.Error(), ""))
}
