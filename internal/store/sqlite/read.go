package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/infractl/infractl/internal/statestore"
)

// State reads one state's record on the read pool.
func (s *Store) State(ctx context.Context, name string) (statestore.StateRecord, error) {
	if s.closed.Load() {
		return statestore.StateRecord{}, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return statestore.StateRecord{}, err
	}
	defer release()
	_, rec, err := scanRecord(s.stmts.rRecord.QueryRowContext(ctx, name))
	if errors.Is(err, sql.ErrNoRows) {
		return statestore.StateRecord{}, fmt.Errorf("state %s: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return statestore.StateRecord{}, fmt.Errorf("state %s: reading record: %w", name, mapErr(err))
	}
	return *rec, nil
}

// Current reads the current version's metadata.
func (s *Store) Current(ctx context.Context, name string) (statestore.VersionMeta, error) {
	if s.closed.Load() {
		return statestore.VersionMeta{}, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return statestore.VersionMeta{}, err
	}
	defer release()
	v, err := scanVersion(s.stmts.rCurrent.QueryRowContext(ctx, name), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("state %s has no current version: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("state %s: reading current version: %w", name, mapErr(err))
	}
	return v, nil
}

// Blob reads one version's body.
func (s *Store) Blob(ctx context.Context, versionID int64) (statestore.Blob, error) {
	var b statestore.Blob
	if s.closed.Load() {
		return b, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return b, err
	}
	defer release()
	err = s.stmts.rBlob.QueryRowContext(ctx, versionID).Scan(&b.Encoding, &b.Data, &b.WrappedKey, &b.KeyID)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("version %d: %w", versionID, statestore.ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("version %d: reading body: %w", versionID, mapErr(err))
	}
	return b, nil
}

// Version reads the newest version with the given serial and its blob.
func (s *Store) Version(ctx context.Context, name string, serial uint64) (statestore.VersionMeta, statestore.Blob, error) {
	var blob statestore.Blob
	if s.closed.Load() {
		return statestore.VersionMeta{}, blob, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return statestore.VersionMeta{}, blob, err
	}
	defer release()
	v, err := scanVersion(s.stmts.rVersion.QueryRowContext(ctx, name, int64(serial)), &blob)
	if errors.Is(err, sql.ErrNoRows) {
		return v, blob, fmt.Errorf("state %s: no version with serial %d: %w", name, serial, statestore.ErrNotFound)
	}
	if err != nil {
		return v, blob, fmt.Errorf("state %s: reading version %d: %w", name, serial, mapErr(err))
	}
	return v, blob, nil
}

// Versions lists version metadata newest first without reading bodies.
// The state's id and its versions are read in one read transaction, so
// the page is consistent.
func (s *Store) Versions(ctx context.Context, name string, beforeID int64, limit int) ([]statestore.VersionMeta, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("state %s: listing versions: %w", name, mapErr(err))
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var id int64
	err = tx.StmtContext(ctx, s.stmts.rStateID).QueryRowContext(ctx, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("state %s: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("state %s: listing versions: %w", name, mapErr(err))
	}
	rows, err := tx.StmtContext(ctx, s.stmts.rVersions).QueryContext(ctx, id, beforeID, limit)
	if err != nil {
		return nil, fmt.Errorf("state %s: listing versions: %w", name, mapErr(err))
	}
	defer rows.Close()
	vs := []statestore.VersionMeta{}
	for rows.Next() {
		v, err := scanVersion(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("state %s: listing versions: %w", name, mapErr(err))
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state %s: listing versions: %w", name, mapErr(err))
	}
	return vs, nil
}

// States lists every state's record by name.
func (s *Store) States(ctx context.Context) ([]statestore.StateRecord, error) {
	return s.records(ctx, s.stmts.rAllRecords, "listing states")
}

// Locks lists the records of locked states by name.
func (s *Store) Locks(ctx context.Context) ([]statestore.StateRecord, error) {
	return s.records(ctx, s.stmts.rLockRecords, "listing locks")
}

func (s *Store) records(ctx context.Context, stmt *sql.Stmt, what string) ([]statestore.StateRecord, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	release, err := s.readSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := stmt.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	defer rows.Close()
	recs := []statestore.StateRecord{}
	for rows.Next() {
		_, rec, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, mapErr(err))
		}
		recs = append(recs, *rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return recs, nil
}

// readSlot waits for one of the Options.Readers read connections. The
// wait is first come, first served: database/sql hands a freed connection
// to a random waiter, which under load starves some requests for tens of
// milliseconds (the cycle benchmark's p99); a channel's waiters are served
// in order.
func (s *Store) readSlot(ctx context.Context) (release func(), err error) {
	select {
	case s.readers <- struct{}{}:
		return func() { <-s.readers }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
