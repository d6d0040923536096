package stateops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/remotestate"
)

// localBackend shows the lock of an environment with local state: while
// terraform runs, it writes its lock info next to the state file
// (.terraform.tfstate.lock.info). Local state has no version history, and
// its lock is an OS file lock that only the holding process can release.
type localBackend struct {
	statePath string
}

// Local returns the Backend of an environment whose backend is "local".
func Local(env *estate.Environment) remotestate.Backend {
	return &localBackend{statePath: env.Backend.StateAddress()}
}

func (b *localBackend) String() string { return b.statePath }

func (b *localBackend) lockPath() string {
	return filepath.Join(filepath.Dir(b.statePath), "."+filepath.Base(b.statePath)+".lock.info")
}

func (b *localBackend) Locks(ctx context.Context) ([]remotestate.Lock, error) {
	raw, err := os.ReadFile(b.lockPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var info struct {
		ID, Operation, Info, Who, Version, Path string
		Created                                 json.RawMessage
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("%s: %w", b.lockPath(), err)
	}
	l := remotestate.Lock{ID: info.ID, Operation: info.Operation, Info: info.Info, Who: info.Who, Version: info.Version, Path: info.Path, Source: "local"}
	json.Unmarshal(info.Created, &l.Created)
	return []remotestate.Lock{l}, nil
}

func (b *localBackend) unsupported(what string) error {
	return fmt.Errorf("local state keeps no %s (%w); move the state to an infractl server or S3 to get it", what, remotestate.ErrNotSupported)
}

func (b *localBackend) Versions(ctx context.Context) ([]remotestate.Version, error) {
	return nil, b.unsupported("version history")
}

func (b *localBackend) Body(ctx context.Context, id string) ([]byte, error) {
	if id != "" {
		return nil, b.unsupported("version history")
	}
	body, err := os.ReadFile(b.statePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return body, err
}

func (b *localBackend) Unlock(ctx context.Context, id string) ([]remotestate.Lock, error) {
	return nil, fmt.Errorf("a local state lock is held by the terraform process itself and ends with it; %w", remotestate.ErrNotSupported)
}

func (b *localBackend) Rollback(ctx context.Context, id string, opts remotestate.RollbackOptions) (remotestate.Version, error) {
	return remotestate.Version{}, b.unsupported("rollback")
}
