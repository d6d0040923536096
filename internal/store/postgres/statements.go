package postgres

// Column lists shared by the queries and the scanners in scan.go; their
// order is the order the scanners read.
const (
	versionCols = `v.id, v.generation, v.serial, v.lineage, v.sha256, v.md5, v.size, v.stored_size,
		v.resources, v.data_resources, v.outputs, v.terraform_version, v.lock_id, v.who,
		v.remote_addr, v.created_at, v.rolled_back_from`
	blobCols   = `b.encoding, b.data, b.wrapped_key, b.key_id`
	lockCols   = `l.lock_id, l.operation, l.info, l.who, l.version, l.created, l.path, l.remote_addr, l.acquired_at`
	recordCols = `s.id, s.name, s.generation, s.ever_locked, s.deleted_at, ` + versionCols + `, ` + lockCols

	recordFrom = ` FROM states s
		LEFT JOIN versions v ON v.id = s.current_version_id
		LEFT JOIN locks l ON l.state_id = s.id `
)

// SQL of every statement. pgx prepares each once per connection and
// caches it (QueryExecModeCacheStatement), so they are named constants
// rather than prepared by hand.
const (
	sqlRecord     = `SELECT ` + recordCols + recordFrom + `WHERE s.name = $1`
	sqlRecordByID = `SELECT ` + recordCols + recordFrom + `WHERE s.id = $1`
	sqlAllRecords = `SELECT ` + recordCols + recordFrom + `ORDER BY s.name`
	// Driven by the locks table, which holds only held locks, rather
	// than by a scan of every state.
	sqlLockRecords = `SELECT ` + recordCols + ` FROM locks l
		JOIN states s ON s.id = l.state_id
		LEFT JOIN versions v ON v.id = s.current_version_id
		ORDER BY s.name`

	sqlCurrent = `SELECT ` + versionCols + `
		FROM states s JOIN versions v ON v.id = s.current_version_id WHERE s.name = $1`
	sqlBlob = `SELECT ` + blobCols + ` FROM blobs b WHERE b.version_id = $1`
	// The newest version with the serial is the last entry of an index
	// range, read backwards (LATERAL ... LIMIT 1), with no sort.
	sqlVersionByName = `SELECT ` + versionCols + `, ` + blobCols + `
		FROM states s
		CROSS JOIN LATERAL (SELECT * FROM versions v WHERE v.state_id = s.id AND v.serial = $2
			ORDER BY v.id DESC LIMIT 1) v
		JOIN blobs b ON b.version_id = v.id
		WHERE s.name = $1`
	sqlVersionByID = `SELECT ` + versionCols + `, ` + blobCols + `
		FROM versions v JOIN blobs b ON b.version_id = v.id
		WHERE v.state_id = $1 AND v.serial = $2 ORDER BY v.id DESC LIMIT 1`
	// One statement, so one snapshot: the state's existence and its page
	// of history agree. A state without versions gives one row of NULLs.
	sqlVersions = `SELECT s.id, ` + versionCols + ` FROM states s
		LEFT JOIN LATERAL (SELECT * FROM versions v WHERE v.state_id = s.id AND v.id < $2
			ORDER BY v.id DESC LIMIT $3) v ON true
		WHERE s.name = $1 ORDER BY v.id DESC`

	// Update's opening, sent in one round trip. The lock is taken by a
	// statement of its own and the record read by the next one: in READ
	// COMMITTED each statement has its own snapshot, so the read, taken
	// after the lock was granted, sees everything the previous holder
	// committed. (A SELECT ... FOR UPDATE joining versions and locks
	// would re-check only the locked states row after waiting, and join
	// it with versions and locks as they were before the wait.)
	sqlBegin     = `BEGIN ISOLATION LEVEL READ COMMITTED`
	sqlLockState = `SELECT id FROM states WHERE name = $1 FOR UPDATE`
	// The row lock needs a row: a state's first Update inserts it (and
	// holds it, being uncommitted); a transaction that writes nothing is
	// rolled back, so the row vanishes with it.
	sqlInsertState = `INSERT INTO states (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id`
	sqlCommit      = `COMMIT`
	sqlRollback    = `ROLLBACK`

	sqlPutLock = `WITH l AS (
			INSERT INTO locks (state_id, lock_id, operation, info, who, version, created, path, remote_addr, acquired_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (state_id) DO UPDATE SET lock_id = excluded.lock_id, operation = excluded.operation,
				info = excluded.info, who = excluded.who, version = excluded.version, created = excluded.created,
				path = excluded.path, remote_addr = excluded.remote_addr, acquired_at = excluded.acquired_at)
		UPDATE states SET ever_locked = true WHERE id = $1 AND NOT ever_locked`
	sqlDeleteLock = `DELETE FROM locks WHERE state_id = $1`
	// The version, its body and the state's current pointer in one
	// statement (one round trip); foreign keys are checked at its end.
	sqlInsertVersion = `WITH v AS (
			INSERT INTO versions (state_id, generation, serial, lineage, sha256, md5, size, stored_size,
				resources, data_resources, outputs, terraform_version, lock_id, who, remote_addr, created_at, rolled_back_from)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
			RETURNING id),
		b AS (
			INSERT INTO blobs (version_id, encoding, data, wrapped_key, key_id)
			SELECT id, $18, $19, $20, $21 FROM v),
		s AS (
			UPDATE states SET current_version_id = (SELECT id FROM v), generation = $2, deleted_at = NULL
			WHERE id = $1)
		SELECT id FROM v`
	sqlMarkDeleted = `UPDATE states SET current_version_id = NULL, deleted_at = $2 WHERE id = $1`
)
