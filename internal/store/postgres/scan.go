package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/infractl/infractl/internal/statestore"
)

// utc returns t as the service gave it: UTC (pgx reads timestamptz in
// the local zone), microseconds being all PostgreSQL keeps.
func utc(t time.Time) time.Time { return t.UTC() }

// nullVersion receives versionCols from a LEFT JOIN, where every column
// may be NULL.
type nullVersion struct {
	id, serial, size, storedSize, rolledBackFrom               *int64
	generation, resources, dataResources, outputs              *int32
	lineage, sha256, terraformVersion, lockID, who, remoteAddr *string
	md5                                                        []byte
	createdAt                                                  *time.Time
}

func (n *nullVersion) dest() []any {
	return []any{&n.id, &n.generation, &n.serial, &n.lineage, &n.sha256, &n.md5, &n.size, &n.storedSize,
		&n.resources, &n.dataResources, &n.outputs, &n.terraformVersion, &n.lockID, &n.who,
		&n.remoteAddr, &n.createdAt, &n.rolledBackFrom}
}

// meta returns the version, or nil when the join found none.
func (n *nullVersion) meta() *statestore.VersionMeta {
	if n.id == nil {
		return nil
	}
	md5 := n.md5
	if md5 == nil {
		md5 = []byte{}
	}
	v := &statestore.VersionMeta{
		ID:               *n.id,
		Generation:       int(*n.generation),
		Serial:           uint64(*n.serial),
		Lineage:          *n.lineage,
		SHA256:           *n.sha256,
		MD5:              md5,
		Size:             *n.size,
		StoredSize:       *n.storedSize,
		Resources:        int(*n.resources),
		DataResources:    int(*n.dataResources),
		Outputs:          int(*n.outputs),
		TerraformVersion: *n.terraformVersion,
		LockID:           *n.lockID,
		Who:              *n.who,
		RemoteAddr:       *n.remoteAddr,
		CreatedAt:        utc(*n.createdAt),
	}
	if n.rolledBackFrom != nil {
		from := uint64(*n.rolledBackFrom)
		v.RolledBackFrom = &from
	}
	return v
}

// nullLock receives lockCols from a LEFT JOIN.
type nullLock struct {
	id, operation, info, who, version, created, path, remoteAddr *string
	acquiredAt                                                   *time.Time
}

func (n *nullLock) dest() []any {
	return []any{&n.id, &n.operation, &n.info, &n.who, &n.version, &n.created, &n.path, &n.remoteAddr, &n.acquiredAt}
}

// lock returns the held lock, or nil when the join found none.
func (n *nullLock) lock() (*statestore.Lock, error) {
	if n.id == nil {
		return nil, nil
	}
	l := &statestore.Lock{
		Info: statestore.LockInfo{
			ID:        *n.id,
			Operation: *n.operation,
			Info:      *n.info,
			Who:       *n.who,
			Version:   *n.version,
			Path:      *n.path,
		},
		RemoteAddr: *n.remoteAddr,
		AcquiredAt: utc(*n.acquiredAt),
	}
	if err := l.Info.Created.UnmarshalText([]byte(*n.created)); err != nil {
		return nil, err
	}
	return l, nil
}

// scanRecord reads recordCols into a record and returns the state's row id.
func scanRecord(row pgx.Row) (int64, *statestore.StateRecord, error) {
	var (
		id         int64
		rec        statestore.StateRecord
		generation int32
		deletedAt  *time.Time
		v          nullVersion
		l          nullLock
	)
	dest := append([]any{&id, &rec.Name, &generation, &rec.EverLocked, &deletedAt}, v.dest()...)
	if err := row.Scan(append(dest, l.dest()...)...); err != nil {
		return 0, nil, err
	}
	rec.Generation = int(generation)
	if deletedAt != nil {
		rec.DeletedAt = utc(*deletedAt)
	}
	rec.Current = v.meta()
	lock, err := l.lock()
	if err != nil {
		return 0, nil, err
	}
	rec.Lock = lock
	return id, &rec, nil
}

// scanVersion reads versionCols (of a row that has a version), followed
// by blobCols when blob is not nil.
func scanVersion(row pgx.Row, blob *statestore.Blob, pre ...any) (statestore.VersionMeta, error) {
	var n nullVersion
	dest := append(pre, n.dest()...)
	if blob != nil {
		dest = append(dest, &blob.Encoding, &blob.Data, &blob.WrappedKey, &blob.KeyID)
	}
	if err := row.Scan(dest...); err != nil {
		return statestore.VersionMeta{}, err
	}
	if m := n.meta(); m != nil {
		return *m, nil
	}
	return statestore.VersionMeta{}, nil
}
