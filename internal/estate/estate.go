package estate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
)

// Estate is a directory of terraform environments plus its infractl.hcl;
// it is what every infractl command operates on.
type Estate struct {
	// Root is the estate's absolute directory.
	Root string
	// EnvironmentsDir is the absolute directory holding the environments.
	EnvironmentsDir string
	// ConfigFile is the absolute path of infractl.hcl, empty when the estate
	// has none.
	ConfigFile string
	// TerraformBinary is terraform_binary from infractl.hcl, empty when not
	// set; tf.Find uses it after the flag and the environment variable.
	TerraformBinary string
	// Environments are in declared order (see Environment.Order).
	Environments []*Environment
	// Promote is the promote block of infractl.hcl: the variables that
	// `infractl promote` copies between environments. Variables may name
	// variables an environment does not declare; promote reports those.
	Promote PromoteConfig

	byName map[string]*Environment
}

// Load reads the estate at root without running terraform. It fails on
// problems with the estate as a whole: an unreadable root, invalid
// infractl.hcl, an environment block without a directory, depends_on naming
// an unknown environment (*UnknownEnvironmentError), a dependency cycle
// (*CycleError), or no environments at all (ErrNoEnvironments). Invalid HCL
// inside an environment does not fail Load; it sets that Environment's Err.
func Load(root string) (*Estate, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolving estate root %s: %w", root, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("reading estate root: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("estate root %s is not a directory", root)
	}
	cfg, found, err := readConfig(abs)
	if err != nil {
		return nil, err
	}
	e := &Estate{Root: abs, TerraformBinary: cfg.TerraformBinary, Promote: cfg.Promote, byName: map[string]*Environment{}}
	if found {
		e.ConfigFile = filepath.Join(abs, ConfigFileName)
	}
	e.EnvironmentsDir = filepath.Join(abs, DefaultEnvironmentsDir)
	if cfg.EnvironmentsDir != "" {
		e.EnvironmentsDir = filepath.Join(abs, cfg.EnvironmentsDir)
		if filepath.IsAbs(cfg.EnvironmentsDir) {
			e.EnvironmentsDir = filepath.Clean(cfg.EnvironmentsDir)
		}
	}
	dirs, err := discoverEnvironments(abs, e.EnvironmentsDir)
	if err != nil {
		return nil, err
	}
	blocks, err := e.order(cfg, dirs)
	if err != nil {
		return nil, err
	}
	if err := e.checkDependencies(blocks); err != nil {
		return nil, err
	}
	e.loadEnvironments()
	return e, nil
}

// order builds e.Environments: declared environments in block order, then
// the other directories alphabetically. It returns the blocks by name.
func (e *Estate) order(cfg *configFile, dirs []string) (map[string]environmentBlock, error) {
	onDisk := make(map[string]bool, len(dirs))
	for _, d := range dirs {
		onDisk[d] = true
	}
	blocks := map[string]environmentBlock{}
	var errs []error
	for _, b := range cfg.Environments {
		if !onDisk[b.Name] {
			errs = append(errs, e.missingDirError(b, dirs))
			continue
		}
		blocks[b.Name] = b
		e.add(&Environment{
			Name:      b.Name,
			Declared:  true,
			DependsOn: dedupe(b.DependsOn),
			Protected: b.Protected,
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, d := range dirs {
		if _, declared := blocks[d]; !declared {
			e.add(&Environment{Name: d})
		}
	}
	return blocks, nil
}

func (e *Estate) add(env *Environment) {
	env.Order = len(e.Environments)
	env.Dir = filepath.Join(e.EnvironmentsDir, env.Name)
	env.root = e.Root
	e.Environments = append(e.Environments, env)
	e.byName[env.Name] = env
}

// missingDirError explains an environment block whose directory does not
// exist or holds no configuration.
func (e *Estate) missingDirError(b environmentBlock, dirs []string) error {
	dir := displayPath(e.Root, filepath.Join(e.EnvironmentsDir, b.Name))
	problem := "does not exist"
	if info, err := os.Stat(filepath.Join(e.EnvironmentsDir, b.Name)); err == nil && info.IsDir() {
		problem = "holds no .tf or .tf.json files"
	}
	return fmt.Errorf("%s: environment %q: directory %s %s; environment directories found: %s",
		formatPos(b.DefRange), b.Name, dir, problem, knownList(dirs))
}

func dedupe(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// loadEnvironments parses every environment's HCL, a few at a time.
func (e *Estate) loadEnvironments() {
	work := make(chan *Environment)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(e.Environments)) {
		wg.Go(func() {
			for env := range work {
				loadEnvironment(env)
			}
		})
	}
	for _, env := range e.Environments {
		work <- env
	}
	close(work)
	wg.Wait()
}

// Names returns the environment names in declared order, for completion,
// help text and error messages.
func (e *Estate) Names() []string {
	names := make([]string, len(e.Environments))
	for i, env := range e.Environments {
		names[i] = env.Name
	}
	return names
}

// Env returns the environment called name, or an *UnknownEnvironmentError
// listing the known ones so the user can correct a typo.
func (e *Estate) Env(name string) (*Environment, error) {
	if env, ok := e.byName[name]; ok {
		return env, nil
	}
	return nil, &UnknownEnvironmentError{Name: name, Known: e.Names()}
}

// Select resolves the ENV... arguments or --all of a command into
// environments in declared order, without duplicates. It fails with an
// *UnknownEnvironmentError for the first unknown name, and with an error
// wrapping ErrNoSelection when there is nothing to select from the
// arguments. Environments with Err set are returned like the others; the
// caller reports their errors per environment.
func (e *Estate) Select(names []string, all bool) ([]*Environment, error) {
	switch {
	case all && len(names) > 0:
		return nil, fmt.Errorf("pass environment names or --all, not both")
	case all:
		return slices.Clone(e.Environments), nil
	case len(names) == 0:
		return nil, fmt.Errorf("%w: pass ENV... or --all; known environments: %s",
			ErrNoSelection, knownList(e.Names()))
	}
	want := map[string]bool{}
	for _, n := range names {
		if _, err := e.Env(n); err != nil {
			return nil, err
		}
		want[n] = true
	}
	var out []*Environment
	for _, env := range e.Environments {
		if want[env.Name] {
			out = append(out, env)
		}
	}
	return out, nil
}

// Validate returns the errors of all environments joined, or nil, for
// commands (validate, lint --strict) that must not run on a partly broken
// estate.
func (e *Estate) Validate() error {
	var errs []error
	for _, env := range e.Environments {
		if env.Err != nil {
			errs = append(errs, env.Err)
		}
	}
	return errors.Join(errs...)
}
