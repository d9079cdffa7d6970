-- edgeflow run store schema after migrations 001_initial, 002_notifications, 003_result_cache
-- Generated: UPDATE_SNAPSHOT=1 npx vitest run daemon/store rewrites it.

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  scopes TEXT NOT NULL CHECK (json_valid(scopes)),
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

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

CREATE TABLE lineage (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  output_node TEXT NOT NULL,
  output_table TEXT NOT NULL,
  column_name TEXT NOT NULL,
  source_table TEXT,
  source_column TEXT
);

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step_id TEXT,
  at TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL,
  data TEXT CHECK (data IS NULL OR json_valid(data))
);

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('failure', 'success', 'slow', 'skipped')),
  workflow TEXT NOT NULL,
  -- NULL for a skipped fire (no run was made).
  run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
  -- What the alert says (redacted like every error the store keeps), whatever the channel.
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
  run_at TEXT NOT NULL,
  locked_at TEXT,
  locked_by TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);

CREATE TABLE runs (
  -- 'r' + base-36 creation time + random: sorts by creation, and fits in staging table names.
  id TEXT PRIMARY KEY,
  -- The first attempt's id, shared by every retry of it: the append ledger's key, so a new attempt
  -- never appends what an earlier one committed.
  root_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  -- The saved version run; NULL for an inline document (kept in `document`).
  version INTEGER,
  document TEXT CHECK (document IS NULL OR json_valid(document)),
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'api', 'schedule', 'cli', 'mcp')),
  idempotency_key TEXT UNIQUE,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  attempt INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  retry_of TEXT REFERENCES runs (id),
  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  connection TEXT NOT NULL,
  dialect TEXT NOT NULL,
  nominal_at TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  error TEXT CHECK (error IS NULL OR json_valid(error)),
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  -- The compiled plan, so a resume runs the very SQL the run started with. NULL until compiled: a
  -- scheduled fire records its run at once and the executor compiles it when the run starts.
  plan TEXT CHECK (plan IS NULL OR json_valid(plan)),
  -- The executor holding a running run, and when it last said it is alive.
  owner TEXT,
  heartbeat_at TEXT,
  -- Its staging tables are gone (dropped when it ended, or by recovery since).
  staging_dropped INTEGER NOT NULL DEFAULT 0 CHECK (staging_dropped IN (0, 1)), cache TEXT CHECK (cache IS NULL OR json_valid(cache)),
  CHECK ((status = 'running') = (owner IS NOT NULL))
);

CREATE TABLE schedules (
  workflow TEXT PRIMARY KEY REFERENCES workflows (name) ON DELETE CASCADE,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  catchup TEXT NOT NULL DEFAULT 'latest' CHECK (catchup IN ('none', 'latest', 'all')),
  max_catchup INTEGER NOT NULL DEFAULT 10 CHECK (max_catchup >= 1),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
  connection TEXT,
  last_nominal_at TEXT,
  next_fire_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
);

CREATE TABLE steps (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step_id TEXT NOT NULL,
  -- The step's place in the plan.
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('prepare', 'materialize', 'write', 'cleanup')),
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  -- A pending step is not claimed before this (retry backoff).
  run_at TEXT NOT NULL,
  locked_at TEXT,
  -- The warehouse's id of the statement running now (or last), recorded before it is awaited.
  query_id TEXT,
  rows INTEGER,
  bytes INTEGER,
  started_at TEXT,
  finished_at TEXT,
  last_error TEXT CHECK (last_error IS NULL OR json_valid(last_error)), reused_from TEXT,
  PRIMARY KEY (run_id, step_id)
) WITHOUT ROWID;

CREATE TABLE workflow_versions (
  name TEXT NOT NULL REFERENCES workflows (name) ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version >= 1),
  hash TEXT NOT NULL,
  document TEXT NOT NULL CHECK (json_valid(document)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;

CREATE TABLE workflows (
  name TEXT PRIMARY KEY,
  latest_version INTEGER NOT NULL CHECK (latest_version >= 1),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE INDEX cache_entries_expiry ON cache_entries (expires_at);

CREATE INDEX lineage_run ON lineage (run_id);

CREATE INDEX lineage_source ON lineage (source_table, source_column);

CREATE INDEX logs_run ON logs (run_id, id);

CREATE INDEX notifications_due ON notifications (run_at, id) WHERE status = 'pending';

CREATE INDEX notifications_run ON notifications (run_id);

CREATE INDEX notifications_sending ON notifications (locked_at) WHERE status = 'sending';

CREATE INDEX runs_staging ON runs (id) WHERE staging_dropped = 0 AND status IN ('succeeded', 'failed', 'cancelled', 'interrupted');

CREATE INDEX runs_status ON runs (status, id);

CREATE INDEX runs_workflow ON runs (workflow, id);

CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE enabled = 1;
