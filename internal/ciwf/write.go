package ciwf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/infractl/infractl/internal/estate"
)

// releaseVersion matches the versions of infractl releases.
var releaseVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`)

// OptionsFor returns the options for the estate's workflow at path
// (relative to the repository root; DefaultPath when empty): the
// repository is found from the estate root, and Self is set in infractl's
// own repository. version is the running infractl's: a release (v1.2.3)
// is what the workflow installs, so CI runs the infractl that generated
// it; anything else (a development build) installs the latest release.
func OptionsFor(e *estate.Estate, path, version string) Options {
	repo := RepoRoot(e.Root)
	if path == "" {
		path = DefaultPath
	}
	opts := Options{RepoRoot: repo, Path: filepath.ToSlash(filepath.Clean(filepath.FromSlash(path))), Self: IsSelfRepo(repo)}
	if releaseVersion.MatchString(version) {
		opts.InfractlVersion = version
	}
	return opts
}

// Sync generates the workflow and compares it with the file on disk:
// current is the file's content (nil when missing). It writes the new
// content when write is set and they differ, and reports whether they did.
func Sync(e *estate.Estate, opts Options, write bool) (generated, current []byte, differs bool, err error) {
	generated, err = Generate(e, opts)
	if err != nil {
		return nil, nil, false, err
	}
	target := filepath.Join(opts.RepoRoot, filepath.FromSlash(opts.Path))
	current, err = os.ReadFile(target)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, fmt.Errorf("reading %s: %w", opts.Path, err)
	}
	differs = !bytes.Equal(current, generated)
	if write && differs {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, nil, false, err
		}
		if err := os.WriteFile(target, generated, 0o644); err != nil {
			return nil, nil, false, fmt.Errorf("writing %s: %w", opts.Path, err)
		}
	}
	return generated, current, differs, nil
}

// Regenerate writes again every workflow infractl generated for e (found
// by their header, see FindGenerated) and returns the paths that changed,
// relative to the repository root; version is as for OptionsFor. `infractl
// env new` calls it so that a new environment is planned and applied by
// CI at once.
func Regenerate(e *estate.Estate, version string) ([]string, error) {
	repo := RepoRoot(e.Root)
	estateDir, err := RelSlash(repo, e.Root)
	if err != nil {
		return nil, err
	}
	paths, err := FindGenerated(repo, estateDir)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, p := range paths {
		_, _, differs, err := Sync(e, OptionsFor(e, p, version), true)
		if err != nil {
			return written, err
		}
		if differs {
			written = append(written, p)
		}
	}
	return written, nil
}
