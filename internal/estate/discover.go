package estate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// discoverEnvironments returns the names of the subdirectories of envDir that
// hold at least one .tf or .tf.json file, sorted. Hidden directories are
// skipped. A missing envDir yields an error wrapping ErrNoEnvironments.
func discoverEnvironments(root, envDir string) ([]string, error) {
	entries, err := os.ReadDir(envDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: directory %s does not exist; %s",
			ErrNoEnvironments, displayPath(root, envDir), howToAddEnvironment(root, envDir))
	}
	if err != nil {
		return nil, fmt.Errorf("reading environments directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(envDir, e.Name())
		if !e.IsDir() {
			// Follow symlinks to directories; skip everything else.
			info, err := os.Stat(dir)
			if err != nil || !info.IsDir() {
				continue
			}
		}
		ok, err := hasConfigFiles(dir)
		if err != nil {
			return nil, fmt.Errorf("reading environment directory %s: %w", displayPath(root, dir), err)
		}
		if ok {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w in %s: no subdirectory holds .tf or .tf.json files; %s",
			ErrNoEnvironments, displayPath(root, envDir), howToAddEnvironment(root, envDir))
	}
	return names, nil
}

func howToAddEnvironment(root, envDir string) string {
	return fmt.Sprintf("create %s/<name>/main.tf or set environments_dir in %s",
		displayPath(root, envDir), ConfigFileName)
}

// hasConfigFiles reports whether dir directly holds a .tf or .tf.json file.
func hasConfigFiles(dir string) (bool, error) {
	names, err := listFiles(dir, fileKind.isConfig)
	return len(names) > 0, err
}

// displayPath renders path relative to root with forward slashes; messages and
// hcl ranges use it so they read the same wherever the estate is checked out.
func displayPath(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}
