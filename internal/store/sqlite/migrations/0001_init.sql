-- States, their immutable versions, the versions' bodies and held locks.
-- Times are unix microseconds (UTC); serials are uint64 stored as their
-- int64 bit pattern (only compared for equality).

CREATE TABLE states (
    id                 INTEGER PRIMARY KEY,
    name               TEXT    NOT NULL UNIQUE,
    -- generation of the current version, or of the last one before a delete
    generation         INTEGER NOT NULL DEFAULT 0,
    current_version_id INTEGER REFERENCES versions (id),
    ever_locked        INTEGER NOT NULL DEFAULT 0,
    deleted_at         INTEGER
) STRICT;

CREATE TABLE versions (
    id                INTEGER PRIMARY KEY,
    state_id          INTEGER NOT NULL REFERENCES states (id),
    generation        INTEGER NOT NULL,
    serial            INTEGER NOT NULL,
    lineage           TEXT    NOT NULL,
    sha256            TEXT    NOT NULL,
    md5               BLOB    NOT NULL,
    size              INTEGER NOT NULL,
    stored_size       INTEGER NOT NULL,
    resources         INTEGER NOT NULL,
    data_resources    INTEGER NOT NULL,
    outputs           INTEGER NOT NULL,
    terraform_version TEXT    NOT NULL,
    lock_id           TEXT    NOT NULL,
    who               TEXT    NOT NULL,
    remote_addr       TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    rolled_back_from  INTEGER
) STRICT;

-- History newest first (the rowid id is the implicit last column).
CREATE INDEX versions_by_state ON versions (state_id);
-- Version by serial; the newest such version is the last id in the range.
CREATE INDEX versions_by_serial ON versions (state_id, serial);

-- Bodies apart from metadata, so listings never page through them. The
-- wrapped data key and its master key id are columns of their own, so key
-- rotation rewrites them without touching data.
CREATE TABLE blobs (
    version_id  INTEGER PRIMARY KEY REFERENCES versions (id),
    encoding    TEXT    NOT NULL,
    data        BLOB    NOT NULL,
    wrapped_key BLOB,
    key_id      TEXT    NOT NULL DEFAULT ''
) STRICT;

-- One row per held lock; the table is the index of held locks.
CREATE TABLE locks (
    state_id    INTEGER PRIMARY KEY REFERENCES states (id),
    lock_id     TEXT    NOT NULL,
    operation   TEXT    NOT NULL,
    info        TEXT    NOT NULL,
    who         TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    -- LockInfo.Created exactly as RFC 3339 with its offset and nanoseconds
    created     TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL,
    acquired_at INTEGER NOT NULL
) STRICT;
