// Package statestore holds the rules of infractl's state server: who may
// lock, unlock and write a state, which writes become versions, how a
// state is deleted and how a rollback is made.
//
// The rules are pure functions over a StateRecord (rules.go), so they are
// unit-tested without a database. Persistence is a Store (SQLite embedded,
// PostgreSQL to scale out) reached through one transactional
// read-modify-write helper, Store.Update: the Service reads the record
// inside the transaction, applies a rule and writes the outcome through
// Tx, so every store behaves the same and one conformance suite
// (internal/store/storetest) proves it.
//
// Between the rules and the store sits a Codec that turns a state body into
// the Blob the store keeps (S2 compression today; compression plus
// AES-256-GCM under a wrapped per-version data key later). Stores never
// look inside a Blob. Decoded bodies are cached by version ID (versions are
// immutable), and operations are admitted a few per CPU in arrival order,
// which keeps latency even when the server is CPU-bound (gate.go).
//
// Every error the Service returns is one of a few kinds (errors.go) so the
// HTTP server maps them to statuses in one table:
//
//	ErrInvalid (and *NameError, *InvalidStateError)  400 Bad Request
//	ErrNotFound                                      404 (GET of a state: 204)
//	*LockedError with WrongID set                    409 Conflict, holder's LockInfo as body
//	*LockedError without WrongID                     423 Locked, holder's LockInfo as body
//	ErrLockRequired                                  423 Locked
//	*ConflictError                                   409 Conflict, Error() as the message
//	ErrUnavailable                                   503 Service Unavailable
//	context.Canceled, context.DeadlineExceeded       the client left: log, no answer needed
//	anything else                                    500, logged in full
package statestore
