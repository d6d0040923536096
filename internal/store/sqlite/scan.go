package sqlite

import (
	"database/sql"
	"time"

	"github.com/infractl/infractl/internal/statestore"
)

// scanner is *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// micros converts a stored unix-microseconds value to the UTC time the
// service gave.
func micros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullVersion receives versionCols from a LEFT JOIN, where every column
// may be NULL.
type nullVersion struct {
	id, generation, serial, size, storedSize, resources, dataResources, outputs, createdAt, rolledBackFrom sql.NullInt64
	lineage, sha256, terraformVersion, lockID, who, remoteAddr                                             sql.NullString
	md5                                                                                                    []byte
}

func (n *nullVersion) dest() []any {
	return []any{&n.id, &n.generation, &n.serial, &n.lineage, &n.sha256, &n.md5, &n.size, &n.storedSize,
		&n.resources, &n.dataResources, &n.outputs, &n.terraformVersion, &n.lockID, &n.who,
		&n.remoteAddr, &n.createdAt, &n.rolledBackFrom}
}

// meta returns the version, or nil when the join found none.
func (n *nullVersion) meta() *statestore.VersionMeta {
	if !n.id.Valid {
		return nil
	}
	v := &statestore.VersionMeta{
		ID:               n.id.Int64,
		Generation:       int(n.generation.Int64),
		Serial:           uint64(n.serial.Int64),
		Lineage:          n.lineage.String,
		SHA256:           n.sha256.String,
		MD5:              n.md5,
		Size:             n.size.Int64,
		StoredSize:       n.storedSize.Int64,
		Resources:        int(n.resources.Int64),
		DataResources:    int(n.dataResources.Int64),
		Outputs:          int(n.outputs.Int64),
		TerraformVersion: n.terraformVersion.String,
		LockID:           n.lockID.String,
		Who:              n.who.String,
		RemoteAddr:       n.remoteAddr.String,
		CreatedAt:        micros(n.createdAt.Int64),
	}
	if n.rolledBackFrom.Valid {
		from := uint64(n.rolledBackFrom.Int64)
		v.RolledBackFrom = &from
	}
	return v
}

// nullLock receives lockCols from a LEFT JOIN.
type nullLock struct {
	id, operation, info, who, version, created, path, remoteAddr sql.NullString
	acquiredAt                                                   sql.NullInt64
}

func (n *nullLock) dest() []any {
	return []any{&n.id, &n.operation, &n.info, &n.who, &n.version, &n.created, &n.path, &n.remoteAddr, &n.acquiredAt}
}

// lock returns the held lock, or nil when the join found none.
func (n *nullLock) lock() (*statestore.Lock, error) {
	if !n.id.Valid {
		return nil, nil
	}
	l := &statestore.Lock{
		Info: statestore.LockInfo{
			ID:        n.id.String,
			Operation: n.operation.String,
			Info:      n.info.String,
			Who:       n.who.String,
			Version:   n.version.String,
			Path:      n.path.String,
		},
		RemoteAddr: n.remoteAddr.String,
		AcquiredAt: micros(n.acquiredAt.Int64),
	}
	if err := l.Info.Created.UnmarshalText([]byte(n.created.String)); err != nil {
		return nil, err
	}
	return l, nil
}

// scanRecord reads recordCols into a record and returns the state's row id.
func scanRecord(row scanner) (int64, *statestore.StateRecord, error) {
	var (
		id         int64
		rec        statestore.StateRecord
		everLocked int64
		deletedAt  sql.NullInt64
		v          nullVersion
		l          nullLock
	)
	dest := append([]any{&id, &rec.Name, &rec.Generation, &everLocked, &deletedAt}, v.dest()...)
	if err := row.Scan(append(dest, l.dest()...)...); err != nil {
		return 0, nil, err
	}
	rec.EverLocked = everLocked != 0
	if deletedAt.Valid {
		rec.DeletedAt = micros(deletedAt.Int64)
	}
	rec.Current = v.meta()
	lock, err := l.lock()
	if err != nil {
		return 0, nil, err
	}
	rec.Lock = lock
	return id, &rec, nil
}

// scanVersion reads versionCols, followed by blobCols when blob is not nil.
func scanVersion(row scanner, blob *statestore.Blob) (statestore.VersionMeta, error) {
	var n nullVersion
	dest := n.dest()
	if blob != nil {
		dest = append(dest, &blob.Encoding, &blob.Data, &blob.WrappedKey, &blob.KeyID)
	}
	if err := row.Scan(dest...); err != nil {
		return statestore.VersionMeta{}, err
	}
	return *n.meta(), nil
}
