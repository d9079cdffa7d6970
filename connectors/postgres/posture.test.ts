/**
 * What a read-only preview reaches besides tables (README, "Warehouse roles"), on the real server:
 * as the superuser the tests connect with, a preview reads a server file and ends another role's
 * session, and the posture check says so; as the least-privilege role created by the README's
 * own SQL (read from README.md, names swapped for this test's), the same previews are refused,
 * the posture is clean, and reading the sources and writing the write schema still work.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectPostgres,
  describePostgres,
  dropSchemas,
  PG_URL,
  resetSchemas,
  type PgTestDb,
} from '../../test/support/postgres.js';
import type { Connector } from '../connector.js';
import { openPostgres } from './index.js';

const SRC = 'posture_src';
const OUT = 'posture_out';
const STAGE = 'posture_stage';
const HIDDEN = 'posture_hidden';
// Roles belong to the whole cluster, which other databases' tests may share: a name of our own.
const suffix = randomBytes(4).toString('hex');
const ROLE = `ef_posture_${suffix}`;
const OTHER = `ef_posture_other_${suffix}`;
const PASSWORD = randomBytes(12).toString('hex');

/** The first ```sql block of the README's "Warehouse roles" section. */
function readmeRoleSql(): string {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.split(/^### Warehouse roles$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  const sql = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
  if (!sql) throw new Error('README.md: no ```sql block under "### Warehouse roles"');
  return sql;
}

/** The README's statements with this test's names for its database, schemas and roles. */
function roleSql(names: { database: string; loader: string }): string {
  const swaps: Array<[RegExp, string]> = [
    [/'change-me'/g, `'${PASSWORD}'`],
    [/\bedgeflow_staging\b/g, STAGE],
    [/\bedgeflow\b/g, ROLE],
    [/\bwarehouse\b/g, `"${names.database}"`],
    [/\bsales\b/g, SRC],
    [/\banalytics\b/g, OUT],
    [/\bloader\b/g, `"${names.loader}"`],
  ];
  return swaps.reduce((sql, [from, to]) => sql.replace(from, to), readmeRoleSql());
}

function urlAs(user: string, password?: string): string {
  const u = new URL(PG_URL!);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the statement to be refused');
    },
    (e: unknown) => e as Error & { details?: { code?: string } },
  );

/** A session of the other role, idle: a target for pg_terminate_backend. */
async function otherSession(): Promise<{ pid: number; client: pg.Client }> {
  const client = new pg.Client({ connectionString: urlAs(OTHER) });
  client.on('error', () => undefined); // a terminated session reports it here
  await client.connect();
  const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { pid: r.rows[0]!.pid, client };
}

describePostgres('postgres: what a read-only preview reaches besides tables', () => {
  let db: PgTestDb;
  /** An absolute path on the server's machine, wherever it runs: its PG_VERSION file. */
  let serverFile: string;
  let majorVersion: string;
  const sessions: pg.Client[] = [];

  beforeAll(async () => {
    db = await connectPostgres();
    await resetSchemas(db, [SRC, OUT, STAGE, HIDDEN]);
    await db.exec(`DROP ROLE IF EXISTS ${ROLE}; DROP ROLE IF EXISTS ${OTHER}; CREATE ROLE ${OTHER} LOGIN`);
    await db.exec(
      `CREATE TABLE ${SRC}.orders AS SELECT g AS id, g * 10 AS amount FROM generate_series(1, 3) g;
       CREATE TABLE ${HIDDEN}.secrets AS SELECT 'not granted' AS s`,
    );
    const r = await db.query(
      `SELECT current_setting('data_directory') || '/PG_VERSION' AS f, current_setting('server_version_num') AS v`,
    );
    serverFile = String(r.rows[0]!['f']);
    majorVersion = String(Math.floor(Number(r.rows[0]!['v']) / 10000));
  });

  afterAll(async () => {
    await Promise.all(sessions.map((c) => c.end().catch(() => undefined)));
    if (!db) return;
    // Only if the refusal test failed: a slot outlives its session and holds WAL.
    await db.exec(
      `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'ef_posture_${suffix}'`,
    );
    await dropSchemas(db, [SRC, OUT, STAGE, HIDDEN]);
    for (const role of [ROLE, OTHER]) {
      await db.exec(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          EXECUTE 'DROP OWNED BY ${role} CASCADE'; EXECUTE 'DROP ROLE ${role}';
        END IF; END $$`);
    }
    await db.close();
  });

  describePostgres('as the superuser the tests connect with', () => {
    let superuser: Connector;
    beforeAll(async () => {
      superuser = await openPostgres({ url: PG_URL!, max: 2 });
    });
    afterAll(() => superuser?.close());

    it('a read-only preview reads a server file: this is why the role matters', async () => {
      const r = await superuser.execute(`SELECT pg_read_file('${serverFile}') AS f`, { readOnly: true });
      expect(String(r.rows?.[0]?.['f']).trim()).toBe(majorVersion);
      // lo_import writes a large object, and a read-only transaction lets it (the rollback drops it).
      const lo = await superuser.execute(`SELECT lo_import('${serverFile}') AS oid`, { readOnly: true });
      expect(lo.rows?.[0]?.['oid']).toEqual(expect.any(Number));
    });

    it("a read-only preview ends another role's session", async () => {
      const victim = await otherSession();
      sessions.push(victim.client);
      const r = await superuser.execute(`SELECT pg_terminate_backend($1) AS ended`, {
        params: [victim.pid],
        readOnly: true,
      });
      expect(r.rows).toEqual([{ ended: true }]);
    });

    it('the posture check says the role is a superuser, once per connector', async () => {
      const p = await superuser.posture!();
      expect(p.warnings).toHaveLength(1);
      expect(p.warnings[0]).toMatch(/^is a superuser: a preview reads any file the server can/);
      expect(await superuser.posture!()).toBe(p);
    });
  });

  describePostgres("as the least-privilege role the README's SQL creates", () => {
    let role: Connector;
    beforeAll(async () => {
      const r = await db.query('SELECT current_database() AS d, current_user AS u');
      await db.exec(roleSql({ database: String(r.rows[0]!['d']), loader: String(r.rows[0]!['u']) }));
      // Created after the grants: reaches the role through ALTER DEFAULT PRIVILEGES.
      await db.exec(`CREATE TABLE ${SRC}.stores AS SELECT 1 AS store_id`);
      role = await openPostgres({ url: urlAs(ROLE, PASSWORD), max: 2, secrets: [PASSWORD] });
    });
    afterAll(() => role?.close());

    it('the role has exactly the attributes the README says', async () => {
      const r = await db.query(
        `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin,
                (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid)::int AS memberships
         FROM pg_roles r WHERE rolname = $1`,
        [ROLE],
      );
      expect(r.rows).toEqual([
        {
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolreplication: false,
          rolbypassrls: false,
          rolcanlogin: true,
          memberships: 0,
        },
      ]);
    });

    it('the posture check is clean', async () => {
      expect(await role.posture!()).toEqual({ role: ROLE, warnings: [] });
    });

    it.each([
      [
        'pg_read_file',
        (f: string) => `SELECT pg_read_file('${f}') AS f`,
        /permission denied for function pg_read_file/,
      ],
      ['pg_read_binary_file', (f: string) => `SELECT pg_read_binary_file('${f}') AS f`, /permission denied/],
      ['pg_ls_dir', () => `SELECT pg_ls_dir('.') AS f`, /permission denied for function pg_ls_dir/],
      ['pg_stat_file', (f: string) => `SELECT size FROM pg_stat_file('${f}')`, /permission denied/],
      [
        'lo_import',
        (f: string) => `SELECT lo_import('${f}') AS f`,
        /permission denied for function lo_import/,
      ],
      [
        'lo_export',
        () => `SELECT lo_export(1, '/tmp/edgeflow-posture') AS f`,
        /permission denied for function lo_export/,
      ],
      ['pg_reload_conf', () => `SELECT pg_reload_conf() AS f`, /permission denied/],
      ['data_directory', () => `SELECT current_setting('data_directory') AS f`, /pg_read_all_settings/],
      [
        'a replication slot',
        () => `SELECT pg_create_physical_replication_slot('ef_posture_${suffix}', true)`,
        /replication/,
      ],
      ['a table nobody granted', () => `SELECT s FROM ${HIDDEN}.secrets`, /permission denied for schema/],
    ])('a read-only preview may not call %s', async (_what, sql, refused) => {
      const e = await failure(role.execute(sql(serverFile), { readOnly: true }));
      expect(e.message).toMatch(refused);
      expect(e.details?.code).toBe('42501');
    });

    it("a read-only preview may not end another role's session, nor a superuser's", async () => {
      const victim = await otherSession();
      sessions.push(victim.client);
      const other = await failure(
        role.execute('SELECT pg_terminate_backend($1)', { params: [victim.pid], readOnly: true }),
      );
      expect(other.message).toMatch(/pg_signal_backend/);
      const su = await db.query('SELECT pg_backend_pid() AS pid');
      const superuser = await failure(
        role.execute('SELECT pg_cancel_backend($1)', { params: [su.rows[0]!['pid']], readOnly: true }),
      );
      expect(superuser.message).toMatch(/superuser/);
      expect((await victim.client.query('SELECT 1 AS alive')).rows).toEqual([{ alive: 1 }]);
    });

    it('reads the granted sources, tables created later included', async () => {
      const r = await role.execute(
        `SELECT o.id, o.amount, s.store_id FROM ${SRC}.orders o CROSS JOIN ${SRC}.stores s ORDER BY o.id`,
        { readOnly: true },
      );
      expect(r.rows).toEqual([
        { id: 1, amount: 10, store_id: 1 },
        { id: 2, amount: 20, store_id: 1 },
        { id: 3, amount: 30, store_id: 1 },
      ]);
    });

    it('writes the write schema and the staging schema, as a run does', async () => {
      await role.execute(`CREATE SCHEMA IF NOT EXISTS ${STAGE}`);
      await role.execute(`CREATE TABLE ${STAGE}.step_1 AS SELECT * FROM ${SRC}.orders WHERE amount > 10`);
      await role.execute(`CREATE TABLE ${OUT}.big_orders AS SELECT * FROM ${STAGE}.step_1`);
      await role.execute(`DROP TABLE ${STAGE}.step_1`);
      const r = await db.query(`SELECT count(*)::int AS n FROM ${OUT}.big_orders`);
      expect(r.rows).toEqual([{ n: 2 }]);
      // …and nowhere else.
      const e = await failure(role.execute(`CREATE TABLE ${SRC}.planted AS SELECT 1 AS x`));
      expect(e.details?.code).toBe('42501');
    });

    it('the posture check names a power granted later (a fresh connector asks again)', async () => {
      await db.exec(
        `GRANT pg_signal_backend TO ${ROLE}; GRANT EXECUTE ON FUNCTION pg_read_file(text) TO ${ROLE}`,
      );
      const again = await openPostgres({ url: urlAs(ROLE, PASSWORD), max: 1, secrets: [PASSWORD] });
      try {
        const p = await again.posture!();
        expect(p.role).toBe(ROLE);
        expect(p.warnings).toEqual([
          expect.stringMatching(
            /^is a member of pg_signal_backend: cancels or ends any non-superuser session/,
          ),
          expect.stringMatching(/^may call pg_read_file \(reads server files\)$/),
        ]);
      } finally {
        await again.close();
        await db.exec(
          `REVOKE pg_signal_backend FROM ${ROLE}; REVOKE EXECUTE ON FUNCTION pg_read_file(text) FROM ${ROLE}`,
        );
      }
    });
  });
});
