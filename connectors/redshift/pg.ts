/**
 * Redshift over its PostgreSQL wire protocol, through `pg`: the PostgreSQL connector
 * (connectors/postgres) with the hooks where Redshift differs. What is the same, and so shared:
 * the pool, `<pid>:<counter>` query ids, cancel by `pg_cancel_backend(pid)` from another
 * connection (https://docs.aws.amazon.com/redshift/latest/dg/PG_CANCEL_BACKEND.html),
 * `statement_timeout`, `BEGIN READ ONLY` previews
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_BEGIN.html), transactions (the append
 * ledger), information_schema introspection and the row convention.
 *
 * Where Redshift differs:
 * - the label is `SET query_group` (SYS_QUERY_HISTORY.query_label, STL_QUERY.label) rather than
 *   application_name; a PostgreSQL server (the tests) keeps application_name. Which one is asked
 *   once, with `SELECT version()`.
 * - a statement of another process (a daemon that crashed) is cancelled only while STV_RECENTS says
 *   it runs for this user (Redshift's pg_stat_activity has no state or application_name).
 * - estimates come from plain EXPLAIN (text: no FORMAT JSON).
 * - GEOMETRY (oid 3000) and GEOGRAPHY (3001) come back as hex EWKB and are given as WKT.
 * - SQLSTATE XX000 with "Serializable isolation violation" is transient.
 * - no posture check (PostgreSQL's predefined roles do not exist there), no table versions.
 */
import type { QueryLabel } from '../connector.js';
import { type Connector, type ExecuteOptions } from '../connector.js';
import { applicationName } from '../postgres/application-name.js';
import { openPostgres } from '../postgres/index.js';
import type { PostgresVariant, VariantClient } from '../postgres/options.js';
import { asRedshiftError, classifyRedshift } from './errors.js';
import { estimateFromExplain } from './explain.js';
import type { RedshiftPgOptions } from './options.js';

/** Redshift's types under oids PostgreSQL leaves free (pg_type on a cluster). */
export const REDSHIFT_TYPES: Readonly<Record<number, string>> = {
  3000: 'geometry',
  3001: 'geography',
  4000: 'super',
  2935: 'hllsketch',
  6551: 'varbyte',
};

/** `SET query_group TO '…'`: the label of the statements that follow in the session. */
export function queryGroupSql(label: QueryLabel | undefined, escapeLiteral: (s: string) => string): string {
  // No backslash or quote, so the literal is plain '…' (no E'' string) whatever the label holds.
  return `SET query_group TO ${escapeLiteral(applicationName(label).replace(/[\\']/g, '?'))}`;
}

/** The hooks, asking the server once whether it is Redshift (tests run them on PostgreSQL). */
export function redshiftVariant(): PostgresVariant & { isRedshift(client: VariantClient): Promise<boolean> } {
  let redshift: Promise<boolean> | undefined;
  const isRedshift = (client: VariantClient) => {
    redshift ??= client.query('SELECT version() AS v').then(
      (r) => /redshift/i.test(String(r.rows[0]?.['v'] ?? '')),
      (e: unknown) => {
        redshift = undefined;
        throw e;
      },
    );
    return redshift;
  };
  return {
    isRedshift,
    types: REDSHIFT_TYPES,
    async labelSql(client, label) {
      const literal = (s: string) => client.escapeLiteral(s);
      return (await isRedshift(client))
        ? queryGroupSql(label, literal)
        : `SET application_name = ${literal(applicationName(label))}`;
    },
    async foreignCancelSql(client) {
      return (await isRedshift(client))
        ? `SELECT pg_cancel_backend(pid) FROM stv_recents
           WHERE pid = $1 AND status = 'Running' AND TRIM(user_name) = current_user`
        : `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
           WHERE pid = $1 AND pid <> pg_backend_pid() AND state <> 'idle' AND application_name LIKE 'edgeflow%'`;
    },
  };
}

export async function openRedshiftPg(opts: RedshiftPgOptions): Promise<Connector> {
  const inner = await openPostgres({ ...opts, variant: redshiftVariant() });
  const rewrap = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => Promise.reject(asRedshiftError(e)));
  const execute = (sql: string, o?: ExecuteOptions) => rewrap(inner.execute(sql, o));
  return {
    type: 'redshift',
    dialect: 'redshift',
    execute,
    transaction: (fn, o) => rewrap(inner.transaction!(fn, o)),
    cancel: (id) => rewrap(inner.cancel(id)),
    async estimate(sql, o = {}) {
      const r = await execute(`EXPLAIN ${sql}`, {
        readOnly: true,
        label: { origin: 'estimate' },
        ...(o.params ? { params: o.params } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return estimateFromExplain((r.rows ?? []).map((row) => String(Object.values(row)[0] ?? '')));
    },
    listTables: (o) => rewrap(inner.listTables(o)),
    describeTable: (parts) => rewrap(inner.describeTable(parts)),
    describeQuery: (sql, o) => rewrap(inner.describeQuery(sql, o)),
    classify: classifyRedshift,
    close: () => inner.close(),
  };
}
