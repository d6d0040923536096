package statestore

import (
	"time"

	"github.com/infractl/infractl/internal/tfstate"
)

// LockInfo is Terraform's lock information exactly as the http backend
// sends it in a LOCK body (statemgr.LockInfo, capitalised JSON keys), so
// that a refused LOCK can answer with the holder's info in the form
// Terraform decodes.
type LockInfo struct {
	ID        string    `json:"ID"`
	Operation string    `json:"Operation"`
	Info      string    `json:"Info"`
	Who       string    `json:"Who"`
	Version   string    `json:"Version"`
	Created   time.Time `json:"Created"`
	Path      string    `json:"Path"`
}

// Lock is a held lock: the holder's lock info plus what the server saw when
// it was taken, so `infractl locks` can say who holds it, from where and
// for how long.
type Lock struct {
	Info LockInfo `json:"info"`
	// RemoteAddr is the client address the LOCK came from.
	RemoteAddr string `json:"remote_addr"`
	// AcquiredAt is the server's clock when the lock was taken, at
	// microsecond precision (what every store keeps).
	AcquiredAt time.Time `json:"acquired_at"`
}

// VersionMeta describes one immutable version of a state: everything the
// history, the lineage/serial rules and the listings need without reading
// the body.
type VersionMeta struct {
	// ID is assigned by the store, increases with every version of a
	// state, and is the cursor of Versions.
	ID int64 `json:"id"`
	// Generation increases when a deleted state is written again, so a
	// state's history is never lost; serials are unique within one
	// generation.
	Generation int    `json:"generation"`
	Serial     uint64 `json:"serial"`
	Lineage    string `json:"lineage"`
	// SHA256 is the hex SHA-256 of the body; an equal serial with an equal
	// digest is the same state.
	SHA256 string `json:"sha256"`
	// MD5 is the body's MD5, kept so GET can answer with Content-MD5
	// without hashing the body again.
	MD5 []byte `json:"md5"`
	// Size is the body's length in bytes; StoredSize what the store keeps
	// after encoding.
	Size       int64 `json:"size"`
	StoredSize int64 `json:"stored_size"`
	// Resources counts managed resources, DataResources data sources,
	// Outputs root outputs; together they tell whether the state is empty.
	Resources        int    `json:"resources"`
	DataResources    int    `json:"data_resources"`
	Outputs          int    `json:"outputs"`
	TerraformVersion string `json:"terraform_version"`
	// LockID is the lock the write was made under, empty when the state
	// was not locked; Who is that lock's holder (or the rollback's author).
	LockID     string `json:"lock_id,omitempty"`
	Who        string `json:"who,omitempty"`
	RemoteAddr string `json:"remote_addr"`
	// CreatedAt is the server's clock at the write, microsecond precision.
	CreatedAt time.Time `json:"created_at"`
	// RolledBackFrom is the serial a rollback copied, nil for a normal
	// write (serial 0 is a valid serial, hence the pointer).
	RolledBackFrom *uint64 `json:"rolled_back_from,omitempty"`
}

// IsEmpty reports whether the version holds no resources and no outputs:
// like Terraform, the server lets any state replace an empty one whatever
// its lineage and serial.
func (v *VersionMeta) IsEmpty() bool {
	return v == nil || (v.Resources == 0 && v.DataResources == 0 && v.Outputs == 0)
}

// Blob is a state body as stored: encoded (compressed, later encrypted) by
// the service's Codec before it reaches the store. Stores keep every field
// as given and never interpret Data.
type Blob struct {
	// Data is the stored bytes.
	Data []byte
	// Encoding names how Data was produced from the state JSON, e.g.
	// "identity", "zstd", "zstd+aes256gcm"; the Codec decodes by it.
	Encoding string
	// WrappedKey is the per-version data key wrapped by a master key, nil
	// when the body is not encrypted. Stores keep it in its own column so
	// key rotation re-wraps keys without rewriting bodies.
	WrappedKey []byte
	// KeyID names the master key that wrapped WrappedKey.
	KeyID string
}

// StateRecord is everything the rules need to decide about one state, read
// inside the transaction that will change it, and what the listings show.
type StateRecord struct {
	Name string `json:"name"`
	// Current is the newest version, nil when the state was never written
	// or was deleted.
	Current *VersionMeta `json:"current,omitempty"`
	// Lock is the held lock, nil when unlocked.
	Lock *Lock `json:"lock,omitempty"`
	// EverLocked is set once a lock was first taken; from then on writes
	// without a lock ID are refused.
	EverLocked bool `json:"ever_locked"`
	// Generation is the generation of Current, or of the last version
	// before a delete; 0 when the state was never written.
	Generation int `json:"generation"`
	// DeletedAt is when the state was deleted, zero unless Current is nil
	// because of a delete.
	DeletedAt time.Time `json:"deleted_at,omitzero"`
}

// Exists reports whether the store had a row for the state, that is it was
// ever locked or written.
func (r *StateRecord) Exists() bool {
	return r.EverLocked || r.Generation > 0 || r.Lock != nil || r.Current != nil
}

// nextGeneration is the generation a new version gets: the current one
// while the state has a current version, the next one after a delete (or
// 1 for the first write).
func (r *StateRecord) nextGeneration() int {
	if r.Current == nil {
		return r.Generation + 1
	}
	return r.Generation
}

// incoming is what the write rules know about a body being written.
type incoming struct {
	meta   tfstate.Meta
	sha256 string
}
