-- States, their immutable versions, the versions' bodies and held locks:
-- the SQLite store's layout (internal/store/sqlite/migrations), in
-- PostgreSQL's types. Serials are uint64 stored as their int64 bit pattern
-- (only compared for equality); times are timestamptz (microseconds, UTC
-- as given), except a lock's Created, kept as RFC 3339 text with its offset
-- and nanoseconds exactly as Terraform sent it.

CREATE TABLE states (
    id                 bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- byte order, as SQLite sorts, whatever the database's collation
    name               text    COLLATE "C" NOT NULL UNIQUE,
    -- generation of the current version, or of the last one before a delete
    generation         integer NOT NULL DEFAULT 0,
    current_version_id bigint,
    ever_locked        boolean NOT NULL DEFAULT false,
    deleted_at         timestamptz
);

CREATE TABLE versions (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state_id          bigint      NOT NULL REFERENCES states (id),
    generation        integer     NOT NULL,
    serial            bigint      NOT NULL,
    lineage           text        NOT NULL,
    sha256            text        NOT NULL,
    md5               bytea       NOT NULL,
    size              bigint      NOT NULL,
    stored_size       bigint      NOT NULL,
    resources         integer     NOT NULL,
    data_resources    integer     NOT NULL,
    outputs           integer     NOT NULL,
    terraform_version text        NOT NULL,
    lock_id           text        NOT NULL,
    who               text        NOT NULL,
    remote_addr       text        NOT NULL,
    created_at        timestamptz NOT NULL,
    rolled_back_from  bigint
);

ALTER TABLE states ADD FOREIGN KEY (current_version_id) REFERENCES versions (id);

-- History newest first: an index range scanned backwards, no sort.
CREATE INDEX versions_by_state ON versions (state_id, id);
-- Version by serial; the newest such version is the last id in the range.
CREATE INDEX versions_by_serial ON versions (state_id, serial, id);

-- Bodies apart from metadata, so listings never page through them. The
-- wrapped data key and its master key id are columns of their own, so key
-- rotation rewrites them without touching data.
CREATE TABLE blobs (
    version_id  bigint PRIMARY KEY REFERENCES versions (id),
    encoding    text   NOT NULL,
    data        bytea  NOT NULL,
    wrapped_key bytea,
    key_id      text   NOT NULL DEFAULT ''
);
-- Bodies arrive compressed (and later encrypted): stored out of line
-- without PostgreSQL's own compression, which would only burn CPU.
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;

-- One row per held lock; the table is the index of held locks.
CREATE TABLE locks (
    state_id    bigint      PRIMARY KEY REFERENCES states (id),
    lock_id     text        NOT NULL,
    operation   text        NOT NULL,
    info        text        NOT NULL,
    who         text        NOT NULL,
    version     text        NOT NULL,
    created     text        NOT NULL,
    path        text        NOT NULL,
    remote_addr text        NOT NULL,
    acquired_at timestamptz NOT NULL
);
