package stateops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	// Note says why locks were not read when the backend cannot be
	// inspected (gcs, azurerm, ...); that is not an error.
	Note string `json:"note,omitempty"`
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
	if errors.Is(err, ErrUnsupported) {
		r.Note = err.Error()
		return r
	}
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
		st := LockState{Lock: l}
		if !l.Created.IsZero() { // unreadable lock info has no creation time
			age := l.Age(now)
			st.AgeSeconds, st.Stale = int64(age/time.Second), age >= staleAfter
		}
		r.Locks = append(r.Locks, st)
	}
	return r
}

// UnlockOptions is the policy for breaking a lock.
type UnlockOptions struct {
	// LockID must be the ID of a held lock: the caller shows the locks
	// first and the user names the one to break.
	LockID string
	// StaleAfter is the age below which a lock is refused without Force.
	StaleAfter time.Duration
	// Force removes a lock younger than StaleAfter.
	Force bool
	// Unreadable removes the locks whose info cannot be read (no ID can
	// name them; their age is unknown, so Force is required).
	Unreadable bool
	// Who is recorded in the unlock log.
	Who string
}

// ErrLockTooYoung means the lock is younger than the stale threshold and
// Force was not given.
var ErrLockTooYoung = errors.New("lock is not stale")

// ErrNotLocked means there is no lock to remove.
var ErrNotLocked = errors.New("not locked")

// ErrLockIDRequired means the caller did not say which lock to break.
var ErrLockIDRequired = errors.New("no lock ID given")

// UnlockLog is where every removed lock is recorded, under the estate root.
const UnlockLog = ".infractl/unlocks.log"

// HeldLocks returns env's held locks, for showing them before an unlock.
func (s *Service) HeldLocks(ctx context.Context, env *estate.Environment) ([]remotestate.Lock, error) {
	b, err := s.Open(ctx, env)
	if err != nil {
		return nil, err
	}
	held, err := b.Locks(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading locks of %s: %w", env.Name, err)
	}
	return held, nil
}

// Unlock removes the lock(s) of env whose ID is opts.LockID, when they are
// older than opts.StaleAfter (or opts.Force), and appends a record of what
// was removed to UnlockLog. A lock with another ID is never touched: when
// S3 holds a lockfile and a DynamoDB item with different IDs, each is
// removed by its own ID.
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
	if opts.Unreadable {
		return s.unlockUnreadable(ctx, env, b, opts)
	}
	if opts.LockID == "" {
		return nil, fmt.Errorf("%w: name the lock to remove with --lock-id (the locks on %s are listed above)", ErrLockIDRequired, env.Name)
	}
	now := s.now()
	var matched []remotestate.Lock
	var others []string
	for _, l := range held {
		if l.ID != opts.LockID {
			others = append(others, l.ID)
			continue
		}
		matched = append(matched, l)
		if age := l.Age(now); age < opts.StaleAfter && !opts.Force {
			return nil, fmt.Errorf("%w: the lock on %s (ID %s, held by %s, operation %s) is %s old, younger than --stale-after %s; pass --force to remove it anyway",
				ErrLockTooYoung, env.Name, l.ID, l.Who, l.Operation, age.Round(time.Second), opts.StaleAfter)
		}
	}
	if len(matched) == 0 {
		return nil, fmt.Errorf("no lock on %s has ID %s (held: %s); nothing removed", env.Name, opts.LockID, strings.Join(others, ", "))
	}
	removed, err := b.Unlock(ctx, opts.LockID)
	if err != nil {
		return nil, fmt.Errorf("removing the lock on %s: %w", env.Name, err)
	}
	if err := s.logUnlock(env, b.String(), removed, opts, now); err != nil {
		return removed, fmt.Errorf("the lock was removed but recording it failed: %w", err)
	}
	return removed, nil
}

func (s *Service) unlockUnreadable(ctx context.Context, env *estate.Environment, b remotestate.Backend, opts UnlockOptions) ([]remotestate.Lock, error) {
	u, ok := b.(remotestate.UnreadableUnlocker)
	if !ok {
		return nil, fmt.Errorf("%s: the %s backend has no unreadable locks to remove; use --lock-id", env.Name, env.Backend.Type)
	}
	if !opts.Force {
		return nil, fmt.Errorf("%w: an unreadable lock on %s has no ID and an unknown age; pass --force to remove it", ErrLockTooYoung, env.Name)
	}
	removed, err := u.RemoveUnreadableLocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("removing unreadable locks on %s: %w", env.Name, err)
	}
	if err := s.logUnlock(env, b.String(), removed, opts, s.now()); err != nil {
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
