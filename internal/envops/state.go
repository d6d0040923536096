package envops

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/tf"
	"github.com/infractl/infractl/internal/tfstate"
)

// DefaultBackupDir is where backups go unless told otherwise, relative to
// the estate root.
const DefaultBackupDir = ".infractl/backups"

// ErrNoState means the environment has no state yet.
var ErrNoState = errors.New("no state")

// Backup describes a state file written by Backup.
type Backup struct {
	Environment string    `json:"environment"`
	Path        string    `json:"path"`
	Serial      uint64    `json:"serial"`
	Lineage     string    `json:"lineage"`
	Resources   int       `json:"resources"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// Pull returns env's current state with `terraform state pull`, and nil
// when it has none yet. The body holds secrets: callers never log it.
func (s *Service) Pull(ctx context.Context, env *estate.Environment) ([]byte, error) {
	if err := s.ensureInit(ctx, env, nil); err != nil {
		return nil, err
	}
	cmd := s.Binary.Command(env.Dir, tf.StatePullOptions{})
	cmd.EnvName = env.Name
	out, err := s.Runner.Output(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("pulling state of %s: %w", env.Name, err)
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	return out, nil
}

// Backup pulls env's state and writes it to dir as
// <env>-serial<N>-<timestamp>.tfstate (0600, written atomically), then
// reads the file back and checks it parses as a v4 state before reporting
// success. A relative dir is taken from the estate root.
func (s *Service) Backup(ctx context.Context, env *estate.Environment, dir string) (*Backup, error) {
	if env.Err != nil {
		return nil, env.Err
	}
	body, err := s.Pull(ctx, env)
	if err != nil {
		return nil, err
	}
	if body == nil {
		return nil, fmt.Errorf("%s has %w yet: nothing to back up", env.Name, ErrNoState)
	}
	return s.writeBackup(env, dir, body)
}

func (s *Service) writeBackup(env *estate.Environment, dir string, body []byte) (*Backup, error) {
	return SaveBackup(s.Root, dir, env.Name, body, s.now())
}

// SaveBackup writes a state body of environment env into dir (relative to
// root when not absolute; DefaultBackupDir when empty) as
// <env>-serial<N>-<timestamp>.tfstate, 0600, atomically, then reads it back
// and checks it parses as a v4 state. Every command that replaces a state
// calls it first, so nothing is lost.
func SaveBackup(root, dir, env string, body []byte, now time.Time) (*Backup, error) {
	meta, err := tfstate.Inspect(body)
	if err != nil {
		return nil, fmt.Errorf("state of %s is not a valid v4 state, not backing it up: %w", env, err)
	}
	if dir == "" {
		dir = DefaultBackupDir
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	now = now.UTC()
	name := fmt.Sprintf("%s-serial%d-%s.tfstate", env, meta.Serial, now.Format("20060102T150405.000000000Z"))
	path := filepath.Join(dir, name)
	if err := writeFileAtomic(path, body); err != nil {
		return nil, fmt.Errorf("writing backup of %s: %w", env, err)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("verifying backup %s: %w", path, err)
	}
	if _, err := tfstate.Parse(written); err != nil {
		return nil, fmt.Errorf("verifying backup %s: %w", path, err)
	}
	return &Backup{
		Environment: env, Path: path, Serial: meta.Serial, Lineage: meta.Lineage,
		Resources: meta.Resources, Size: meta.Size, CreatedAt: now,
	}, nil
}

// RestoreResult describes a state restore.
type RestoreResult struct {
	Environment string `json:"environment"`
	// Backup is the backup of the state that was replaced; nil when the
	// environment had no state.
	Backup *Backup `json:"backup"`
	// Serial and Lineage are those of the restored file.
	Serial  uint64 `json:"serial"`
	Lineage string `json:"lineage"`
	// Forced is set when lineage and serial checks were skipped.
	Forced bool `json:"forced"`
}

// Restore replaces env's state with the state in file. It first backs up
// the current state (into backupDir), then refuses a file with another
// lineage or a lower serial, naming both sides, unless force is set, and
// finally pushes it with `terraform state push`.
func (s *Service) Restore(ctx context.Context, env *estate.Environment, file, backupDir string, force bool) (*RestoreResult, error) {
	if env.Err != nil {
		return nil, env.Err
	}
	incomingBody, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	incoming, err := tfstate.Parse(incomingBody)
	if err != nil {
		return nil, fmt.Errorf("%s is not a v4 state: %w", file, err)
	}
	res := &RestoreResult{Environment: env.Name, Serial: incoming.Serial, Lineage: incoming.Lineage, Forced: force}
	currentBody, err := s.Pull(ctx, env)
	if err != nil {
		return nil, err
	}
	var current tfstate.Meta
	same := false
	if currentBody != nil {
		cur, err := tfstate.Parse(currentBody)
		if err != nil {
			return nil, fmt.Errorf("current state of %s is not a valid v4 state: %w", env.Name, err)
		}
		current = cur.Meta()
		same = tfstate.SameContent(cur, incoming)
		if res.Backup, err = s.writeBackup(env, backupDir, currentBody); err != nil {
			return nil, fmt.Errorf("backing up current state before restore: %w", err)
		}
	}
	if err := tfstate.CheckPush(current, incoming.Meta(), same, force); err != nil {
		return res, fmt.Errorf("refusing to restore %s into %s: %w\n  current state: serial %d, lineage %s\n  file:          serial %d, lineage %s\nuse --force to restore anyway (the current state is backed up in %s)",
			file, env.Name, err, current.Serial, current.Lineage, incoming.Serial, incoming.Lineage, res.Backup.Path)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return res, err
	}
	cmd := s.Binary.Command(env.Dir, tf.StatePushOptions{File: abs, Force: force})
	cmd.EnvName = env.Name
	if _, err := s.Runner.Output(ctx, cmd); err != nil {
		return res, fmt.Errorf("pushing %s to %s: %w", file, env.Name, err)
	}
	return res, nil
}
