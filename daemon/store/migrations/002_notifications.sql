-- Alerts (daemon/notify): an outbox, graphile-worker style. An alert is enqueued once (dedupe_key
-- is unique: the run or fire, the event and the channel, so two daemons that both see a failure or
-- a skipped fire enqueue it once), claimed by one sender at a time (status sending, locked_at,
-- locked_by), retried after a failure at a later run_at with a capped exponential backoff, and
-- given up (failed) after max_attempts. A sender that died mid-send leaves a stale lock that
-- another takes over. Sending never holds a run up: the executor only inserts the row.
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

CREATE INDEX notifications_due ON notifications (run_at, id) WHERE status = 'pending';
CREATE INDEX notifications_sending ON notifications (locked_at) WHERE status = 'sending';
CREATE INDEX notifications_run ON notifications (run_id);
