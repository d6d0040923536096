// Package sqlite is infractl's embedded state store: a statestore.Store in
// one SQLite database file, <data dir>/state.db, through modernc.org/sqlite
// (pure Go, so the binary needs no C toolchain).
//
// Concurrency. The database runs in WAL mode. Writes go through one
// dedicated connection owned by one goroutine; every transaction on it is
// BEGIN IMMEDIATE, so the write lock is taken before a state's record is
// read and read-modify-write cycles never interleave, within this process
// or with another process on the same file (which waits up to
// Options.BusyTimeout, then gets ErrUnavailable). The goroutine runs the
// Update calls waiting for it in batches, one transaction with a
// SAVEPOINT per call (writer.go): the calls still run one after another,
// but a batch pays one commit, and the write connection is not handed
// from one client goroutine to the next. Reads use a separate pool of
// query-only connections and see the last committed transaction without
// waiting for the writer.
//
// Durability. synchronous=NORMAL in WAL mode: a transaction is in the WAL,
// written with write(2), before Update returns, so it survives the process
// being killed (SIGKILL, OOM, panic) at any moment; only checkpoints fsync.
// crash_test.go kills a writing child process at random and checks that
// every acknowledged write and lock is there and the database is intact.
// After a power loss or kernel crash the last transactions before the
// crash may be missing, but the database is never corrupt. That is the
// trade SQLite recommends for WAL; FULL would add an fsync to every commit.
//
// Layout. Metadata and bodies live in separate tables (versions and
// blobs), so listing history never reads a body; a state's current version
// is a column of its row; held locks are the rows of the locks table. The
// schema is created and upgraded by numbered migrations embedded in the
// binary (migrations/NNNN_*.sql), applied in one transaction at Open and
// recorded in schema_migrations; a database written by a newer infractl is
// refused rather than misread. The data directory is made 0700 and the
// database file 0600 (SQLite gives its -wal and -shm files the same mode),
// because states hold secrets.
package sqlite
