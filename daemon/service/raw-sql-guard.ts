/**
 * The SQL a person or an agent writes into a workflow (`source.sql`, `sql`) must be one read-only
 * SELECT, and the judge is the warehouse's own parser and session, not a string check: before a
 * run is created, each such node's query — the node's own SELECT, the same nesting the run's
 * statements give it — runs with LIMIT 0 in a read-only session (the connector's `readOnly`:
 * a READ ONLY transaction and a single statement on DuckDB and PostgreSQL, a dry run that must be
 * a SELECT on BigQuery, a compile-only check on Snowflake). Text that breaks out of its
 * parentheses into a second statement, or into a data-modifying CTE, is refused there — and would
 * otherwise have run with the run's write rights.
 */
import type { WorkflowAnalysis } from '../../compiler/analyze.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { compilePreview } from '../../compiler/planner/preview.js';
import type { Connector } from '../../connectors/connector.js';
import { boundParams } from './bindings.js';
import { ServiceError } from './errors.js';

const RAW_SQL_COMPONENTS = new Set(['source.sql', 'sql']);

export async function checkRawSql(
  analysis: WorkflowAnalysis,
  connector: Connector,
  opts: { params?: Record<string, unknown>; label: { workflow?: string; run?: string; origin: string } },
): Promise<void> {
  const wf = analysis.workflow;
  if (!wf) return;
  for (const [index, node] of wf.nodes.entries()) {
    if (!RAW_SQL_COMPONENTS.has(node.type)) continue;
    const { query } = compilePreview(analysis, {
      node: node.id,
      limit: 0,
      paramMode: 'bind',
      ...(opts.params ? { params: opts.params } : {}),
    });
    if (!query) continue; // the plan reports why it cannot compile
    try {
      await connector.execute(query.sql, {
        ...boundParams(query),
        readOnly: true,
        maxRows: 0,
        label: opts.label,
      });
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0]!;
      if (connector.classify(e) === 'transient')
        throw new ServiceError('WAREHOUSE_ERROR', `cannot check the SQL of node "${node.id}": ${reason}`, {
          errorClass: 'transient',
          hint: 'the warehouse did not answer the read-only check that runs before a run with raw SQL is created; try again',
        });
      const diagnostic: Diagnostic = {
        severity: 'error',
        code: 'UNSUPPORTED',
        path: `$.nodes[${index}].config.sql`,
        nodeId: node.id,
        message: `the SQL of node "${node.id}" must be one read-only SELECT; the warehouse refused it: ${reason}`,
        hint: 'write a single SELECT (no semicolons, no statements that write); outputs are written by output.table nodes',
      };
      throw new ServiceError('INVALID_WORKFLOW', diagnostic.message, { diagnostics: [diagnostic] });
    }
  }
}
