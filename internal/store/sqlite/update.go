package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

// tx implements statestore.Tx over a *sql.Tx.
type tx struct {
	ctx  context.Context
	s    *Store
	tx   *sql.Tx
	name string
	// stateID is the state's row id once known, 0 while the state has no
	// row; looked up is set once Record or ensureState looked.
	stateID  int64
	lookedUp bool
	// everLocked mirrors the row's ever_locked once known, to skip
	// setting it again.
	everLocked bool
	// dbErr is set when a statement failed: the transaction may then be
	// unusable (SQLite rolls back on some errors by itself), so the
	// writer abandons the whole batch instead of a savepoint.
	dbErr bool
}

func (t *tx) stmt(st *sql.Stmt) *sql.Stmt { return t.tx.StmtContext(t.ctx, st) }

func (t *tx) wrap(what string, err error) error {
	t.dbErr = true
	return fmt.Errorf("state %s: %s: %w", t.name, what, mapErr(err))
}

// Record reads the state's row with its current version and lock.
func (t *tx) Record() (*statestore.StateRecord, error) {
	id, rec, err := scanRecord(t.stmt(t.s.stmts.wRecord).QueryRow(t.name))
	t.lookedUp = true
	if errors.Is(err, sql.ErrNoRows) {
		t.stateID = 0
		return &statestore.StateRecord{Name: t.name}, nil
	}
	if err != nil {
		return nil, t.wrap("reading record", err)
	}
	t.stateID = id
	t.everLocked = rec.EverLocked
	return rec, nil
}

// ensureState returns the state's row id, creating the row on first use.
func (t *tx) ensureState() (int64, error) {
	id, err := t.ensureStateIfExists()
	if err != nil || id != 0 {
		return id, err
	}
	if err := t.stmt(t.s.stmts.wInsertState).QueryRow(t.name).Scan(&t.stateID); err != nil {
		return 0, t.wrap("creating state", err)
	}
	return t.stateID, nil
}

// Version reads the newest version with the given serial and its body.
func (t *tx) Version(serial uint64) (statestore.VersionMeta, statestore.Blob, error) {
	var blob statestore.Blob
	id, err := t.ensureStateIfExists()
	if err != nil {
		return statestore.VersionMeta{}, blob, err
	}
	if id == 0 {
		return statestore.VersionMeta{}, blob, fmt.Errorf("state %s: no version with serial %d: %w", t.name, serial, statestore.ErrNotFound)
	}
	v, err := scanVersion(t.stmt(t.s.stmts.wVersion).QueryRow(id, int64(serial)), &blob)
	if errors.Is(err, sql.ErrNoRows) {
		return v, blob, fmt.Errorf("state %s: no version with serial %d: %w", t.name, serial, statestore.ErrNotFound)
	}
	if err != nil {
		return v, blob, t.wrap("reading version", err)
	}
	return v, blob, nil
}

// ensureStateIfExists returns the state's row id without creating it (0
// when there is none).
func (t *tx) ensureStateIfExists() (int64, error) {
	if t.lookedUp {
		return t.stateID, nil
	}
	err := t.stmt(t.s.stmts.wStateID).QueryRow(t.name).Scan(&t.stateID)
	t.lookedUp = true
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, t.wrap("reading state id", err)
	}
	return t.stateID, nil
}

// PutLock stores the held lock and marks the state as ever locked.
func (t *tx) PutLock(l statestore.Lock) error {
	id, err := t.ensureState()
	if err != nil {
		return err
	}
	created, err := l.Info.Created.MarshalText()
	if err != nil {
		return fmt.Errorf("state %s: lock info Created: %w", t.name, err)
	}
	if _, err := t.stmt(t.s.stmts.wUpsertLock).Exec(id, l.Info.ID, l.Info.Operation, l.Info.Info, l.Info.Who,
		l.Info.Version, string(created), l.Info.Path, l.RemoteAddr, l.AcquiredAt.UnixMicro()); err != nil {
		return t.wrap("storing lock", err)
	}
	if !t.everLocked {
		if _, err := t.stmt(t.s.stmts.wEverLocked).Exec(id); err != nil {
			return t.wrap("storing lock", err)
		}
		t.everLocked = true
	}
	return nil
}

// DeleteLock removes the held lock, if any.
func (t *tx) DeleteLock() error {
	id, err := t.ensureStateIfExists()
	if err != nil || id == 0 {
		return err
	}
	if _, err := t.stmt(t.s.stmts.wDeleteLock).Exec(id); err != nil {
		return t.wrap("removing lock", err)
	}
	return nil
}

// InsertVersion appends a version and its blob and makes it current.
func (t *tx) InsertVersion(v statestore.VersionMeta, body statestore.Blob) (statestore.VersionMeta, error) {
	id, err := t.ensureState()
	if err != nil {
		return v, err
	}
	var rolledBackFrom any
	if v.RolledBackFrom != nil {
		rolledBackFrom = int64(*v.RolledBackFrom)
	}
	md5 := v.MD5
	if md5 == nil {
		md5 = []byte{}
	}
	res, err := t.stmt(t.s.stmts.wInsertVersion).Exec(id, v.Generation, int64(v.Serial), v.Lineage, v.SHA256, md5,
		v.Size, int64(len(body.Data)), v.Resources, v.DataResources, v.Outputs, v.TerraformVersion, v.LockID, v.Who,
		v.RemoteAddr, v.CreatedAt.UnixMicro(), rolledBackFrom)
	if err != nil {
		return v, t.wrap("inserting version", err)
	}
	if v.ID, err = res.LastInsertId(); err != nil {
		return v, t.wrap("inserting version", err)
	}
	data := body.Data
	if data == nil {
		data = []byte{}
	}
	if _, err := t.stmt(t.s.stmts.wInsertBlob).Exec(v.ID, body.Encoding, data, body.WrappedKey, body.KeyID); err != nil {
		return v, t.wrap("inserting body", err)
	}
	if _, err := t.stmt(t.s.stmts.wSetCurrent).Exec(v.ID, v.Generation, id); err != nil {
		return v, t.wrap("setting current version", err)
	}
	v.StoredSize = int64(len(body.Data))
	v.CreatedAt = micros(v.CreatedAt.UnixMicro())
	return v, nil
}

// MarkDeleted clears the current version and records when.
func (t *tx) MarkDeleted(at time.Time) error {
	id, err := t.ensureStateIfExists()
	if err != nil || id == 0 {
		return err
	}
	if _, err := t.stmt(t.s.stmts.wMarkDeleted).Exec(at.UnixMicro(), id); err != nil {
		return t.wrap("marking deleted", err)
	}
	return nil
}
