package statestore

import (
	"context"
	"runtime"
	"time"

	"github.com/google/uuid"
)

// Service is what the state server's handlers call: every operation of the
// http backend protocol and of the JSON API, each one validating its input,
// reading the state's record inside one Store.Update, applying a rule from
// rules.go and persisting the outcome. It is safe for concurrent use; all
// coordination between requests (and server replicas) happens in the
// store's transactions.
type Service struct {
	store     Store
	codec     Codec
	now       func() time.Time
	newLockID func() string
	cache     *bodyCache
	gate      gate
}

// Options tune a Service; the zero value is the production setup.
type Options struct {
	// Codec encodes bodies for the store; nil means S2Codec.
	Codec Codec
	// Now is the clock for lock and version times; nil means time.Now.
	// Times are truncated to microseconds, what every store keeps.
	Now func() time.Time
	// NewLockID makes the ID of the lock a rollback takes; nil means a
	// random UUID.
	NewLockID func() string
	// CacheBytes bounds the cache of decoded bodies by version ID; 0 means
	// DefaultCacheBytes, a negative value turns the cache off.
	CacheBytes int64
	// MaxConcurrent is how many operations run at once; the others wait
	// their turn in order (see gate.go). 0 means 4 per CPU, a negative
	// value admits everything at once.
	MaxConcurrent int
}

// NewService returns a Service over store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, codec: opts.Codec, now: opts.Now, newLockID: opts.NewLockID}
	switch {
	case opts.MaxConcurrent == 0:
		s.gate = newGate(4 * runtime.GOMAXPROCS(0))
	case opts.MaxConcurrent > 0:
		s.gate = newGate(opts.MaxConcurrent)
	}
	switch {
	case opts.CacheBytes == 0:
		s.cache = newBodyCache(DefaultCacheBytes)
	case opts.CacheBytes > 0:
		s.cache = newBodyCache(opts.CacheBytes)
	default:
		s.cache = newBodyCache(0)
	}
	if s.codec == nil {
		s.codec = S2Codec{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newLockID == nil {
		s.newLockID = uuid.NewString
	}
	return s
}

// clock returns the current time as stores keep it: UTC, microseconds, no
// monotonic reading, so a value read back compares equal.
func (s *Service) clock() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// Get returns the current body of a state and its version, or an error
// wrapping ErrNotFound when the state has none (the server answers 204,
// which Terraform reads as "no state yet"). The body may be shared with
// the service's cache: callers must not modify it.
func (s *Service) Get(ctx context.Context, name string) ([]byte, VersionMeta, error) {
	if err := ValidateName(name); err != nil {
		return nil, VersionMeta{}, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	defer release()
	meta, err := s.store.Current(ctx, name)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	if body, ok := s.cache.get(meta.ID); ok {
		return body, meta, nil
	}
	blob, err := s.store.Blob(ctx, meta.ID)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	body, err := s.codec.Decode(blob)
	if err != nil {
		return nil, VersionMeta{}, err
	}
	s.cache.put(meta.ID, body)
	return body, meta, nil
}

// Lock takes the state's lock for info.ID and returns it, recording the
// remote address and the server's time. A state locked by another ID is a
// *LockedError carrying the holder (the server answers 423 with the
// holder's info). A LOCK with the ID that already holds the lock succeeds
// and returns the lock unchanged: Terraform never re-locks with its own ID,
// but its HTTP client retries a LOCK whose response was lost, and that
// retry must not be told the state is locked by itself. Lock info without
// an ID is ErrInvalid.
func (s *Service) Lock(ctx context.Context, name string, info LockInfo, remoteAddr string) (Lock, error) {
	if err := ValidateName(name); err != nil {
		return Lock{}, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return Lock{}, err
	}
	defer release()
	if err := validateLockInfo(info); err != nil {
		return Lock{}, err
	}
	var held Lock
	err = s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil {
			return err
		}
		l, again, err := decideLock(rec, info, remoteAddr, s.clock())
		if err != nil || again {
			held = l
			return err
		}
		held = l
		return tx.PutLock(l)
	})
	if err != nil {
		return Lock{}, err
	}
	return held, nil
}

// Unlock releases the lock with the given ID (from the UNLOCK body) and
// returns it. Another lock held is a *LockedError with WrongID set (409
// with the holder). A state that is not locked answers nil and no error:
// Terraform treats any non-200 UNLOCK as an error, and the usual cause is a
// retried UNLOCK whose first response was lost, or a lock already
// force-unlocked, where "it is unlocked" is the truth the caller wants. An
// empty ID is ErrInvalid: an UNLOCK without lock info is ForceUnlock.
func (s *Service) Unlock(ctx context.Context, name, id string) (*Lock, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if id == "" {
		return nil, invalidf("unlock: lock ID is empty; an UNLOCK without lock info is a force-unlock")
	}
	var removed *Lock
	err = s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil {
			return err
		}
		remove, err := decideUnlock(rec, id)
		if err != nil || !remove {
			return err
		}
		removed = rec.Lock
		return tx.DeleteLock()
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// ForceUnlock removes whatever lock is held, as `terraform force-unlock`
// asks with its empty UNLOCK body, and returns the removed lock so the
// server can log who lost it; nil when the state was not locked.
func (s *Service) ForceUnlock(ctx context.Context, name string) (*Lock, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	var removed *Lock
	err = s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil || rec.Lock == nil {
			return err
		}
		removed = rec.Lock
		return tx.DeleteLock()
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// Delete removes the state's current version, keeping its history and its
// lock requirement; the next write starts a new generation and, the state
// being empty, may have any lineage and serial. A locked state is a
// *LockedError, a state without a current version ErrNotFound.
func (s *Service) Delete(ctx context.Context, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	release, err := s.gate.enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.store.Update(ctx, name, func(tx Tx) error {
		rec, err := tx.Record()
		if err != nil {
			return err
		}
		if err := decideDelete(rec); err != nil {
			return err
		}
		return tx.MarkDeleted(s.clock())
	})
}

// State returns one state's record (current version, lock, generation),
// ErrNotFound when it was never locked nor written.
func (s *Service) State(ctx context.Context, name string) (StateRecord, error) {
	if err := ValidateName(name); err != nil {
		return StateRecord{}, err
	}
	return s.store.State(ctx, name)
}

// States lists every state, ordered by name, for GET /v1/states.
func (s *Service) States(ctx context.Context) ([]StateRecord, error) {
	return s.store.States(ctx)
}

// Locks lists the states whose lock is held, ordered by name, for
// GET /v1/locks and `infractl locks`.
func (s *Service) Locks(ctx context.Context) ([]StateRecord, error) {
	return s.store.Locks(ctx)
}
