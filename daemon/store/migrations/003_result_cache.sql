-- Reuse of unchanged results (daemon/cache). A cacheable step's key is the SHA-256 of its SQL
-- (run ids taken out), the parameters rendered into it and the versions of the source tables it
-- reads: a source change is a new key. A materialised result lives in a table of the staging
-- schema named by its key; an output's is the output table itself, reused while the table still
-- has the version the run left it with. `building` marks a result being made (its run holds it);
-- `ready` may be reused until expires_at; `dropping` is held by the janitor while it drops the
-- table (a run that needs the key waits for it to be gone, then builds it anew).
CREATE TABLE cache_entries (
  connection TEXT NOT NULL,
  key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('materialize', 'write')),
  status TEXT NOT NULL CHECK (status IN ('building', 'ready', 'dropping')),
  -- The table holding the result, as the dialect writes it, and its name parts (JSON array).
  table_name TEXT NOT NULL,
  table_parts TEXT NOT NULL CHECK (json_valid(table_parts)),
  -- The output table's version right after the run wrote it (write); NULL for materialize.
  table_version TEXT,
  -- The source tables' versions it was made from (JSON object), for people reading it.
  sources TEXT NOT NULL CHECK (json_valid(sources)),
  workflow TEXT NOT NULL,
  step_id TEXT NOT NULL,
  -- The run that made it (or is making it; the janitor's id while dropping).
  run_id TEXT NOT NULL,
  rows INTEGER,
  bytes INTEGER,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL,
  PRIMARY KEY (connection, key)
) WITHOUT ROWID;

CREATE INDEX cache_entries_expiry ON cache_entries (expires_at);

-- A step whose result came from an earlier run: that run's id (no statement ran).
ALTER TABLE steps ADD COLUMN reused_from TEXT;

-- A cached run's cache plan: which steps may be reused and their sources (set when the run is
-- created), then the source versions and keys read when it first starts (so a resume reuses them).
ALTER TABLE runs ADD COLUMN cache TEXT CHECK (cache IS NULL OR json_valid(cache));
