/**
 * Numbered `.sql` migrations (`migrations/NNN_name.sql`), applied in order, each in its own
 * IMMEDIATE transaction together with its row in `schema_migrations`: a migration is applied whole
 * or not at all, and two processes opening one file at once apply it once.
 */
import { packagePath } from '../package-root.js';
import { readdirSync, readFileSync } from 'node:fs';
import type { SqliteDatabase } from './database.js';
import { StoreError } from './errors.js';

export const MIGRATIONS_DIR = packagePath('daemon', 'store', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = FILE.exec(f);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(`${dir}/${f}`, 'utf8') });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations must be numbered 001, 002, … without gaps; found ${m.version} at ${i + 1}`);
  });
  return out;
}

/** Applies the migrations not yet applied; returns the versions it applied. */
export function migrate(db: SqliteDatabase, migrations = loadMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`);
  const newest = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  const known = migrations.at(-1)?.version ?? 0;
  if ((newest.v ?? 0) > known)
    throw new StoreError(
      'STATE_TOO_NEW',
      `the state database is at schema version ${newest.v}, newer than this edgeflow knows (${known}); upgrade edgeflow, or point \`state\` in the config at another file`,
    );
  const applied: number[] = [];
  const has = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    const apply = db.transaction(() => {
      // Checked inside the write lock: another process may have applied it since.
      if (has.get(m.version)) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      return true;
    });
    if (apply.immediate()) applied.push(m.version);
  }
  return applied;
}

/**
 * The schema in a stable text form: every table, index, view and trigger from sqlite_master,
 * ordered by kind and name, with blank lines and trailing spaces dropped. The snapshot test
 * compares it with the committed schema.snapshot.sql.
 */
export function dumpSchema(db: SqliteDatabase): string {
  const rows = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
       ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, name`,
    )
    .all() as Array<{ type: string; name: string; sql: string }>;
  const versions = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{
    version: number;
    name: string;
  }>;
  const head = `-- edgeflow run store schema after migrations ${versions.map((v) => `${String(v.version).padStart(3, '0')}_${v.name}`).join(', ')}\n-- Generated: UPDATE_SNAPSHOT=1 npx vitest run daemon/store rewrites it.\n`;
  const body = rows.map(
    (r) =>
      `${r.sql
        .split('\n')
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== '')
        .join('\n')};\n`,
  );
  return `${head}\n${body.join('\n')}`;
}
