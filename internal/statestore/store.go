package statestore

import (
	"context"
	"time"
)

// Store persists states, their versions and locks. It has several
// implementations (internal/store/sqlite, and PostgreSQL for several server
// replicas on one database), all proven by internal/store/storetest; stores
// persist what they are given and decide nothing, the Service decides.
//
// Update must be serializable per state name and durable once it returns
// nil: SQLite runs it in BEGIN IMMEDIATE; PostgreSQL upserts the state's row
// and takes SELECT ... FOR UPDATE on it before Record reads anything.
// Read methods see only committed data.
//
// Error contract, for every method: an error wrapping ErrNotFound where a
// method says so; an error wrapping ErrUnavailable when the database cannot
// be reached, is read-only, full, or stays busy past the store's timeout,
// so the server answers 503 and Terraform retries; the context's error when
// ctx ends; anything else is an internal error.
type Store interface {
	// Update runs fn in one transaction on the named state. fn's error
	// aborts the transaction and is returned unchanged (errors.Is and
	// errors.As work on it). A transaction in which fn wrote nothing
	// leaves no trace: a state is created by its first PutLock or
	// InsertVersion. fn may be called again (a store may retry it after a
	// failure that was not fn's), so it must have no effects outside Tx
	// but setting its own results; and it must work only through Tx:
	// calling Update from fn may deadlock a store with a single writer.
	Update(ctx context.Context, name string, fn func(Tx) error) error
	// State returns one state's record, ErrNotFound when the state was
	// never locked nor written.
	State(ctx context.Context, name string) (StateRecord, error)
	// Current returns the current version's metadata, ErrNotFound when
	// the state has none (never written, or deleted). The body is read
	// apart (Blob) so a service that has it cached reads no body at all.
	Current(ctx context.Context, name string) (VersionMeta, error)
	// Blob returns the body of the version with the given ID, ErrNotFound
	// when there is none.
	Blob(ctx context.Context, versionID int64) (Blob, error)
	// Version returns the newest version of the state with the given
	// serial (serials are unique within a generation, so this is the
	// current generation's when it has one) and its body, ErrNotFound
	// when there is none.
	Version(ctx context.Context, name string, serial uint64) (VersionMeta, Blob, error)
	// Versions lists the state's versions of every generation, newest
	// first, with IDs below beforeID (0: from the newest), at most limit;
	// bodies are not read. ErrNotFound when the state does not exist.
	Versions(ctx context.Context, name string, beforeID int64, limit int) ([]VersionMeta, error)
	// States lists every state with its current version and lock, ordered
	// by name, deleted ones included.
	States(ctx context.Context) ([]StateRecord, error)
	// Locks lists the states whose lock is held, ordered by name.
	Locks(ctx context.Context) ([]StateRecord, error)
	// Close releases the store's resources; in-flight calls may fail.
	Close() error
}

// Tx is one read-modify-write transaction on a single state, handed to
// Store.Update's callback. Writes are visible to later calls of the same
// Tx. Every method may return a store error; the callback returns it,
// which rolls the transaction back.
//
// A later audit log will add an append method here, so that an action and
// its audit row commit or fail together.
type Tx interface {
	// Record returns the state's record; a state never seen before gives
	// a record with only Name set.
	Record() (*StateRecord, error)
	// Version returns the newest version with the given serial and its
	// body, like Store.Version, or ErrNotFound.
	Version(serial uint64) (VersionMeta, Blob, error)
	// PutLock stores l as the held lock (replacing any) and sets
	// EverLocked.
	PutLock(l Lock) error
	// DeleteLock removes the held lock; no error when there is none.
	DeleteLock() error
	// InsertVersion appends a version, which becomes current, and returns
	// it with ID and StoredSize filled in. The caller sets every other
	// field, including Generation and CreatedAt; the store keeps them as
	// given (times at microsecond precision) and clears DeletedAt.
	InsertVersion(v VersionMeta, body Blob) (VersionMeta, error)
	// MarkDeleted leaves the state without a current version while keeping
	// its history and generation, and records when.
	MarkDeleted(at time.Time) error
}
