package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/infractl/infractl/internal/statestore"
)

// read runs op on a pooled connection within Options.Timeout. A read is
// idempotent, so when the connection turns out dead (PostgreSQL restarted
// since it was made) it runs once more on a new one, and once more after
// a conflict (a prepared statement outdated by a schema change). Its error is op's,
// mapped by mapErr; pgx.ErrNoRows passes through for the caller.
func (s *Store) read(ctx context.Context, op func(ctx context.Context, conn *pgx.Conn) error) error {
	if s.closed.Load() {
		return errClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	octx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		pc, err := s.pool.acquire(octx)
		if err != nil {
			return mapErr(ctx, err, s.opts.Timeout)
		}
		err = op(octx, pc.conn)
		s.pool.release(pc, !connectionLost(err))
		if err == nil || errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if connectionLost(err) && octx.Err() == nil {
			s.pool.reset()
			if attempt == 0 {
				continue
			}
		}
		if conflict(err) && attempt == 0 && octx.Err() == nil {
			continue
		}
		return mapErr(ctx, err, s.opts.Timeout)
	}
}

// State reads one state's record.
func (s *Store) State(ctx context.Context, name string) (statestore.StateRecord, error) {
	var rec *statestore.StateRecord
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) (err error) {
		_, rec, err = scanRecord(conn.QueryRow(ctx, sqlRecord, name))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return statestore.StateRecord{}, fmt.Errorf("state %s: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return statestore.StateRecord{}, fmt.Errorf("state %s: reading record: %w", name, err)
	}
	return *rec, nil
}

// Current reads the current version's metadata.
func (s *Store) Current(ctx context.Context, name string) (statestore.VersionMeta, error) {
	var v statestore.VersionMeta
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) (err error) {
		v, err = scanVersion(conn.QueryRow(ctx, sqlCurrent, name), nil)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("state %s has no current version: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("state %s: reading current version: %w", name, err)
	}
	return v, nil
}

// Blob reads one version's body.
func (s *Store) Blob(ctx context.Context, versionID int64) (statestore.Blob, error) {
	var b statestore.Blob
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		b = statestore.Blob{}
		return conn.QueryRow(ctx, sqlBlob, versionID).Scan(&b.Encoding, &b.Data, &b.WrappedKey, &b.KeyID)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return b, fmt.Errorf("version %d: %w", versionID, statestore.ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("version %d: reading body: %w", versionID, err)
	}
	return b, nil
}

// Version reads the newest version with the given serial and its blob.
func (s *Store) Version(ctx context.Context, name string, serial uint64) (statestore.VersionMeta, statestore.Blob, error) {
	var (
		v    statestore.VersionMeta
		blob statestore.Blob
	)
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) (err error) {
		blob = statestore.Blob{}
		v, err = scanVersion(conn.QueryRow(ctx, sqlVersionByName, name, int64(serial)), &blob)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return v, blob, fmt.Errorf("state %s: no version with serial %d: %w", name, serial, statestore.ErrNotFound)
	}
	if err != nil {
		return v, blob, fmt.Errorf("state %s: reading version %d: %w", name, serial, err)
	}
	return v, blob, nil
}

// Versions lists version metadata newest first without reading bodies,
// in one statement, so the page is consistent.
func (s *Store) Versions(ctx context.Context, name string, beforeID int64, limit int) ([]statestore.VersionMeta, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	var vs []statestore.VersionMeta
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		vs = []statestore.VersionMeta{}
		rows, err := conn.Query(ctx, sqlVersions, name, beforeID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		found := false
		for rows.Next() {
			found = true
			var stateID int64
			v, err := scanVersion(rows, nil, &stateID)
			if err != nil {
				return err
			}
			if v.ID != 0 {
				vs = append(vs, v)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !found {
			return pgx.ErrNoRows
		}
		return nil
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("state %s: %w", name, statestore.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("state %s: listing versions: %w", name, err)
	}
	return vs, nil
}

// States lists every state's record by name.
func (s *Store) States(ctx context.Context) ([]statestore.StateRecord, error) {
	return s.records(ctx, sqlAllRecords, "listing states")
}

// Locks lists the records of locked states by name.
func (s *Store) Locks(ctx context.Context) ([]statestore.StateRecord, error) {
	return s.records(ctx, sqlLockRecords, "listing locks")
}

func (s *Store) records(ctx context.Context, query, what string) ([]statestore.StateRecord, error) {
	var recs []statestore.StateRecord
	err := s.read(ctx, func(ctx context.Context, conn *pgx.Conn) error {
		recs = []statestore.StateRecord{}
		rows, err := conn.Query(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			_, rec, err := scanRecord(rows)
			if err != nil {
				return err
			}
			recs = append(recs, *rec)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return recs, nil
}
