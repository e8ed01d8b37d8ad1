"""The catalog's SQL schema and its migrations.

Each migration takes the catalog from version ``n`` to ``n + 1`` inside one transaction, after a
copy of the file has been put in the library's ``backups/`` folder. A catalog newer than this
program is refused rather than guessed at.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A watched folder. Photos keep their path relative to it, so a drive mounted elsewhere moves whole.
CREATE TABLE roots (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    added_at     REAL NOT NULL,
    last_scan_at REAL,
    online       INTEGER NOT NULL DEFAULT 1,
    excluded     TEXT NOT NULL DEFAULT '[]'      -- JSON list of excluded sub-folders (relative)
);

-- status: 'pending' (found, not read yet), 'ok' (read), 'error' (unreadable; see error)
CREATE TABLE photos (
    id          INTEGER PRIMARY KEY,
    root_id     INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    relpath     TEXT NOT NULL,
    folder      TEXT NOT NULL,                    -- relpath's parent folder, '' at the root
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    fingerprint TEXT,                             -- SHA-256 (128 bits) of the file's bytes
    width       INTEGER,
    height      INTEGER,
    taken_at    REAL,                             -- wall-clock time as seconds, EXIF or file time
    date_source TEXT,                             -- 'exif' or 'file'
    status      TEXT NOT NULL DEFAULT 'pending',
    error       TEXT,
    added_at    REAL NOT NULL,
    UNIQUE (root_id, relpath)
);
CREATE INDEX photos_fingerprint ON photos (fingerprint);
CREATE INDEX photos_folder ON photos (root_id, folder);
CREATE INDEX photos_status ON photos (status);

-- The vectors are the source of truth; the HNSW files are derived from them.
-- seq grows with every write for a model, so an index file knows what it has not seen yet.
CREATE TABLE embeddings (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    model    TEXT NOT NULL,
    vector   BLOB NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (photo_id, model)
) WITHOUT ROWID;
CREATE INDEX embeddings_seq ON embeddings (model, seq);
"""

SCHEMA_V2 = """
-- Tags: auto (from zero-shot tagging, with a score) or user. A rejected auto tag is kept with
-- state 'rejected' so that tagging never proposes it again for that photo.
CREATE TABLE tags (
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    label    TEXT NOT NULL,
    source   TEXT NOT NULL,                 -- 'auto' or 'user'
    score    REAL,
    state    TEXT NOT NULL DEFAULT 'suggested',  -- 'suggested', 'accepted', 'rejected'
    model    TEXT,
    label_set TEXT,
    added_at REAL NOT NULL,
    PRIMARY KEY (photo_id, label)
) WITHOUT ROWID;
CREATE INDEX tags_label ON tags (label, state);

CREATE TABLE label_sets (
    name   TEXT PRIMARY KEY,
    labels TEXT NOT NULL                     -- JSON list
);

-- An album that is not a folder: a saved search or a hand-picked set of photos.
CREATE TABLE collections (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    query   TEXT,                            -- a saved search, or NULL for a hand-picked set
    created REAL NOT NULL
);
CREATE TABLE collection_photos (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    photo_id      INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, photo_id)
) WITHOUT ROWID;

-- Text vectors of labels, per model and prompt templates: a label set is encoded once.
CREATE TABLE label_vectors (
    model     TEXT NOT NULL,
    templates TEXT NOT NULL,                  -- a digest of the prompt templates used
    label     TEXT NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (model, templates, label)
) WITHOUT ROWID;

-- Which photos of an album a label set has already been run over, so a re-run tags only new ones.
CREATE TABLE tagging_runs (
    photo_id  INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    label_set TEXT NOT NULL,
    model     TEXT NOT NULL,
    at        REAL NOT NULL,
    PRIMARY KEY (photo_id, label_set, model)
) WITHOUT ROWID;
"""


SCHEMA_V3 = """
-- A file or sub-folder of a root that the last scan could not reach (a link to an unplugged drive,
-- a folder without permission). Its photos are kept and shown offline until it can be read again.
-- pattern: the GLOB that matches the relpaths below it (path with GLOB characters escaped, + '/*').
CREATE TABLE unreachable_paths (
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    path    TEXT NOT NULL,
    pattern TEXT NOT NULL,
    reason  TEXT NOT NULL,
    since   REAL NOT NULL,
    PRIMARY KEY (root_id, path)
) WITHOUT ROWID;

-- Tags and collection places of photos whose files were deleted, kept by the bytes' fingerprint:
-- when the same bytes come back (a restore from a backup, a folder moved while photoclip was
-- closed and found again), so do they. A scan never loses what a person did.
CREATE TABLE kept_tags (
    fingerprint TEXT NOT NULL,
    label       TEXT NOT NULL,
    source      TEXT NOT NULL,
    score       REAL,
    state       TEXT NOT NULL,
    model       TEXT,
    label_set   TEXT,
    added_at    REAL NOT NULL,
    removed_at  REAL NOT NULL,
    PRIMARY KEY (fingerprint, label)
) WITHOUT ROWID;
CREATE TABLE kept_collection_photos (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    fingerprint   TEXT NOT NULL,
    removed_at    REAL NOT NULL,
    PRIMARY KEY (collection_id, fingerprint)
) WITHOUT ROWID;
"""


SCHEMA_V4 = """
-- States hold only the values the code knows (photoclip.core.records: PhotoStatus, TagSource,
-- TagState). SQLite adds a CHECK only by rebuilding a table: the new one is filled from the old
-- (foreign keys are off while the migration runs, so nothing cascades), then takes its name.
CREATE TABLE photos_v4 (
    id          INTEGER PRIMARY KEY,
    root_id     INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    relpath     TEXT NOT NULL,
    folder      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,
    fingerprint TEXT,
    width       INTEGER,
    height      INTEGER,
    taken_at    REAL,
    date_source TEXT CHECK (date_source IN ('exif', 'file')),
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'error')),
    error       TEXT,
    added_at    REAL NOT NULL,
    UNIQUE (root_id, relpath)
);
INSERT INTO photos_v4 SELECT id, root_id, relpath, folder, size, mtime_ns, fingerprint, width, height,
    taken_at, date_source, status, error, added_at FROM photos;
DROP TABLE photos;
ALTER TABLE photos_v4 RENAME TO photos;
CREATE INDEX photos_fingerprint ON photos (fingerprint);
CREATE INDEX photos_folder ON photos (root_id, folder);
CREATE INDEX photos_status ON photos (status);

CREATE TABLE tags_v4 (
    photo_id  INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    source    TEXT NOT NULL CHECK (source IN ('auto', 'user')),
    score     REAL,
    state     TEXT NOT NULL DEFAULT 'suggested' CHECK (state IN ('suggested', 'accepted', 'rejected')),
    model     TEXT,
    label_set TEXT,
    added_at  REAL NOT NULL,
    PRIMARY KEY (photo_id, label)
) WITHOUT ROWID;
INSERT INTO tags_v4 SELECT photo_id, label, source, score, state, model, label_set, added_at FROM tags;
DROP TABLE tags;
ALTER TABLE tags_v4 RENAME TO tags;
CREATE INDEX tags_label ON tags (label, state);
"""


SCHEMA_V5 = """
-- What a photo's file names besides its pixels (EXIF Make and Model, LensModel; the place from
-- IPTC or XMP). NULL: not read yet (photos indexed before this version; the next index run reads
-- their headers); '': the file names none.
ALTER TABLE photos ADD COLUMN camera TEXT;
ALTER TABLE photos ADD COLUMN lens TEXT;
ALTER TABLE photos ADD COLUMN place TEXT;

-- The words of each photo's folder names, file name, camera, lens and place (folded, see
-- photoclip.core.metadata_words), so a query word finds its photos with one lookup. Made for the
-- photos already here by the next index run (meta 'words_version').
CREATE TABLE photo_words (
    word     TEXT NOT NULL,
    photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    PRIMARY KEY (word, photo_id)
) WITHOUT ROWID;
CREATE INDEX photo_words_photo ON photo_words (photo_id);
-- A catalog with no photos yet (a new library) has every photo's words already.
INSERT OR REPLACE INTO meta (key, value) SELECT 'words_version', '1' WHERE NOT EXISTS (SELECT 1 FROM photos);
"""


SCHEMA_V6 = """
-- The photos by date, for the timeline: each month's photos counted from a short range of the
-- index (catalog_dates.month_counts) and a date filter read from it rather than from every photo.
CREATE INDEX IF NOT EXISTS photos_taken ON photos (taken_at, status);
"""


#: MIGRATIONS[n] is the SQL that takes a catalog at version n to version n + 1.
MIGRATIONS: list[str] = [SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6]
SCHEMA_VERSION = len(MIGRATIONS)
