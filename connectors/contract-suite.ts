/**
 * The contract every connector passes (hono's `runTest` pattern): one suite, run by each
 * connector's test file against its engine or its local fake, with skips that must give a reason.
 *
 * Each connector supplies a kit: the SQL for each case in its own dialect and what should come
 * back. For DuckDB and PostgreSQL the kit runs on the real engine; for BigQuery and Snowflake the
 * fake is scripted to answer exactly these statements the way the real service does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableType } from '../compiler/schema/types.js';
import type { Connector, ExecuteOptions } from './connector.js';

export interface ContractKit {
  /** Returns one row `{ x: 1 }`. */
  selectOne: string;
  /** Binds parameters of several types; `expect` is the one row that comes back. */
  params: { sql: string; params: unknown[]; paramNames?: string[]; expect: Record<string, unknown> };
  /**
   * One row with a value of each portable type, in this dialect: it must come back as exactly
   * `TYPES_EXPECTED` (same columns, same order, same values) on every connector.
   */
  types: { sql: string };
  /** `n` rows with one column `n`, 1…n. */
  series(n: number): string;
  /** A statement that runs for several seconds unless cancelled. */
  slow: string;
  /** A statement the warehouse rejects as a syntax error. */
  syntaxError: string;
  /** A statement that fails in a way the warehouse says is worth retrying; undefined when it cannot be provoked. */
  transientError?: string;
  /** A statement that writes (must fail under readOnly). */
  write: string;
  /** A table that exists, with its columns as portable types. */
  table: { parts: string[]; columns: Array<{ name: string; type: PortableType }> };
  /** The columns `types.sql` has, as describeQuery gives them (portable types; names as returned). */
  typesColumns: Array<{ name: string; type: PortableType }>;
  /** Checks, after a cancel, that the warehouse saw it (the fake recorded it, the server's query is gone). */
  verifyCancelled?: (queryId: string | undefined) => Promise<void>;
}

/**
 * What every connector's `types` statement returns, whatever the warehouse: the row-value
 * convention of connector.ts (above `ExecuteResult`), shown on one value of each kind. Each kit
 * writes the statement in its own dialect (the BigQuery and Snowflake fakes answer it in their
 * service's wire format); the JS values, and so the JSON, are these.
 */
export const TYPES_EXPECTED: Readonly<Record<string, unknown>> = Object.freeze({
  i: 42, // an int
  big: '9007199254740993', // a big integer past 2^53: exact text, never a rounded number
  small_dec: 12.5, // DECIMAL(12,2) 12.50: a number (at most 15 significant digits)
  long_dec: '1234567890123456.789', // DECIMAL(38,9), 19 significant digits: exact text, zeros trimmed
  dbl: 1.5, // a double
  nan: 'NaN', // a double JSON cannot carry as a number
  flag: true,
  txt: 'héllo',
  day: '2024-01-31',
  stamp: '2024-01-31 10:00:00.123456', // TIMESTAMP without time zone, microseconds
  stamp_frac: '2024-01-31 10:00:00.5', // trailing fraction zeros trimmed
  stamp0: '2024-01-31 10:00:00', // a zero fraction is left out
  instant: '2024-01-31T08:00:00.123456Z', // TIMESTAMPTZ '2024-01-31 10:00:00.123456+02': UTC, ISO
  nothing: null,
});

export interface ContractSetup {
  connector: Connector;
  kit: ContractKit;
  teardown?: () => Promise<void>;
}

export type ContractCase =
  | 'execute'
  | 'parameters'
  | 'types'
  | 'paging'
  | 'query id'
  | 'cancel by signal'
  | 'cancel by id'
  | 'timeout'
  | 'estimate'
  | 'introspection'
  | 'classification'
  | 'read-only'
  | 'describe query';

export interface ContractOptions {
  /** Cases this connector cannot pass, each with the reason (a skip without one is a defect). */
  skip?: Array<{ cases: ContractCase[]; reason: string }>;
  /** Rows for the paging case (default 100,000). */
  pagingRows?: number;
}

export function describeConnectorContract(
  name: string,
  setup: () => Promise<ContractSetup>,
  opts: ContractOptions = {},
): void {
  describe(`connector contract: ${name}`, () => {
    let s: ContractSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.connector.close();
      await s?.teardown?.();
    });

    const skipped = new Map<ContractCase, string>();
    for (const k of opts.skip ?? []) {
      if (!k.reason.trim()) throw new Error(`a skip of ${k.cases.join(', ')} needs a reason`);
      for (const c of k.cases) skipped.set(c, k.reason);
    }
    const test = (c: ContractCase, title: string, fn: () => Promise<void>, timeout = 30_000) => {
      const reason = skipped.get(c);
      if (reason) it.skip(`${c}: ${title} — skipped: ${reason}`, fn);
      else it(`${c}: ${title}`, fn, timeout);
    };

    test('execute', 'runs a statement and returns its rows', async () => {
      const r = await s.connector.execute(s.kit.selectOne);
      expect(r.rows).toEqual([{ x: 1 }]);
      expect(r.rowCount).toBe(1);
    });

    test('parameters', 'binds parameters as values, never as SQL', async () => {
      const { sql, params, paramNames, expect: want } = s.kit.params;
      const r = await s.connector.execute(sql, { params, ...(paramNames ? { paramNames } : {}) });
      expect(r.rows).toEqual([want]);
    });

    test('types', 'returns every portable type as the same plain, JSON-safe values', async () => {
      const r = await s.connector.execute(s.kit.types.sql);
      expect(r.rows?.[0]).toEqual(TYPES_EXPECTED);
      // The same JSON, column order included: no Date, bigint or NaN that would serialise otherwise.
      expect(JSON.stringify(r.rows)).toBe(JSON.stringify([TYPES_EXPECTED]));
    });

    test(
      'paging',
      'reads large results whole, and stops at maxRows',
      async () => {
        const n = opts.pagingRows ?? 100_000;
        const all = await s.connector.execute(s.kit.series(n));
        expect(all.rows).toHaveLength(n);
        expect(all.rows?.[n - 1]).toEqual({ n });
        const some = await s.connector.execute(s.kit.series(n), { maxRows: 10 });
        expect(some.rows).toHaveLength(10);
      },
      120_000,
    );

    test('query id', 'reports the warehouse query id before the result', async () => {
      const events: string[] = [];
      const r = await s.connector.execute(s.kit.selectOne, { onQueryId: (id) => events.push(`id:${id}`) });
      events.push('result');
      expect(events).toHaveLength(2);
      expect(events[0]).toMatch(/^id:./);
      expect(events[1]).toBe('result');
      expect(r.queryId).toBe(events[0]!.slice(3));
    });

    test('cancel by signal', 'aborting cancels the statement in the warehouse', async () => {
      const ac = new AbortController();
      let queryId: string | undefined;
      const started = Date.now();
      const running = s.connector.execute(s.kit.slow, {
        signal: ac.signal,
        onQueryId: (id) => {
          queryId = id;
          setTimeout(() => ac.abort(), 300);
        },
      });
      const err = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(s.connector.classify(err)).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(10_000);
      await s.kit.verifyCancelled?.(queryId);
    });

    test('cancel by id', 'cancel(queryId) stops a running statement', async () => {
      let queryId: string | undefined;
      const running = s.connector.execute(s.kit.slow, {
        onQueryId: (id) => {
          queryId = id;
          setTimeout(() => void s.connector.cancel(id), 300);
        },
      });
      const err = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(s.connector.classify(err)).toBe('cancelled');
      await s.kit.verifyCancelled?.(queryId);
      // Cancelling something already finished is not an error.
      await expect(s.connector.cancel(queryId!)).resolves.toBeUndefined();
    });

    test('timeout', 'a statement past its timeout fails, permanently, and is stopped', async () => {
      const opts2: ExecuteOptions = { timeoutMs: 500 };
      const started = Date.now();
      const err = await s.connector.execute(s.kit.slow, opts2).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(Date.now() - started).toBeLessThan(10_000);
      // Retrying a statement that ran out of time would run out of time again.
      expect(s.connector.classify(err)).toBe('permanent');
    });

    test('estimate', 'estimates without running', async () => {
      const e = await s.connector.estimate(s.kit.series(1000));
      expect(e.summary.length).toBeGreaterThan(0);
      expect(e.bytesProcessed !== undefined || e.rows !== undefined || e.cost !== undefined).toBe(true);
    });

    test('introspection', 'lists and describes tables with portable types', async () => {
      const tables = await s.connector.listTables();
      const want = s.kit.table.parts.join('.').toLowerCase();
      expect(tables.map((t) => t.parts.join('.').toLowerCase())).toContain(want);
      const info = await s.connector.describeTable(s.kit.table.parts);
      expect(info?.columns.map((c) => ({ name: c.name, type: c.type }))).toEqual(s.kit.table.columns);
      expect(
        await s.connector.describeTable([...s.kit.table.parts.slice(0, -1), 'no_such_table_xyz']),
      ).toBeUndefined();
    });

    test('describe query', "gives a SELECT's columns and portable types without running it", async () => {
      const columns = await s.connector.describeQuery(s.kit.types.sql);
      expect(columns.map((c) => ({ name: c.name, type: c.type }))).toEqual(s.kit.typesColumns);
      // A statement that writes is refused, as read-only execution refuses it; a syntax error too.
      for (const sql of [s.kit.write, s.kit.syntaxError]) {
        const err = await s.connector.describeQuery(sql).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, sql).toBeInstanceOf(Error);
        expect(s.connector.classify(err), sql).toBe('permanent');
      }
    });

    test('classification', 'tells permanent from transient failures', async () => {
      const syntax = await s.connector.execute(s.kit.syntaxError).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(syntax).toBeInstanceOf(Error);
      expect(s.connector.classify(syntax)).toBe('permanent');
      if (s.kit.transientError) {
        const transient = await s.connector.execute(s.kit.transientError).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(s.connector.classify(transient)).toBe('transient');
      }
    });

    test('read-only', 'a read-only statement cannot write, by the engine’s own rule', async () => {
      const err = await s.connector.execute(s.kit.write, { readOnly: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(s.connector.classify(err)).toBe('permanent');
    });
  });
}
