// Package stateops implements infractl's commands on an environment's
// remote state, whatever keeps it (an infractl server, S3): version
// history, diffs between versions, rollback with a backup first, and the
// policy for listing and breaking locks (staleness, ID match, a record of
// every lock removed). Backends come from an Opener the CLI wires up.
package stateops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/infractl/infractl/internal/envops"
	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/remotestate"
	"github.com/infractl/infractl/internal/tfstate"
)

// Opener returns the remote state of an environment, or an error saying
// why its backend cannot be inspected (for example a local backend).
type Opener func(ctx context.Context, env *estate.Environment) (remotestate.Backend, error)

// Service runs state operations for one estate.
type Service struct {
	// Open resolves an environment's backend.
	Open Opener
	// Root is the estate root: backups and the unlock log live under it.
	Root string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CurrentVersion is the version ID that names the current state in
// diff and rollback arguments.
const CurrentVersion = "current"

// History lists env's state versions, newest first.
func (s *Service) History(ctx context.Context, env *estate.Environment) ([]remotestate.Version, error) {
	b, err := s.Open(ctx, env)
	if err != nil {
		return nil, err
	}
	vs, err := b.Versions(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing versions of %s (%s): %w", env.Name, b, err)
	}
	return vs, nil
}

// VersionRef names one side of a diff: the version ID asked for and the
// serial and lineage found in its body.
type VersionRef struct {
	ID      string `json:"version_id"`
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
}

// DiffResult is a diff between two versions with what they are.
type DiffResult struct {
	From VersionRef
	To   VersionRef
	Diff *tfstate.StateDiff
}

// Diff compares two versions of env's state at the resource level, with
// sensitive values redacted. Either ID may be CurrentVersion.
func (s *Service) Diff(ctx context.Context, env *estate.Environment, from, to string) (*DiffResult, error) {
	b, err := s.Open(ctx, env)
	if err != nil {
		return nil, err
	}
	load := func(id string) (*tfstate.State, VersionRef, error) {
		ref := VersionRef{ID: id}
		if id == CurrentVersion {
			id = ""
		}
		body, err := b.Body(ctx, id)
		if err != nil {
			return nil, ref, fmt.Errorf("reading version %s of %s: %w", orCurrent(id), env.Name, err)
		}
		if body == nil {
			return nil, ref, fmt.Errorf("%s has no current state", env.Name)
		}
		st, err := tfstate.Parse(body)
		if err != nil {
			return nil, ref, fmt.Errorf("version %s of %s: %w", orCurrent(id), env.Name, err)
		}
		ref.Serial, ref.Lineage = st.Serial, st.Lineage
		return st, ref, nil
	}
	a, fromRef, err := load(from)
	if err != nil {
		return nil, err
	}
	z, toRef, err := load(to)
	if err != nil {
		return nil, err
	}
	return &DiffResult{From: fromRef, To: toRef, Diff: tfstate.Diff(a, z, tfstate.DiffOptions{})}, nil
}

func orCurrent(id string) string {
	if id == "" {
		return CurrentVersion
	}
	return id
}

// RollbackResult is what a rollback did.
type RollbackResult struct {
	Environment string              `json:"environment"`
	From        string              `json:"from_version_id"`
	Backup      *envops.Backup      `json:"backup"`
	Version     remotestate.Version `json:"version"`
}

// Rollback makes version id of env's state current again (as a new
// version, serial = current + 1, same lineage). The backend backs the
// current state up into backupDir once its checks passed (lock held,
// version found, lineage accepted unless opts.Force) and before it writes,
// so a refused rollback leaves no backup behind.
func (s *Service) Rollback(ctx context.Context, env *estate.Environment, id, backupDir string, opts remotestate.RollbackOptions) (*RollbackResult, error) {
	b, err := s.Open(ctx, env)
	if err != nil {
		return nil, err
	}
	if id == "" || id == CurrentVersion {
		return nil, fmt.Errorf("name the version to roll %s back to (see 'infractl state history %s')", env.Name, env.Name)
	}
	var backup *envops.Backup
	opts.Backup = func(current []byte) error {
		if current == nil {
			return fmt.Errorf("%s has no current state to roll back", env.Name)
		}
		var err error
		backup, err = envops.SaveBackup(s.Root, backupDir, env.Name, current, s.now())
		if err != nil {
			return fmt.Errorf("backing up %s before the rollback: %w", env.Name, err)
		}
		return nil
	}
	v, err := b.Rollback(ctx, id, opts)
	if err != nil {
		if backup != nil {
			err = fmt.Errorf("%w (the state before is backed up in %s)", err, backup.Path)
		}
		return &RollbackResult{Environment: env.Name, From: id, Backup: backup}, fmt.Errorf("rolling back %s to version %s: %w", env.Name, id, err)
	}
	return &RollbackResult{Environment: env.Name, From: id, Backup: backup, Version: v}, nil
}

// ErrUnsupported wraps the reason an environment's backend cannot be
// inspected.
var ErrUnsupported = errors.New("state inspection not supported")
