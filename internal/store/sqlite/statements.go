package sqlite

import (
	"context"
	"database/sql"
)

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

// SQL of every statement, prepared once at Open.
const (
	sqlRecord     = `SELECT ` + recordCols + recordFrom + `WHERE s.name = ?`
	sqlAllRecords = `SELECT ` + recordCols + recordFrom + `ORDER BY s.name`
	// Driven by the locks table (CROSS JOIN fixes the order), which holds
	// only held locks, rather than by a scan of every state.
	sqlLockRecords = `SELECT ` + recordCols + ` FROM locks l
		CROSS JOIN states s ON s.id = l.state_id
		LEFT JOIN versions v ON v.id = s.current_version_id
		ORDER BY s.name`

	sqlCurrent = `SELECT ` + versionCols + `
		FROM states s JOIN versions v ON v.id = s.current_version_id WHERE s.name = ?`
	sqlBlob          = `SELECT ` + blobCols + ` FROM blobs b WHERE b.version_id = ?`
	sqlVersionByName = `SELECT ` + versionCols + `, ` + blobCols + `
		FROM states s JOIN versions v ON v.state_id = s.id JOIN blobs b ON b.version_id = v.id
		WHERE s.name = ? AND v.serial = ? ORDER BY v.id DESC LIMIT 1`
	sqlVersionByID = `SELECT ` + versionCols + `, ` + blobCols + `
		FROM versions v JOIN blobs b ON b.version_id = v.id
		WHERE v.state_id = ? AND v.serial = ? ORDER BY v.id DESC LIMIT 1`
	sqlStateID  = `SELECT id FROM states WHERE name = ?`
	sqlVersions = `SELECT ` + versionCols + ` FROM versions v
		WHERE v.state_id = ? AND v.id < ? ORDER BY v.id DESC LIMIT ?`

	sqlInsertState = `INSERT INTO states (name) VALUES (?) RETURNING id`
	sqlUpsertLock  = `INSERT INTO locks (state_id, lock_id, operation, info, who, version, created, path, remote_addr, acquired_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (state_id) DO UPDATE SET lock_id = excluded.lock_id, operation = excluded.operation,
			info = excluded.info, who = excluded.who, version = excluded.version, created = excluded.created,
			path = excluded.path, remote_addr = excluded.remote_addr, acquired_at = excluded.acquired_at`
	sqlEverLocked    = `UPDATE states SET ever_locked = 1 WHERE id = ? AND ever_locked = 0`
	sqlDeleteLock    = `DELETE FROM locks WHERE state_id = ?`
	sqlInsertVersion = `INSERT INTO versions (state_id, generation, serial, lineage, sha256, md5, size, stored_size,
			resources, data_resources, outputs, terraform_version, lock_id, who, remote_addr, created_at, rolled_back_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlInsertBlob  = `INSERT INTO blobs (version_id, encoding, data, wrapped_key, key_id) VALUES (?, ?, ?, ?, ?)`
	sqlSetCurrent  = `UPDATE states SET current_version_id = ?, generation = ?, deleted_at = NULL WHERE id = ?`
	sqlMarkDeleted = `UPDATE states SET current_version_id = NULL, deleted_at = ? WHERE id = ?`

	// one savepoint per Update call in a batch (see writer.go)
	sqlSavepoint  = `SAVEPOINT call`
	sqlRollbackTo = `ROLLBACK TO call`
	sqlRelease    = `RELEASE call`
)

// statements holds the prepared statements: those used inside Update on
// the write connection, the others on the read pool.
type statements struct {
	// write connection
	wRecord, wStateID, wVersion, wInsertState, wUpsertLock, wEverLocked, wDeleteLock,
	wInsertVersion, wInsertBlob, wSetCurrent, wMarkDeleted,
	wSavepoint, wRollbackTo, wRelease *sql.Stmt
	// read pool
	rRecord, rAllRecords, rLockRecords, rCurrent, rBlob, rVersion, rStateID, rVersions *sql.Stmt

	all []*sql.Stmt
}

func (st *statements) prepare(ctx context.Context, w, r *sql.DB) error {
	for _, p := range []struct {
		db   *sql.DB
		dst  **sql.Stmt
		text string
	}{
		{w, &st.wRecord, sqlRecord},
		{w, &st.wStateID, sqlStateID},
		{w, &st.wVersion, sqlVersionByID},
		{w, &st.wInsertState, sqlInsertState},
		{w, &st.wUpsertLock, sqlUpsertLock},
		{w, &st.wEverLocked, sqlEverLocked},
		{w, &st.wDeleteLock, sqlDeleteLock},
		{w, &st.wInsertVersion, sqlInsertVersion},
		{w, &st.wInsertBlob, sqlInsertBlob},
		{w, &st.wSetCurrent, sqlSetCurrent},
		{w, &st.wMarkDeleted, sqlMarkDeleted},
		{w, &st.wSavepoint, sqlSavepoint},
		{w, &st.wRollbackTo, sqlRollbackTo},
		{w, &st.wRelease, sqlRelease},
		{r, &st.rRecord, sqlRecord},
		{r, &st.rAllRecords, sqlAllRecords},
		{r, &st.rLockRecords, sqlLockRecords},
		{r, &st.rCurrent, sqlCurrent},
		{r, &st.rBlob, sqlBlob},
		{r, &st.rVersion, sqlVersionByName},
		{r, &st.rStateID, sqlStateID},
		{r, &st.rVersions, sqlVersions},
	} {
		stmt, err := p.db.PrepareContext(ctx, p.text)
		if err != nil {
			return err
		}
		*p.dst = stmt
		st.all = append(st.all, stmt)
	}
	return nil
}

func (st *statements) close() {
	for _, s := range st.all {
		s.Close()
	}
	st.all = nil
}
