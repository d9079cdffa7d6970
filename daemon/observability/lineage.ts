/**
 * OpenLineage-shaped run events (https://openlineage.io/spec/2-0-2/OpenLineage.json): START when
 * a run starts, COMPLETE / FAIL / ABORT when it ends. The job is the workflow; inputs are the
 * tables its sources read; outputs are the tables it writes, each with its schema and the
 * column-lineage facet that schema propagation gives (compiler `outputLineage`).
 */
import { createHash } from 'node:crypto';
import type { WorkflowAnalysis } from '../../compiler/analyze.js';
import { outputLineage, type TableColumnRef } from '../../compiler/lineage.js';

export const PRODUCER = 'https://github.com/edgeflow/edgeflow';
const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACETS = 'https://openlineage.io/spec/facets';
/** Job namespace: every edgeflow job lives in it. */
export const JOB_NAMESPACE = 'edgeflow';

export type LineageEventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

interface Facet {
  _producer: string;
  _schemaURL: string;
}

export interface LineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, Facet & Record<string, unknown>>;
}

export interface LineageRunEvent {
  eventType: LineageEventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets: Record<string, Facet & Record<string, unknown>> };
  job: { namespace: string; name: string; facets: Record<string, Facet & Record<string, unknown>> };
  inputs: LineageDataset[];
  outputs: LineageDataset[];
}

export interface LineageRun {
  /** edgeflow's run id (kept in the `edgeflow` run facet; runId is a UUID derived from it). */
  runId: string;
  workflow: string;
  version?: number;
  trigger?: string;
  /** The connection the run reads and writes: datasets are named within it. */
  connection: { name: string; type: string };
}

/** The datasets a workflow reads and writes, worked out once per run from its analysis. */
export interface RunDatasets {
  inputs: string[];
  outputs: Array<{
    table: string;
    columns: Array<{ name: string; type: string }>;
    lineage: Record<string, TableColumnRef[]>;
  }>;
}

export function runDatasets(analysis: WorkflowAnalysis): RunDatasets {
  const inputs = new Set<string>();
  for (const node of analysis.workflow?.nodes ?? []) {
    if (node.type !== 'source.table') continue;
    // The table as the warehouse writes it, when the analysis resolved it; else as configured.
    const origin = analysis.nodes.get(node.id)?.analysis?.outputs['out']?.columns[0]?.from[0];
    const configured = (node.config as { table?: unknown } | undefined)?.table;
    const table = origin && 'table' in origin ? origin.table : configured;
    if (typeof table === 'string') inputs.add(table);
  }
  const byTable = new Map<string, RunDatasets['outputs'][number]>();
  for (const id of analysis.graph?.outputs ?? []) {
    const w = analysis.nodes.get(id)?.analysis?.write;
    if (!w) continue;
    byTable.set(w.tableText, {
      table: w.tableText,
      columns: w.columns.map((c) => ({ name: c.name, type: typeName(c.type) })),
      lineage: {},
    });
  }
  for (const l of outputLineage(analysis)) {
    const out = byTable.get(l.table);
    if (!out) continue;
    out.lineage[l.column] = l.sources;
    for (const s of l.sources) inputs.add(s.table);
  }
  return { inputs: [...inputs], outputs: [...byTable.values()] };
}

/**
 * The datasets of a run as the run store keeps its lineage (computed when the run was created)
 * plus the tables its document's sources read: no re-analysis, so a run resumed after a restart
 * reports the same datasets it started with. Column types are not kept there: no schema facet.
 */
export function runDatasetsFromRecords(
  lineage: ReadonlyArray<{
    outputTable: string;
    column: string;
    sourceTable: string | null;
    sourceColumn: string | null;
  }>,
  document?: unknown,
): RunDatasets {
  const inputs = new Set<string>();
  const nodes = (document as { nodes?: unknown } | undefined)?.nodes;
  if (Array.isArray(nodes))
    for (const n of nodes as Array<{ type?: unknown; config?: { table?: unknown } }>)
      if (n?.type === 'source.table' && typeof n.config?.table === 'string') inputs.add(n.config.table);
  const outputs = new Map<string, RunDatasets['outputs'][number]>();
  for (const l of lineage) {
    let o = outputs.get(l.outputTable);
    if (!o) outputs.set(l.outputTable, (o = { table: l.outputTable, columns: [], lineage: {} }));
    const sources = (o.lineage[l.column] ??= []);
    if (l.sourceTable !== null && l.sourceColumn !== null) {
      sources.push({ table: l.sourceTable, column: l.sourceColumn });
      inputs.add(l.sourceTable);
    }
  }
  return { inputs: [...inputs], outputs: [...outputs.values()] };
}

function typeName(t: { kind: string; precision?: number; scale?: number; native?: string }): string {
  if (t.kind === 'decimal') return `decimal(${t.precision},${t.scale})`;
  if (t.kind === 'other') return t.native ?? 'other';
  return t.kind;
}

/** Dataset namespace of a connection, as OpenLineage names warehouses: `duckdb://local`. */
export function datasetNamespace(connection: { name: string; type: string }): string {
  return `${connection.type}://${connection.name}`;
}

/** OpenLineage wants a UUID; an edgeflow run id that is not one maps to a stable UUID. */
export function lineageRunId(runId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(runId))
    return runId.toLowerCase();
  const h = createHash('sha1').update(`edgeflow-run:${runId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5 (name-based, SHA-1)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function facet(path: string): Facet {
  return { _producer: PRODUCER, _schemaURL: `${FACETS}/${path}` };
}

export function lineageEvent(
  type: LineageEventType,
  run: LineageRun,
  datasets: RunDatasets,
  opts: { at?: Date; error?: string } = {},
): LineageRunEvent {
  const ns = datasetNamespace(run.connection);
  const runFacets: LineageRunEvent['run']['facets'] = {
    edgeflow: {
      _producer: PRODUCER,
      _schemaURL: `${PRODUCER}/blob/main/docs/lineage.md#edgeflow-run-facet`,
      runId: run.runId,
      ...(run.version !== undefined ? { version: run.version } : {}),
      ...(run.trigger ? { trigger: run.trigger } : {}),
    },
  };
  if (type === 'FAIL' && opts.error)
    runFacets['errorMessage'] = {
      ...facet('1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet'),
      message: opts.error,
      programmingLanguage: 'SQL',
    };
  return {
    eventType: type,
    eventTime: (opts.at ?? new Date()).toISOString(),
    producer: PRODUCER,
    schemaURL: SPEC,
    run: { runId: lineageRunId(run.runId), facets: runFacets },
    job: {
      namespace: JOB_NAMESPACE,
      name: run.workflow,
      facets: {
        jobType: {
          ...facet('2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet'),
          processingType: 'BATCH',
          integration: 'EDGEFLOW',
          jobType: 'WORKFLOW',
        },
      },
    },
    inputs: datasets.inputs.map((name) => ({ namespace: ns, name })),
    outputs: datasets.outputs.map((o) => ({
      namespace: ns,
      name: o.table,
      facets: {
        ...(o.columns.length
          ? {
              schema: {
                ...facet('1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet'),
                fields: o.columns.map((c) => ({ name: c.name, type: c.type })),
              },
            }
          : {}),
        columnLineage: {
          ...facet('1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet'),
          fields: Object.fromEntries(
            Object.entries(o.lineage).map(([column, sources]) => [
              column,
              {
                inputFields: sources.map((s) => ({ namespace: ns, name: s.table, field: s.column })),
              },
            ]),
          ),
        },
      },
    })),
  };
}
