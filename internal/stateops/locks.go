package stateops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/infractl/infractl/internal/estate"
	"github.com/infractl/infractl/internal/remotestate"
)

// DefaultStaleAfter is when a held lock is considered stale: longer than
// any sane plan or apply.
const DefaultStaleAfter = 2 * time.Hour

// EnvLocks is the lock report of one environment. JSON names are part of
// the `infractl locks -o json` contract.
type EnvLocks struct {
	Environment string      `json:"environment"`
	Backend     string      `json:"backend"`
	Locks       []LockState `json:"locks"`
	Error       string      `json:"error,omitempty"`
}

// LockState is a held lock with what infractl concludes about it.
type LockState struct {
	remotestate.Lock
	AgeSeconds int64 `json:"age_seconds"`
	Stale      bool  `json:"stale"`
}

// Locks reads the locks of every env in parallel (at most parallelism at
// once). An environment whose backend cannot be read reports its error
// and never hides the others.
func (s *Service) Locks(ctx context.Context, envs []*estate.Environment, staleAfter time.Duration, parallelism int) []EnvLocks {
	if parallelism < 1 {
		parallelism = 1
	}
	out := make([]EnvLocks, len(envs))
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	now := s.now()
	for i, env := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = s.envLocks(ctx, env, staleAfter, now)
		}()
	}
	wg.Wait()
	return out
}

func (s *Service) envLocks(ctx context.Context, env *estate.Environment, staleAfter time.Duration, now time.Time) EnvLocks {
	r := EnvLocks{Environment: env.Name, Backend: env.Backend.Type, Locks: []LockState{}}
	b, err := s.Open(ctx, env)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	locks, err := b.Locks(ctx)
	if err != nil {
		r.Error = fmt.Sprintf("reading locks of %s: %v", b, err)
		return r
	}
	for _, l := range locks {
		age := l.Age(now)
		r.Locks = append(r.Locks, LockState{Lock: l, AgeSeconds: int64(age / time.Second), Stale: age >= staleAfter})
	}
	return r
}

// UnlockOptions is the policy for breaking a lock.
type UnlockOptions struct {
	// LockID must match the held lock; empty means "the lock held now",
	// which the caller has shown to the user.
	LockID string
	// StaleAfter is the age below which a lock is refused without Force.
	StaleAfter time.Duration
	// Force removes a lock younger than StaleAfter.
	Force bool
	// Who is recorded in the unlock log.
	Who string
}

// ErrLockTooYoung means the lock is younger than the stale threshold and
// Force was not given.
var ErrLockTooYoung = errors.New("lock is not stale")

// ErrNotLocked means there is no lock to remove.
var ErrNotLocked = errors.New("not locked")

// UnlockLog is where every removed lock is recorded, under the estate root.
const UnlockLog = ".infractl/unlocks.log"

// Unlock removes env's lock when it matches opts.LockID and is stale (or
// opts.Force), and appends a record of what was removed to UnlockLog. It
// returns the locks that were held, so the caller can show them.
func (s *Service) Unlock(ctx context.Context, env *estate.Environment, opts UnlockOptions) ([]remotestate.Lock, error) {
	b, err := s.Open(ctx, env)
	if err != nil {
		return nil, err
	}
	held, err := b.Locks(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading locks of %s: %w", env.Name, err)
	}
	if len(held) == 0 {
		return nil, fmt.Errorf("%s is %w", env.Name, ErrNotLocked)
	}
	id := opts.LockID
	if id == "" {
		id = held[0].ID
	}
	now := s.now()
	for _, l := range held {
		if l.ID != id {
			return held, fmt.Errorf("the lock on %s has ID %s (held by %s for %s, operation %s), not %s; nothing removed",
				env.Name, l.ID, l.Who, l.Age(now).Round(time.Second), l.Operation, id)
		}
		if age := l.Age(now); age < opts.StaleAfter && !opts.Force {
			return held, fmt.Errorf("%w: the lock on %s (ID %s, held by %s, operation %s) is %s old, younger than --stale-after %s; pass --force to remove it anyway",
				ErrLockTooYoung, env.Name, l.ID, l.Who, l.Operation, age.Round(time.Second), opts.StaleAfter)
		}
	}
	removed, err := b.Unlock(ctx, id)
	if err != nil {
		return held, fmt.Errorf("removing the lock on %s: %w", env.Name, err)
	}
	if err := s.logUnlock(env, b.String(), removed, opts, now); err != nil {
		return removed, fmt.Errorf("the lock was removed but recording it failed: %w", err)
	}
	return removed, nil
}

// unlockRecord is one line of UnlockLog.
type unlockRecord struct {
	Time        time.Time          `json:"time"`
	Environment string             `json:"environment"`
	Backend     string             `json:"backend"`
	By          string             `json:"by"`
	Forced      bool               `json:"forced"`
	Removed     []remotestate.Lock `json:"removed"`
}

func (s *Service) logUnlock(env *estate.Environment, backend string, removed []remotestate.Lock, opts UnlockOptions, now time.Time) error {
	path := filepath.Join(s.Root, UnlockLog)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	line, err := json.Marshal(unlockRecord{Time: now.UTC(), Environment: env.Name, Backend: backend, By: opts.Who, Forced: opts.Force, Removed: removed})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
