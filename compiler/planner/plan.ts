/**
 * The run plan: an ordered list of steps, each a few statements with a purpose and the nodes it
 * covers. Shared upstream work that several outputs need is materialised once into the staging
 * schema; every output is written atomically in the best form the dialect has.
 */
import { createHash } from 'node:crypto';
import { unsupportedDiagnostic, type WorkflowAnalysis } from '../analyze.js';
import type { WriteMode, WriteSpec } from '../components/component.js';
import { UnsupportedError, childPath, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { Dialect } from '../dialects/dialect.js';
import type { GraphNode } from '../workflow/graph.js';
import type { Statement, WithQuery } from '../sql/ast.js';
import { MissingParamError, SqlWriter } from '../sql/writer.js';
import { Assembler, relKey, type RelationRef } from './assemble.js';
import { computeDemand } from './demand.js';
import { missingParam, resolveParams } from './params.js';

export interface PlanOptions {
  /** Names run-scoped staging tables; letters, digits and _ (default `manual`). */
  runId?: string;
  params?: Readonly<Record<string, unknown>>;
  /** Where run-scoped intermediate tables go (default `edgeflow_staging`). */
  stagingSchema?: string;
  /** When set, outputs may only write to these schemas. */
  writeSchemas?: readonly string[];
  /**
   * The database (Snowflake, DuckDB) or project (BigQuery) a two-part name is in, so that
   * `analytics.t` and `otherdb.analytics.t` are told apart; unknown: three-part targets are only
   * let through when a writeSchemas entry names their database.
   */
  defaultCatalog?: string;
  /**
   * `CREATE SCHEMA IF NOT EXISTS` for: nothing, the staging schema (default), or output schemas too
   * (right for an embedded database the daemon owns; a shared warehouse's schemas belong to its admins).
   */
  createSchemas?: 'none' | 'staging' | 'all';
}

export type StepKind = 'prepare' | 'materialize' | 'write' | 'cleanup';

export interface PlanStep {
  id: string;
  kind: StepKind;
  /** Why this step exists, in a sentence a person (or an agent) can read. */
  purpose: string;
  /** Nodes whose SQL this step runs. */
  nodes: string[];
  dependsOn: string[];
  statements: string[];
  /** Run the statements in one transaction (the dialect has transactional DDL). */
  transactional: boolean;
  target?: { table: string; mode: WriteMode; node: string };
  /** Staging tables this step creates: drop them if the run fails. */
  creates: string[];
}

export interface RunPlan {
  workflow: string;
  dialect: string;
  runId: string;
  steps: PlanStep[];
}

export function compilePlan(
  analysis: WorkflowAnalysis,
  opts: PlanOptions = {},
): { plan?: RunPlan; diagnostics: Diagnostic[] } {
  const diagnostics = [...analysis.diagnostics];
  const wf = analysis.workflow;
  const graph = analysis.graph;
  if (!wf || !graph || hasErrors(diagnostics)) return { diagnostics };
  const dialect = analysis.dialect;
  const runId = (opts.runId ?? 'manual').toLowerCase().replace(/[^a-z0-9_]/g, '_');

  const staging = dialect.parseTableName(opts.stagingSchema ?? 'edgeflow_staging');
  if (typeof staging === 'string') {
    diagnostics.push({
      severity: 'error',
      code: 'INVALID_NAME',
      path: '$',
      message: `staging schema: ${staging}`,
    });
    return { diagnostics };
  }
  const { values, diagnostics: paramDiags } = resolveParams(wf, opts.params);
  diagnostics.push(...paramDiags);
  diagnostics.push(...checkTargets(analysis, opts, staging));
  if (hasErrors(diagnostics)) return { diagnostics };

  const outputs = graph.outputs.map((id) => {
    const edge = graph.nodes.get(id)!.inputs[0]!;
    return {
      id,
      input: { node: edge.node, port: edge.outPort },
      write: analysis.nodes.get(id)!.analysis!.write!,
    };
  });
  const shared = sharedRelations(
    analysis,
    outputs.map((o) => ({ id: o.id, input: o.input })),
  );
  const materialized = new Map<string, string[]>();
  for (const r of shared.relations)
    materialized.set(relKey(r), [
      ...staging,
      stagingTableName(dialect, runId, `${r.node}${r.port === 'out' ? '' : `_${r.port}`}`),
    ]);
  // A staging table holds what all of its readers need (each write statement is pruned on its own).
  const demand = shared.relations.length
    ? computeDemand(analysis, graph.order, {
        roots: new Map(outputs.map((o) => [relKey(o.input), 'all' as const])),
      })
    : undefined;
  const materializedColumns = new Map(shared.relations.map((r) => [relKey(r), demand!.emitted(r)]));
  const asm = new Assembler(analysis, materialized, materializedColumns);
  const ownDemand = demand && statementsWithOwnDemand(analysis, asm, shared.relations, outputs);
  const writer = new SqlWriter(dialect, { params: 'literal', values });
  const sql = (s: Statement) => writer.statement(s);
  const tableText = (parts: string[]) => writer.table(parts);
  const steps: PlanStep[] = [];
  /** The output node being written, for errors that are not inside one relation (table hints). */
  let writing: string | undefined;

  try {
    const schemas = new Map<string, string[]>();
    const createSchemas = opts.createSchemas ?? 'staging';
    if (dialect.caps.createSchema && createSchemas !== 'none') {
      if (materialized.size) schemas.set(staging.join('.'), staging);
      if (createSchemas === 'all')
        for (const o of outputs)
          if (o.write.table.length > 1)
            schemas.set(o.write.table.slice(0, -1).join('.'), o.write.table.slice(0, -1));
    }
    if (schemas.size) {
      steps.push({
        id: 'prepare',
        kind: 'prepare',
        purpose: `Make sure the schema${schemas.size > 1 ? 's' : ''} ${[...schemas.values()].map(tableText).join(', ')} exist${schemas.size > 1 ? '' : 's'}.`,
        nodes: [],
        dependsOn: [],
        statements: [...schemas.values()].map((schema) => sql({ kind: 'create_schema', schema })),
        transactional: false,
        creates: [],
      });
    }
    const prepare = schemas.size ? ['prepare'] : [];
    const stepOf = new Map<string, string>();
    /** The steps that materialise what computing `q` reads (q's own step excluded when it is being computed). */
    const dependsOn = (q: RelationRef, computing: boolean) => {
      const deps = new Set(prepare);
      for (const r of asm.needed(q, computing)) {
        const s = stepOf.get(relKey(r));
        if (s && !(computing && relKey(r) === relKey(q))) deps.add(s);
      }
      return [...deps];
    };

    for (const r of shared.relations) {
      const table = materialized.get(relKey(r))!;
      const { query, nodes } = asm.relationQuery(
        r,
        demand!.columnsOf(r),
        ownDemand?.has(relKey(r)) ? demand : undefined,
        writer,
      );
      const id = `materialize:${asm.cteName(r)}`;
      const readers = shared.readers.get(relKey(r)) ?? { count: 0, first: [] };
      const named =
        readers.count > readers.first.length ? `${readers.first.join(', ')}, …` : readers.first.join(', ');
      steps.push({
        id,
        kind: 'materialize',
        purpose: `Compute ${asm.cteName(r)} once into ${tableText(table)}: ${readers.count} outputs (${named}) read it.`,
        nodes,
        dependsOn: dependsOn(r, true),
        statements: replaceStatements(dialect, table, query, sql),
        transactional: !dialect.caps.createOrReplaceTable && dialect.caps.transactionalDdl,
        creates: [tableText(table)],
      });
      stepOf.set(relKey(r), id);
    }

    for (const o of outputs) {
      writing = o.id;
      const { query, nodes } = asm.withQuery(
        o.input,
        (from) => ({ kind: 'select', items: [{ kind: 'star' }], from }),
        false,
        'all',
        ownDemand?.has(o.id) ? demand : undefined,
        writer,
      );
      const w = o.write;
      const target = tableText(w.table);
      steps.push({
        id: `write:${o.id}`,
        kind: 'write',
        purpose: writePurpose(dialect, w, target),
        nodes: [...nodes, o.id],
        dependsOn: dependsOn(o.input, false),
        statements: writeStatements(dialect, w, query, runId, sql),
        transactional: dialect.caps.transactionalDdl && needsTransaction(dialect, w),
        target: { table: w.tableText, mode: w.mode, node: o.id },
        creates: [],
      });
    }

    writing = undefined;
    if (materialized.size) {
      steps.push({
        id: 'cleanup',
        kind: 'cleanup',
        purpose: 'Drop the run’s staging tables.',
        nodes: [],
        dependsOn: steps.filter((s) => s.kind === 'write').map((s) => s.id),
        statements: [...materialized.values()].map((table) =>
          sql({ kind: 'drop_table', table, ifExists: true }),
        ),
        transactional: false,
        creates: [],
      });
    }
  } catch (e) {
    if (e instanceof MissingParamError) {
      diagnostics.push(missingParam(wf, e.param));
      return { diagnostics };
    }
    if (e instanceof UnsupportedError) {
      const node = e.relation ? asm.nodeOfCte(e.relation) : writing;
      diagnostics.push(unsupportedDiagnostic(e, dialect, node ? analysis.nodes.get(node) : undefined));
      return { diagnostics };
    }
    throw e;
  }
  return { plan: { workflow: wf.name, dialect: dialect.name, runId, steps }, diagnostics };
}

/**
 * The statements (materialised relations by key, outputs by id) whose every computed node no
 * other statement computes. For those the workflow-wide demand, computed anyway for the staging
 * tables, is exactly what a pass over the statement alone would give: each of their nodes is read
 * only from within the statement (a node computed elsewhere too may be asked for more there), and
 * the statement's root is asked for the same columns. Saves a second pass over most nodes.
 */
function statementsWithOwnDemand(
  analysis: WorkflowAnalysis,
  asm: Assembler,
  materialized: readonly RelationRef[],
  outputs: ReadonlyArray<{ id: string; input: RelationRef }>,
): Set<string> {
  const graph = analysis.graph!;
  const statements = [
    ...materialized.map((r) => ({ id: relKey(r), target: r, computing: true })),
    ...outputs.map((o) => ({ id: o.id, target: o.input, computing: false })),
  ];
  // By node index: how many statements compute the node.
  const computedBy = new Uint16Array(analysis.workflow!.nodes.length);
  const computed = statements.map((s) => {
    const nodes: number[] = [];
    for (const r of asm.computed(s.target, s.computing)) {
      const node = graph.nodes.get(r.node);
      if (!node) continue;
      // A node's relations are next to each other (node order, then port order).
      if (nodes[nodes.length - 1] === node.index) continue;
      computedBy[node.index] = Math.min(computedBy[node.index]! + 1, 2);
      nodes.push(node.index);
    }
    return nodes;
  });
  const own = new Set<string>();
  statements.forEach((s, i) => {
    if (computed[i]!.every((n) => computedBy[n] === 1)) own.add(s.id);
  });
  return own;
}

function needsTransaction(dialect: Dialect, w: WriteSpec): boolean {
  return w.mode === 'replace' ? !dialect.caps.createOrReplaceTable : w.mode !== 'create';
}

function writePurpose(dialect: Dialect, w: WriteSpec, target: string): string {
  switch (w.mode) {
    case 'replace':
      return dialect.caps.createOrReplaceTable
        ? `Replace ${target} atomically with CREATE OR REPLACE TABLE.`
        : `Build the new ${target} beside it, then drop the old table and rename the new one${dialect.caps.transactionalDdl ? ' in one transaction' : ' (DDL commits: not atomic)'}.`;
    case 'append':
      return `Append the rows to ${target} (created if missing).`;
    case 'merge':
      return `Merge the rows into ${target} on ${w.keys.join(', ')}: update matches, insert the rest (created if missing).`;
    case 'create':
      return `Create ${target}; fails if it already exists.`;
  }
}

/** CREATE OR REPLACE where the dialect has it; otherwise DROP + CREATE (run in one transaction). */
function replaceStatements(
  dialect: Dialect,
  table: string[],
  query: WithQuery,
  sql: (s: Statement) => string,
): string[] {
  if (dialect.caps.createOrReplaceTable)
    return [sql({ kind: 'create_table_as', table, query, replace: true })];
  return [
    sql({ kind: 'drop_table', table, ifExists: true }),
    sql({ kind: 'create_table_as', table, query, replace: false }),
  ];
}

function writeStatements(
  dialect: Dialect,
  w: WriteSpec,
  query: WithQuery,
  runId: string,
  sql: (s: Statement) => string,
): string[] {
  const columns = w.columns.map((c) => ({ name: c.name, type: c.type }));
  const names = w.columns.map((c) => c.name);
  const create: Statement = {
    kind: 'create_table',
    table: w.table,
    columns,
    ifNotExists: true,
    ...(w.hints ? { hints: w.hints } : {}),
  };
  switch (w.mode) {
    case 'replace': {
      if (dialect.caps.createOrReplaceTable)
        return [
          sql({
            kind: 'create_table_as',
            table: w.table,
            query,
            replace: true,
            ...(w.hints ? { hints: w.hints } : {}),
          }),
        ];
      // Built beside the target (same schema, so RENAME can swap it), then swapped in one transaction.
      const temp = [
        ...w.table.slice(0, -1),
        stagingTableName(dialect, runId, `${w.table[w.table.length - 1]}_new`),
      ];
      return [
        sql({ kind: 'drop_table', table: temp, ifExists: true }),
        sql({
          kind: 'create_table_as',
          table: temp,
          query,
          replace: false,
          ...(w.hints ? { hints: w.hints } : {}),
        }),
        sql({ kind: 'drop_table', table: w.table, ifExists: true }),
        sql({ kind: 'move_table', from: temp, to: w.table }),
      ];
    }
    case 'append':
      return [sql(create), sql({ kind: 'insert', table: w.table, columns: names, query })];
    case 'merge': {
      const merge: Statement = { kind: 'merge', table: w.table, keys: w.keys, columns: names, query };
      if (dialect.caps.mergeSource !== 'table') return [sql(create), sql(merge)];
      return [
        sql(create),
        ...(['stage', 'merge', 'unstage'] as const).map((step) => sql({ ...merge, step })),
      ];
    }
    case 'create':
      return [
        sql({
          kind: 'create_table_as',
          table: w.table,
          query,
          replace: false,
          ...(w.hints ? { hints: w.hints } : {}),
        }),
      ];
  }
}

/**
 * `ef_<run>_<name>`, folded as the warehouse folds unquoted names, shortened with a hash when it
 * would pass the dialect's identifier limit (PostgreSQL silently truncates at 63 bytes).
 */
export function stagingTableName(dialect: Dialect, runId: string, name: string): string {
  let base = `ef_${runId}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const max = Math.min(dialect.caps.maxIdentifierLength, 63);
  if (base.length > max) {
    const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
    base = `${base.slice(0, max - 9)}_${hash}`;
  }
  return dialect.newColumnName(base);
}

/**
 * Relations to materialise: needed by two or more outputs, and a branching point (some consumer
 * is needed by fewer outputs). Plain table reads are never materialised: reading twice is cheaper.
 */
function sharedRelations(
  analysis: WorkflowAnalysis,
  outputs: Array<{ id: string; input: RelationRef }>,
): { relations: RelationRef[]; readers: Map<string, { count: number; first: string[] }> } {
  // Which outputs read a materialised relation: the count, and the first few for the purpose text.
  const readers = new Map<string, { count: number; first: string[] }>();
  if (outputs.length < 2) return { relations: [], readers };
  const graph = analysis.graph!;
  // One pass in reverse topological order: which outputs read each relation, as a bit set per
  // relation (linear in nodes × outputs/32, where walking up from every output was quadratic).
  // A set is made only where edges meet: a port read by one node that is not an output reads
  // what that node's set holds, and a node with one port has that port's set, so a line of
  // transforms shares one set and is never copied (a 10,000-node workflow with 1,000 outputs has
  // 32 words a set: copying every node's was most of this function).
  const words = Math.ceil(outputs.length / 32);
  // By node index (arrays, not maps: a map of 10,000 entries is slow to grow): each node's
  // output number (-1: not an output), and where its set starts in one buffer (-1: not
  // analysed); a port's set start is in `portAt`, from `portFrom[node]`.
  const size = analysis.workflow!.nodes.length;
  const order: GraphNode[] = graph.order.map((id) => graph.nodes.get(id)!);
  const indexOf = (id: string) => graph.nodes.get(id)!.index;
  const outputOf = new Int32Array(size).fill(-1);
  outputs.forEach((o, i) => (outputOf[indexOf(o.id)] = i));
  const nodeAt = new Int32Array(size).fill(-1);
  const portFrom = new Int32Array(size);
  let ports = 0;
  for (const node of order) {
    portFrom[node.index] = ports;
    ports += node.def.outputs.length;
  }
  const portAt = new Int32Array(ports);
  // Slot 0 is the empty set (a port nobody reads); sets are added as they are needed.
  let sets = new Uint32Array(Math.max(64, words * 64));
  let used = words;
  const fresh = () => {
    if (used + words > sets.length) {
      const grown = new Uint32Array(sets.length * 2);
      grown.set(sets);
      sets = grown;
    }
    const at = used;
    used += words;
    return at;
  };
  const orInto = (target: number, source: number) => {
    for (let i = 0; i < words; i++) sets[target + i]! |= sets[source + i]!;
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const readers = graph.consumers.get(node.spec.id) ?? [];
    const outs = node.def.outputs;
    for (let port = 0; port < outs.length; port++) {
      const name = outs[port]!.name;
      let only = -1; // the one reader's index, while there is one
      let count = 0;
      for (const c of readers)
        if (c.outPort === name) {
          only = indexOf(c.consumer);
          count++;
        }
      let bits = 0;
      if (count === 1 && outputOf[only]! < 0) bits = Math.max(nodeAt[only]!, 0);
      else if (count > 0) {
        bits = fresh();
        for (const c of readers) {
          if (c.outPort !== name) continue;
          const consumer = indexOf(c.consumer);
          const o = outputOf[consumer]!;
          if (o >= 0) sets[bits + (o >>> 5)]! |= 1 << (o & 31);
          else if (nodeAt[consumer]! > 0) orInto(bits, nodeAt[consumer]!);
        }
      }
      portAt[portFrom[node.index]! + port] = bits;
    }
    if (outs.length <= 1) nodeAt[node.index] = outs.length ? portAt[portFrom[node.index]!]! : 0;
    else {
      const mine = fresh();
      for (let port = 0; port < outs.length; port++) orInto(mine, portAt[portFrom[node.index]! + port]!);
      nodeAt[node.index] = mine;
    }
  }
  // How many outputs read each set, counted once: sets are shared along lines, and a set has a
  // word per 32 outputs.
  const counts = new Int32Array(used / words).fill(-1);
  const popcount = (at: number) => {
    const slot = at / words;
    if (counts[slot]! >= 0) return counts[slot]!;
    let n = 0;
    for (let i = at; i < at + words; i++) {
      const w = sets[i]!;
      let v = w - ((w >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return (counts[slot] = n);
  };
  const out: RelationRef[] = [];
  for (const node of order) {
    if (node.def.id === 'source.table' || node.def.id === 'source.values') continue; // reading twice is cheaper
    const id = node.spec.id;
    for (let port = 0; port < node.def.outputs.length; port++) {
      const p = node.def.outputs[port]!;
      const bits = portAt[portFrom[node.index]! + port]!;
      const count = popcount(bits);
      if (count < 2) continue;
      // A branch point: some reader is an output, or is needed by fewer outputs than this is.
      const branching = (graph.consumers.get(id) ?? []).some((c) => {
        if (c.outPort !== p.name) return false;
        const consumer = indexOf(c.consumer);
        const reader = nodeAt[consumer]!;
        return outputOf[consumer]! >= 0 || (reader < 0 ? 0 : popcount(reader)) < count;
      });
      if (!branching) continue;
      const rel = { node: id, port: p.name };
      out.push(rel);
      const first: string[] = [];
      for (let w = 0; w < words && first.length < 5; w++)
        for (let v = sets[bits + w]!; v !== 0 && first.length < 5; v &= v - 1)
          first.push(outputs[w * 32 + (31 - Math.clz32(v & -v))]!.id);
      readers.set(relKey(rel), { count, first });
    }
  }
  return { relations: out, readers };
}

/**
 * The write-target checks of a plan (writeSchemas, the staging schema, duplicate targets) on
 * their own, for validation and saving: a workflow that could never run is refused when saved.
 */
export function checkWriteTargets(analysis: WorkflowAnalysis, opts: PlanOptions = {}): Diagnostic[] {
  if (!analysis.graph || hasErrors(analysis.diagnostics)) return [];
  const staging = analysis.dialect.parseTableName(opts.stagingSchema ?? 'edgeflow_staging');
  if (typeof staging === 'string') return [];
  return checkTargets(analysis, opts, staging);
}

/**
 * writeSchemas, the staging schema, and duplicate targets. A target's schema is compared as a
 * whole resolved path — database (or project) and schema — by the dialect's own name rules, never
 * by suffix: `"ANALYTICS".t` is another schema than `analytics` on PostgreSQL, and
 * `otherdb.analytics.t` is another database on Snowflake.
 */
function checkTargets(analysis: WorkflowAnalysis, opts: PlanOptions, staging: string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const graph = analysis.graph!;
  const dialect = analysis.dialect;
  const writeSchemas = opts.writeSchemas;
  const catalog = opts.defaultCatalog !== undefined ? dialect.foldName(opts.defaultCatalog) : undefined;
  const resolve = (schema: string[]): Array<string | undefined> =>
    schema.length >= 2 ? schema.slice(-2) : [catalog, schema[0]];
  // An unknown part is the connection's default database: it matches only another unknown one.
  const part = (a: string | undefined, b: string | undefined) =>
    a === undefined || b === undefined ? a === b : dialect.sameName(a, b);
  const same = (a: Array<string | undefined>, b: Array<string | undefined>) =>
    a.length === b.length && a.every((p, i) => part(p, b[i]));
  // Staging is refused when it may be the same schema: an unknown database may be the default.
  const maybeSame = (a: Array<string | undefined>, b: Array<string | undefined>) =>
    part(a[1], b[1]) && (a[0] === undefined || b[0] === undefined || part(a[0], b[0]));
  const allowed = writeSchemas
    ?.map((s) => dialect.parseTableName(s))
    .filter((p): p is string[] => typeof p !== 'string')
    .map(resolve);
  const stagingPath = resolve(staging);
  const seen = new Map<string, { node: string; mode: WriteMode }>();
  for (const id of graph.outputs) {
    const node = graph.nodes.get(id)!;
    const w = analysis.nodes.get(id)?.analysis?.write;
    if (!w) continue;
    const path = `${childPath(node.path, 'config')}.table`;
    const schema = w.table.slice(0, -1);
    const target = schema.length > 0 ? resolve(schema) : undefined;
    // The run's own tables and the append ledger live there, and are dropped with the run.
    if (target && maybeSame(target, stagingPath)) {
      out.push({
        severity: 'error',
        code: 'WRITE_NOT_ALLOWED',
        path,
        nodeId: id,
        message: `${schema.join('.')} is edgeflow's staging schema: its tables are the runs' own and are dropped`,
        hint: `write to another schema${writeSchemas ? `: one of ${writeSchemas.join(', ')}` : ''}`,
      });
      continue;
    }
    if (allowed) {
      const ok = target !== undefined && allowed.some((a) => same(a, target));
      if (!ok) {
        out.push({
          severity: 'error',
          code: 'WRITE_NOT_ALLOWED',
          path,
          nodeId: id,
          message:
            schema.length === 0
              ? `${w.tableText} has no schema, and this connection only writes to listed schemas`
              : `this connection may not write to schema ${schema.join('.')}${schema.length > 1 || catalog === undefined ? '' : ` (in ${catalog})`}`,
          hint: `write to one of: ${writeSchemas!.join(', ')} (writeSchemas in the connection config), e.g. ${writeSchemas![0]}.${w.table[w.table.length - 1]}`,
        });
      }
    }
    const key = w.table.join('.').toLowerCase();
    const prev = seen.get(key);
    if (prev && !(prev.mode === 'append' && w.mode === 'append')) {
      out.push({
        severity: 'error',
        code: 'DUPLICATE_TARGET',
        path,
        nodeId: id,
        message: `${w.tableText} is also written by node "${prev.node}"`,
        hint: 'write each table from one output (several outputs may only append to the same table)',
      });
    } else seen.set(key, { node: id, mode: w.mode });
  }
  return out;
}
