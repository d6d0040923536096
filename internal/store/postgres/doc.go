// Package postgres is infractl's scale-out state store: a statestore.Store
// in a PostgreSQL database (pgx/v5), so several `infractl server`
// replicas can serve the same states. It behaves exactly as the embedded
// SQLite store: both pass internal/store/storetest unchanged.
//
// Concurrency. Update is one READ COMMITTED transaction per call that
// takes the state's row lock (SELECT ... FOR UPDATE on states) before it
// reads the state's record, and holds it until COMMIT, so read-modify-
// write cycles on one state are serial across every connection of every
// replica; different states never wait for each other. A state's first
// Update inserts its row (INSERT ... ON CONFLICT DO NOTHING), which is
// locked by being uncommitted; a transaction that writes nothing is rolled
// back, so merely looking at a state leaves no row. The lock and the read
// are two statements (sent in one round trip): in READ COMMITTED a
// statement that waited for a row lock re-checks only the locked row, and
// would join it with versions and locks as they were before the wait, so
// two replicas could both see a state unlocked (the concurrency tests
// catch that). Serialization failures and deadlocks, which these
// transactions do not produce but a DBA's settings or future code might,
// are retried inside Update, as are connections found dead before COMMIT.
// Updates that decide without writing (a LOCK refused because the state
// is held, polled by a waiting client) take no row lock once a state's
// last Update wrote nothing: fn first runs on a plain snapshot read and
// goes through the lock only if it wants to write (readonly.go), so
// pollers do not queue in front of the holder.
// Migrations run under a transaction-level advisory lock, so replicas
// starting together do not race to create the schema.
//
// Round trips. An Update opens with BEGIN, the row lock and the record
// read in one pipelined batch; writes whose result fn does not need
// (locks, deletes) are queued and sent with the next query or with
// COMMIT. A LOCK or UNLOCK is two round trips, a POST three, a GET one
// (its body usually comes from the service's cache).
//
// Availability. Connections come from a small FIFO pool (pool.go) that
// makes them on demand, pings one that sat idle, and drops one that
// failed, so the store reconnects by itself after PostgreSQL restarts:
// nothing needs reopening. While PostgreSQL is down every call fails at
// once (connection refused, or within Options.ConnectTimeout when the
// host is silent) with an error wrapping statestore.ErrUnavailable, and
// the server answers 503, which Terraform retries. errors.go lists what
// else counts as unavailable: too many connections, shutting down or
// starting up, disk full, read-only, lock and statement timeouts. A call's
// own context ending gives the context's error.
//
// Durability. A write is acknowledged after COMMIT returned, with the
// server's synchronous_commit (on by default: the WAL is flushed). A
// COMMIT whose answer is lost with its connection has an unknown outcome
// and fails with ErrUnavailable; the client's retry is harmless either way.
//
// Layout. As SQLite's: states, versions and their bodies in separate
// tables (blobs, stored out of line and uncompressed by PostgreSQL since
// they arrive compressed, with the wrapped data key and master key ID in
// columns of their own for key rotation), held locks as rows of locks.
// Every per-state query is an index lookup or an index range read
// backwards (plan_test.go checks it with EXPLAIN). State names sort
// bytewise (COLLATE "C"), as on SQLite, whatever the database's collation.
// The schema is created and upgraded by numbered migrations embedded in
// the binary (migrations/NNNN_*.sql), applied in one transaction at Open
// and recorded in schema_migrations; a database written by a newer
// infractl is refused rather than misread. Give the store a database, or
// a schema (search_path=... in the DSN), of its own: its table names
// (states, versions, blobs, locks, schema_migrations) are plain ones
// another application may use too.
package postgres
