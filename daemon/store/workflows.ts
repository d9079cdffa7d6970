/** Workflow versions: every save is a new immutable version, unless nothing changed. */
import type { Sql } from './database.js';
import type { WorkflowSummary, WorkflowVersion } from './records.js';

export interface SaveWorkflowInput {
  name: string;
  /** SHA-256 (hex) of the document's canonical JSON (see daemon/service/workflow-hash.ts). */
  hash: string;
  document: unknown;
}

export interface SavedWorkflow {
  name: string;
  version: number;
  hash: string;
  /** False when the latest version had the same hash (that version is returned). */
  created: boolean;
  createdAt: string;
}

interface VersionRow {
  name: string;
  version: number;
  hash: string;
  document: string;
  created_at: string;
}

const versionRecord = (r: VersionRow): WorkflowVersion => ({
  name: r.name,
  version: r.version,
  hash: r.hash,
  document: JSON.parse(r.document) as unknown,
  createdAt: r.created_at,
});

export function saveWorkflowVersion(sql: Sql, now: string, input: SaveWorkflowInput): SavedWorkflow {
  return sql.tx(() => {
    const latest = sql
      .stmt(
        `SELECT v.version, v.hash, v.created_at FROM workflows w
         JOIN workflow_versions v ON v.name = w.name AND v.version = w.latest_version WHERE w.name = ?`,
      )
      .get(input.name) as { version: number; hash: string; created_at: string } | undefined;
    if (latest?.hash === input.hash)
      return {
        name: input.name,
        version: latest.version,
        hash: latest.hash,
        created: false,
        createdAt: latest.created_at,
      };
    const version = (latest?.version ?? 0) + 1;
    sql
      .stmt(
        `INSERT INTO workflows (name, latest_version, created_at, updated_at) VALUES (@name, @version, @now, @now)
         ON CONFLICT (name) DO UPDATE SET latest_version = excluded.latest_version, updated_at = excluded.updated_at`,
      )
      .run({ name: input.name, version, now });
    sql
      .stmt(
        'INSERT INTO workflow_versions (name, version, hash, document, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(input.name, version, input.hash, JSON.stringify(input.document), now);
    return { name: input.name, version, hash: input.hash, created: true, createdAt: now };
  });
}

/** A version of a workflow, the latest when `version` is absent. */
export function getWorkflowVersion(sql: Sql, name: string, version?: number): WorkflowVersion | undefined {
  const row =
    version === undefined
      ? sql
          .stmt(
            `SELECT v.* FROM workflows w JOIN workflow_versions v ON v.name = w.name AND v.version = w.latest_version
             WHERE w.name = ?`,
          )
          .get(name)
      : sql.stmt('SELECT * FROM workflow_versions WHERE name = ? AND version = ?').get(name, version);
  return row ? versionRecord(row as VersionRow) : undefined;
}

/**
 * A version's number and declared connection (the latest, or `version`), without reading the
 * document into JS.
 */
export function versionHead(
  sql: Sql,
  name: string,
  version?: number,
): { version: number; connection: string | null } | undefined {
  return (
    version === undefined
      ? sql
          .stmt(
            `SELECT v.version, json_extract(v.document, '$.connection') AS connection
             FROM workflows w JOIN workflow_versions v ON v.name = w.name AND v.version = w.latest_version
             WHERE w.name = ?`,
          )
          .get(name)
      : sql
          .stmt(
            `SELECT version, json_extract(document, '$.connection') AS connection
             FROM workflow_versions WHERE name = ? AND version = ?`,
          )
          .get(name, version)
  ) as { version: number; connection: string | null } | undefined;
}

export function listWorkflows(sql: Sql): WorkflowSummary[] {
  const rows = sql
    .stmt(
      `SELECT w.name, w.latest_version, v.hash, json_extract(v.document, '$.description') AS description,
              w.created_at, w.updated_at
       FROM workflows w JOIN workflow_versions v ON v.name = w.name AND v.version = w.latest_version
       ORDER BY w.name`,
    )
    .all() as Array<{
    name: string;
    latest_version: number;
    hash: string;
    description: unknown;
    created_at: string;
    updated_at: string;
  }>;
  return rows.map((r) => ({
    name: r.name,
    latestVersion: r.latest_version,
    hash: r.hash,
    description: typeof r.description === 'string' ? r.description : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export function listWorkflowVersions(
  sql: Sql,
  name: string,
): Array<{ version: number; hash: string; createdAt: string }> {
  const rows = sql
    .stmt('SELECT version, hash, created_at FROM workflow_versions WHERE name = ? ORDER BY version')
    .all(name) as Array<{ version: number; hash: string; created_at: string }>;
  return rows.map((r) => ({ version: r.version, hash: r.hash, createdAt: r.created_at }));
}
