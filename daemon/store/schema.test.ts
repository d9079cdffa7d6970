import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dumpSchema, loadMigrations, migrate } from './migrate.js';

const SNAPSHOT = fileURLToPath(new URL('./schema.snapshot.sql', import.meta.url));

describe('run store schema', () => {
  it('after all migrations equals the committed schema.snapshot.sql (UPDATE_SNAPSHOT=1 rewrites it)', () => {
    const db = new Database(':memory:');
    migrate(db);
    const schema = dumpSchema(db);
    db.close();
    if (process.env['UPDATE_SNAPSHOT'] === '1') writeFileSync(SNAPSHOT, schema);
    expect(schema).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });

  it('applies each migration once, even when migrate runs again', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(loadMigrations().map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    db.close();
  });

  it('refuses a state file newer than the code', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare(`INSERT INTO schema_migrations VALUES (999, 'future', '2099-01-01T00:00:00.000Z')`).run();
    expect(() => migrate(db)).toThrow(/newer than this edgeflow knows/);
    db.close();
  });

  it('rolls a failing migration back whole', () => {
    const db = new Database(':memory:');
    const bad = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (x INTEGER); SELECT * FROM missing_table;' },
    ];
    expect(() => migrate(db, bad)).toThrow(/missing_table/);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
    expect(tables).toEqual([{ name: 'a' }, { name: 'schema_migrations' }]);
    db.close();
  });
});
