/**
 * The columns of raw-SQL nodes (source.sql, sql) from the live connection, as users of CARTO's
 * custom SQL and of dbt expect: each node's query is described by the warehouse — read-only, LIMIT
 * 0, the probe the raw-SQL check runs before a run — and the analysis runs again with what it said.
 * A `sql` node is described with `{{in}}` standing for its input's SQL, so it waits until its input
 * is known: a chain source.sql → sql → sql takes one round per link (each round describes every
 * node that became describable, side by side). Declared columns are checked against the answer by
 * the components themselves (compiler/components/source-sql.ts).
 */
import { analyzeParsed, type AnalyzeOptions, type WorkflowAnalysis } from '../../compiler/analyze.js';
import type { Catalog, DescribedQuery } from '../../compiler/catalog.js';
import { compileDescribe, RAW_SQL_COMPONENTS } from '../../compiler/planner/describe.js';
import type { ParseResult } from '../../compiler/workflow/parse.js';
import type { Connector } from '../../connectors/connector.js';

export interface RawSqlDescribe {
  connector: Connector;
  params?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** analyzeParsed, with every raw-SQL node of the workflow described by `describe.connector`. */
export async function analyzeWithRawSql(
  parsed: ParseResult,
  opts: AnalyzeOptions & { catalog: Catalog },
  describe: RawSqlDescribe,
): Promise<WorkflowAnalysis> {
  const wf = parsed.workflow;
  const raw = wf?.nodes.filter((n) => RAW_SQL_COMPONENTS.has(n.type)).map((n) => n.id) ?? [];
  const described = new Map<string, DescribedQuery>();
  const catalog: Catalog = { ...opts.catalog, describeQuery: (id) => described.get(id) };
  let analysis = analyzeParsed(parsed, { ...opts, catalog });
  for (let round = 0; round < raw.length; round++) {
    const ready = raw
      .filter((id) => !described.has(id))
      .map((id) => ({
        id,
        query: compileDescribe(analysis, id, describe.params ? { params: describe.params } : {}),
      }))
      .filter((r) => r.query !== undefined);
    if (ready.length === 0) break;
    await Promise.all(
      ready.map(async ({ id, query }) => {
        try {
          const columns = await describe.connector.describeQuery(query!.sql, {
            params: query!.bindings.map((b) => b.value),
            paramNames: query!.bindings.map((b) => b.name),
            label: { ...(wf ? { workflow: wf.name } : {}), origin: 'describe' },
            ...(describe.signal ? { signal: describe.signal } : {}),
            ...(describe.timeoutMs !== undefined ? { timeoutMs: describe.timeoutMs } : {}),
          });
          described.set(id, { columns });
        } catch (e) {
          const message = (e as Error).message.split('\n')[0]!;
          const kind = describe.connector.classify(e);
          if (kind === 'cancelled') throw e;
          // The warehouse's own words (already free of the connection's secrets) when it refused
          // the SQL; a connection that cannot be reached says nothing about the SQL.
          described.set(
            id,
            kind === 'permanent'
              ? { error: message }
              : { unavailable: `the connection could not describe it (${message})` },
          );
        }
      }),
    );
    analysis = analyzeParsed(parsed, { ...opts, catalog });
  }
  return analysis;
}

/** A catalog whose raw-SQL nodes cannot be described, and why (said in SCHEMA_UNKNOWN). */
export function undescribable(catalog: Catalog, why: string): Catalog {
  return { ...catalog, describeQuery: () => ({ unavailable: why }) };
}
