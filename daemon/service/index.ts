/**
 * The service layer: the one API that the CLI, the HTTP server and (later) the MCP server call.
 * A capability is written once, here.
 */
import path from 'node:path';
import { analyzeParsed, type WorkflowAnalysis } from '../../compiler/analyze.js';
import { EMPTY_CATALOG, type Catalog } from '../../compiler/catalog.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import {
  getDialect,
  isDialectName,
  type DialectName,
  type DialectOptions,
} from '../../compiler/dialects/index.js';
import {
  describeComponent,
  describeComponents,
  expressionReference,
  expressionsDocument,
  type ComponentDoc,
  type ExpressionReference,
} from '../../compiler/docs.js';
import type { FunctionReference } from '../../compiler/expr/reference.js';
import { unknownFunctionHint } from '../../compiler/expr/resolve.js';
import { COMPONENT_IDS, getComponent } from '../../compiler/components/index.js';
import { nodeLineage } from '../../compiler/lineage.js';
import { checkWriteTargets, compilePlan } from '../../compiler/planner/plan.js';
import { compilePreview, type CountQuery } from '../../compiler/planner/preview.js';
import { didYouMean } from '../../compiler/suggest.js';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import type { Workflow } from '../../compiler/workflow/model.js';
import { ConnectorError, type Connector } from '../../connectors/connector.js';
import { mermaidDiagram } from '../../compiler/diagram.js';
// Types only: the assistant (and the openai client) load on the first request that needs them.
import type {
  AssistantDeps,
  AssistantResult,
  ConfiguredAssistant,
  GenerateRequest,
} from '../assistant/index.js';
import { liveCatalog } from '../catalog/live-catalog.js';
import { analyzeWithRawSql, undescribable } from '../catalog/raw-sql-columns.js';
import { Redactor } from '../secrets/redactor.js';
import type { LoadedConfig } from '../config/load.js';
import { limitSettings, type ConnectionConfig } from '../config/schema.js';
import { checkNotifySpec } from '../notify/rules.js';
import { DIALECT_OF, configuredDialectOptions } from '../connections.js';
import type { ConnectorPool } from './connectors.js';
import { boundParams } from './bindings.js';
import { CallerLimits } from './caller-limits.js';
import { CompileGate } from './compile-gate.js';
import { cutLongGeography } from './geography-preview.js';
import { ServiceError } from './errors.js';
import {
  PREVIEW_COUNT_BOUND,
  columnOf,
  tableDescription,
  tableEntry,
  type CompileResult,
  type ConnectionSummary,
  type EstimateResult,
  type PreviewResult,
  type PreviewTotal,
  type StatementEstimate,
  type TableDescription,
  type TableList,
  type ValidateResult,
} from './shapes/index.js';
import {
  RunService,
  type RunServiceOptions,
  type RunView,
  type SaveWorkflowResult,
  type ScheduleRequestInput,
  type StartRunRequest,
  type StartRunResult,
} from './runs.js';

export { ServiceError } from './errors.js';
export type { ServiceErrorCode } from './errors.js';
export type {
  LogRecord,
  RunRecord,
  ScheduleRecord,
  WorkflowSummary,
  WorkflowVersion,
} from '../store/index.js';
export type { Diagnostic } from '../../compiler/diagnostics.js';
export type { ComponentDoc, ExpressionReference } from '../../compiler/docs.js';
export type { FunctionReference } from '../../compiler/expr/reference.js';
export type { TableInfo } from '../../compiler/catalog.js';
export type { RunPlan, PlanStep } from '../../compiler/planner/plan.js';
export type { Estimate, TableListing } from '../../connectors/connector.js';
export type {
  CompileResult,
  ConnectionSummary,
  EstimateResult,
  PreviewResult,
  StatementEstimate,
  TableDescription,
  TableEntry,
  TableList,
  ValidateResult,
} from './shapes/index.js';
export type { WorkflowDoc } from '../../compiler/workflow/model.js';
export type {
  RunServiceOptions,
  RunView,
  RunStepView,
  SaveWorkflowResult,
  ScheduleRequestInput,
  StartRunRequest,
  StartRunResult,
} from './runs.js';

export interface ServiceOptions {
  /** The run store and executor settings: without them, workflow and run methods fail STATE_UNAVAILABLE. */
  runs?: RunServiceOptions;
  /** The assistant's endpoint settings (timeout, retries) and hooks; the endpoint itself is in the config. */
  assistant?: Pick<AssistantDeps, 'endpoint' | 'structuredOutput' | 'context' | 'onEvent'> & {
    env?: NodeJS.ProcessEnv;
  };
  /** What every answer goes through on its way out (default: one over the config's secrets). */
  redactor?: Redactor;
}

export type { AssistantResult, GenerateRequest } from '../assistant/index.js';

export const MAX_PREVIEW_ROWS = 1000;

const ASSISTANT_HINT =
  'add an assistant block to the config, e.g. assistant: { baseURL: ${env:OPENAI_BASE_URL}, model: gpt-4.1-mini, apiKey: ${env:OPENAI_API_KEY} } (any OpenAI-compatible endpoint: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server)';

export interface WorkflowRequest {
  /** The workflow: JSON/YAML text or an object. */
  workflow: unknown;
  /** Use this connection instead of the workflow's. */
  connection?: string;
  /** Compile for this dialect (offline, declared columns only, unless it is the connection's). */
  dialect?: string;
  /** Do not consult the live catalog. */
  offline?: boolean;
  /** Parameter values, where a raw-SQL node's input needs them to be described. */
  params?: Record<string, unknown>;
  /** Aborted when the caller stops waiting: it leaves the queue for a compile slot (compile-gate.ts). */
  signal?: AbortSignal;
}

/** How a request is analysed: compile and preview write the SQL, which checks dialect support itself. */
interface PrepareOptions {
  checkDialect?: boolean;
}

export interface Prepared {
  analysis: WorkflowAnalysis;
  connection: string;
  dialect: DialectName;
  catalog: 'live' | 'declared';
  offlineReason?: string;
}

/** What a preview or estimate carries besides the workflow: who waits for it, and who asks. */
export interface InteractiveWork {
  /** Aborted when the caller stops waiting (its client disconnected): the statement is stopped. */
  signal?: AbortSignal;
  /** Who asks (a token id): at most `limits.warehouseRequestsPerToken` such requests at once. */
  caller?: string;
}

export class Service {
  /** Workflows and runs (daemon/service/runs.ts); undefined without a run store. */
  readonly runs: RunService | undefined;

  constructor(
    readonly config: LoadedConfig,
    private readonly pool: ConnectorPool,
    opts: ServiceOptions = {},
  ) {
    this.runs = opts.runs ? new RunService(this, opts.runs) : undefined;
    this.assistantOptions = opts.assistant ?? {};
    this.redactor = opts.redactor ?? Redactor.forConfig(config, opts.assistant?.env);
    this.limits = limitSettings(config.config);
    this.callerLimits = new CallerLimits(this.limits.warehouseRequestsPerToken);
    this.compileGate = new CompileGate(this.limits.maxConcurrentCompiles);
  }

  /** At most `limits.maxConcurrentCompiles` analyses at once; the rest wait (compile-gate.ts). */
  readonly compileGate: CompileGate;

  /**
   * Runs `work` (which prepares and writes SQL) holding a compile slot: every analysis of the
   * service, the run service's included, goes through here, once per request (never nested).
   */
  analysing<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.compileGate.run(work, signal);
  }

  private readonly limits: ReturnType<typeof limitSettings>;
  private readonly callerLimits: CallerLimits;

  /**
   * The daemon's redactor (daemon/secrets/redactor.ts): the faces pass every answer through it,
   * the run store every error and log line it keeps.
   */
  readonly redactor: Redactor;

  private readonly assistantOptions: NonNullable<ServiceOptions['assistant']>;
  private configuredAssistant: ConfiguredAssistant | undefined;

  /** Whether the config has an `assistant` block. */
  hasAssistant(): boolean {
    return this.config.config.assistant !== undefined;
  }

  /**
   * The assistant: a plain-language request becomes a validated workflow (daemon/assistant/). It
   * reads tables and components and validates, nothing else: it never saves, runs or schedules.
   */
  async generateWorkflow(req: GenerateRequest): Promise<AssistantResult> {
    const { env, endpoint, ...rest } = this.assistantOptions;
    if (!this.hasAssistant())
      throw new ServiceError('ASSISTANT_NOT_CONFIGURED', 'the assistant is not configured', {
        hint: ASSISTANT_HINT,
      });
    const { assistantFromConfig, generateWorkflow } = await import('../assistant/index.js');
    this.configuredAssistant ??= assistantFromConfig(this.config, env ? { env } : {});
    const a = this.configuredAssistant;
    if (!a)
      throw new ServiceError('ASSISTANT_NOT_CONFIGURED', 'the assistant is not configured', {
        hint: ASSISTANT_HINT,
      });
    try {
      return await generateWorkflow(
        {
          service: this,
          client: a.client,
          model: a.model,
          ...rest,
          endpoint: { ...endpoint, redact: a.redact },
        },
        req,
      );
    } catch (e) {
      if (e instanceof ServiceError) {
        const message = a.redact(e.message);
        if (message === e.message) throw e;
        throw new ServiceError(e.code, message, e.details);
      }
      if (req.signal?.aborted) throw e;
      throw new ServiceError(
        'ASSISTANT_UNAVAILABLE',
        a.redact(`the assistant failed: ${(e as Error).message}`),
      );
    }
  }

  private runService(): RunService {
    if (!this.runs)
      throw new ServiceError(
        'STATE_UNAVAILABLE',
        'workflows and runs need the run store: this process was started without one (use `edgeflow serve` or `edgeflow run`)',
      );
    return this.runs;
  }

  // ------------------------------------------------ workflows and runs (daemon/service/runs.ts)

  /** Validates, then saves a new version unless the content equals the latest version's. */
  saveWorkflow(document: unknown): Promise<SaveWorkflowResult> {
    return this.runService().saveWorkflow(document);
  }

  getWorkflow(name: string, version?: number) {
    return this.runService().getWorkflow(name, version);
  }

  listWorkflows() {
    return this.runService().listWorkflows();
  }

  scheduleWorkflow(name: string, spec: ScheduleRequestInput) {
    return this.runService().scheduleWorkflow(name, spec);
  }

  unscheduleWorkflow(name: string) {
    return this.runService().unscheduleWorkflow(name);
  }

  getSchedule(name: string) {
    return this.runService().getSchedule(name);
  }

  listSchedules() {
    return this.runService().listSchedules();
  }

  /** Queued now, executed in the background; an idempotency key already used returns that run. */
  startRun(req: StartRunRequest): Promise<StartRunResult> {
    return this.runService().startRun(req);
  }

  getRun(id: string): RunView {
    return this.runService().getRun(id);
  }

  listRuns(q: { workflow?: string; status?: string; limit?: number; cursor?: string } = {}) {
    return this.runService().listRuns(q);
  }

  runLogs(id: string, opts: { after?: number; limit?: number } = {}) {
    return this.runService().runLogs(id, opts);
  }

  cancelRun(id: string) {
    return this.runService().cancelRun(id);
  }

  /** The daemon's start for runs: crash recovery, then queued runs execute as they come. */
  startRuns() {
    return this.runService().start();
  }

  components(): ComponentDoc[] {
    return describeComponents();
  }

  component(id: string): ComponentDoc {
    const def = getComponent(id);
    if (!def)
      throw new ServiceError('NOT_FOUND', `unknown component "${id}"`, {
        hint: didYouMean(id, COMPONENT_IDS, 'components'),
      });
    return describeComponent(def);
  }

  /** The expression language: syntax, every function with its dialect support, where it is used. */
  expressions(): ExpressionReference {
    return expressionReference();
  }

  /** The same reference as a markdown document (MCP's edgeflow://expressions). */
  expressionsMarkdown(): string {
    return expressionsDocument();
  }

  /** One function of the expression language. */
  expressionFunction(name: string): FunctionReference {
    const f = expressionReference().functions.find((x) => x.name === name.toLowerCase());
    if (!f)
      throw new ServiceError('NOT_FOUND', `unknown function "${name}"`, { hint: unknownFunctionHint(name) });
    return f;
  }

  /** The configured connections, without a single secret. */
  connections(): ConnectionSummary[] {
    return Object.entries(this.config.config.connections).map(([name, c]) => ({
      name,
      type: c.type,
      dialect: DIALECT_OF[c.type],
      ...(c.writeSchemas ? { writeSchemas: c.writeSchemas } : {}),
      ...(c.stagingSchema ? { stagingSchema: c.stagingSchema } : {}),
    }));
  }

  async listTables(connection: string, opts: { schema?: string } = {}): Promise<TableList> {
    const c = await this.pool.get(connection);
    const tables = await c.listTables(opts).catch(warehouseError);
    return { connection, tables: tables.map(tableEntry) };
  }

  async describeTable(connection: string, table: string): Promise<TableDescription> {
    const conf = this.config.config.connections[connection];
    const c = await this.pool.get(connection);
    const parts = getDialect(DIALECT_OF[conf!.type]).parseTableName(table);
    if (typeof parts === 'string') throw new ServiceError('INVALID_REQUEST', parts);
    const info = await c.describeTable(parts).catch(warehouseError);
    if (!info) {
      const names = (await c.listTables().catch(warehouseError)).map((t) => t.parts.join('.'));
      throw new ServiceError('NOT_FOUND', `table ${table} not found in connection "${connection}"`, {
        hint: didYouMean(table, names, 'tables'),
      });
    }
    return tableDescription(connection, info);
  }

  /**
   * Parse, pick the connection and dialect, load the live catalog when reachable, analyse. Call it
   * inside `analysing` (it takes no compile slot of its own, so that a caller holds one slot for
   * the analysis and the SQL written from it).
   */
  async prepare(req: WorkflowRequest, opts: PrepareOptions = {}): Promise<Prepared> {
    if (req.dialect !== undefined && !isDialectName(req.dialect)) {
      throw new ServiceError('INVALID_REQUEST', `unknown dialect "${req.dialect}"`, {
        hint: 'duckdb, postgres, bigquery or snowflake',
      });
    }
    // A document over the node limit stops here (TOO_MANY_NODES), before its shape is checked.
    const maxNodes = this.limits.maxNodes;
    const parsed = parseWorkflow(req.workflow, { maxNodes });
    const connection = req.connection ?? parsed.workflow?.connection ?? 'local';
    const conn = this.config.config.connections[connection];
    const dialect: DialectName =
      (req.dialect as DialectName | undefined) ?? (conn ? DIALECT_OF[conn.type] : 'duckdb');
    if (!parsed.workflow)
      return {
        analysis: analyzeParsed(parsed, { dialect, maxNodes }),
        connection,
        dialect,
        catalog: 'declared',
      };
    const { catalog, offlineReason, connector } = await this.catalogFor(parsed.workflow, connection, req);
    const own = conn ? DIALECT_OF[conn.type] : undefined;
    // A connection's capabilities (a toolbox location, an extension) apply to its own dialect only.
    const dialectOptions = conn && own === dialect ? await connectionDialectOptions(conn, connector) : {};
    const options = {
      dialect,
      catalog,
      maxNodes,
      ...(Object.keys(dialectOptions).length ? { dialectOptions } : {}),
      ...(opts.checkDialect === false ? { checkDialect: false } : {}),
    };
    // Raw SQL is described by the live connection, in its own dialect only.
    const analysis = !connector
      ? analyzeParsed(parsed, options)
      : own !== dialect
        ? analyzeParsed(parsed, {
            ...options,
            catalog: undescribable(
              catalog,
              `the workflow is compiled for ${dialect}, and connection "${connection}" speaks ${own}: a warehouse describes SQL of its own dialect only`,
            ),
          })
        : await analyzeWithRawSql(parsed, options, {
            connector,
            ...(req.params ? { params: req.params } : {}),
            ...(req.signal ? { signal: req.signal } : {}),
            timeoutMs: this.limits.previewTimeoutMs,
          });
    return {
      analysis,
      connection,
      dialect,
      catalog: catalog.live ? 'live' : 'declared',
      ...(offlineReason ? { offlineReason } : {}),
    };
  }

  private async catalogFor(
    wf: Workflow,
    connection: string,
    req: WorkflowRequest,
  ): Promise<{ catalog: Catalog; offlineReason?: string; connector?: Connector }> {
    const conn = this.config.config.connections[connection];
    if (req.offline) return { catalog: EMPTY_CATALOG, offlineReason: 'offline was asked for' };
    if (!conn)
      return { catalog: EMPTY_CATALOG, offlineReason: `connection "${connection}" is not in the config` };
    try {
      // Compiling for another dialect still uses this connection's columns: the question is the SQL.
      const c = await this.pool.get(connection);
      return { catalog: await liveCatalog(c, wf, getDialect(DIALECT_OF[conn.type])), connector: c };
    } catch (e) {
      const hint = e instanceof ServiceError ? (e.details as { hint?: string } | undefined)?.hint : undefined;
      const reason = (e as Error).message.split('\n')[0]!;
      return { catalog: EMPTY_CATALOG, offlineReason: hint ? `${reason} (${hint})` : reason };
    }
  }

  async validate(req: WorkflowRequest): Promise<ValidateResult> {
    return (await this.validateDocument(req)).result;
  }

  /** validate, and the parsed workflow it validated (what the run service saves). */
  validateDocument(req: WorkflowRequest): Promise<{ result: ValidateResult; workflow?: Workflow }> {
    return this.analysing(req.signal, async () => {
      const p = await this.prepare(req);
      // Where it may write is part of whether it is valid: a workflow that could never run is refused.
      const targets = checkWriteTargets(p.analysis, this.policy(p.connection));
      // Alert channels are the config's: a workflow naming one the daemon lacks is refused.
      const channels = checkNotifySpec(this.config.config.notify, p.analysis.workflow?.notify).map(
        (d): Diagnostic => ({ code: 'INVALID_VALUE', severity: 'error', ...d }),
      );
      return {
        result: validateResult(p, channels.length ? [...targets, ...channels] : targets),
        ...(p.analysis.workflow ? { workflow: p.analysis.workflow } : {}),
      };
    });
  }

  async compile(
    req: WorkflowRequest & {
      node?: string;
      plan?: boolean;
      params?: Record<string, unknown>;
      runId?: string;
    },
  ): Promise<CompileResult> {
    return this.analysing(req.signal, () => this.compileNow(req));
  }

  private async compileNow(req: Parameters<Service['compile']>[0]): Promise<CompileResult> {
    const p = await this.prepare(req, { checkDialect: false });
    const a = p.analysis;
    const base = {
      dialect: p.dialect,
      catalog: p.catalog,
      ...(p.offlineReason ? { offlineReason: p.offlineReason } : {}),
      ...(a.workflow ? { diagram: mermaidDiagram(a.workflow) } : {}),
    };
    const wantPlan = req.plan || (!req.node && (a.graph?.outputs.length ?? 0) > 0);
    if (wantPlan) {
      const { plan, diagnostics } = compilePlan(a, {
        ...(req.params ? { params: req.params } : {}),
        ...(req.runId ? { runId: req.runId } : {}),
        ...this.policy(p.connection),
      });
      return { ok: !!plan, ...base, ...(plan ? { plan } : {}), diagnostics };
    }
    const node = req.node ?? a.workflow?.nodes.at(-1)?.id;
    if (!node) return { ok: false, ...base, diagnostics: a.diagnostics };
    const { query, diagnostics } = compilePreview(a, {
      node,
      ...(req.params ? { params: req.params } : {}),
      paramMode: 'literal',
    });
    return {
      ok: !!query,
      ...base,
      node,
      ...(query ? { sql: query.sql, columns: query.columns.map(columnOf) } : {}),
      diagnostics,
    };
  }

  async preview(
    req: WorkflowRequest & {
      node: string;
      limit?: number;
      params?: Record<string, unknown>;
      /** Who asks, for the statement's label (default `preview`; the MCP server says `mcp`). */
      origin?: string;
    } & InteractiveWork,
  ): Promise<PreviewResult> {
    const limit = req.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PREVIEW_ROWS)
      throw new ServiceError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PREVIEW_ROWS}`);
    const leave = this.callerLimits.enter(req.caller, 'preview');
    try {
      return await this.runPreview(req, limit);
    } finally {
      leave();
    }
  }

  private async runPreview(req: Parameters<Service['preview']>[0], limit: number): Promise<PreviewResult> {
    // The compile slot is held while the SQL is written, not while the warehouse runs it.
    const { p, query, countQuery, diagnostics } = await this.analysing(req.signal, async () => {
      const p = await this.prepare({ ...req, offline: false }, { checkDialect: false });
      const type = this.config.config.connections[p.connection]?.type;
      return {
        p,
        ...compilePreview(p.analysis, {
          node: req.node,
          limit,
          ...(req.params ? { params: req.params } : {}),
          paramMode: 'bind',
          count: type && PREVIEW_COUNT[type] === 'window' ? 'window' : { bound: PREVIEW_COUNT_BOUND },
        }),
      };
    });
    if (!query) return { ok: false, node: req.node, limit, diagnostics };
    if (p.offlineReason)
      throw new ServiceError('CONNECTION_UNAVAILABLE', `cannot preview: ${p.offlineReason}`);
    const c = await this.pool.get(p.connection);
    const { signal, timeoutMs } = this.interactive(p.connection, req);
    // One deadline for the rows and their count: the preview timeout bounds the whole answer.
    const deadline = Date.now() + timeoutMs;
    const read = (q: CountQuery, maxRows: number) =>
      c.execute(q.sql, {
        ...boundParams(q),
        maxRows,
        readOnly: true,
        ...(signal ? { signal } : {}),
        timeoutMs: Math.max(1, deadline - Date.now()),
        label: {
          ...(p.analysis.workflow ? { workflow: p.analysis.workflow.name } : {}),
          origin: req.origin ?? 'preview',
        },
      });
    let rows: Array<Record<string, unknown>>;
    try {
      rows = ((await read(query, limit)).rows ?? []).map(plainRow);
      cutLongGeography(
        rows,
        query.columns.filter((c) => c.type.kind === 'geography').map((c) => c.name),
      );
    } catch (e) {
      return warehouseError(previewTimedOut(e, this.limits.previewTimeoutMs), query.sql);
    }
    let total: PreviewTotal;
    if (query.totalColumn !== undefined) {
      const column = query.totalColumn;
      total = { totalRows: rows.length === 0 ? 0 : Number(rows[0]![column]) };
      for (const row of rows) delete row[column];
    } else if (rows.length < limit) {
      // Fewer rows than asked for: that is all of them.
      total = { totalRows: rows.length };
    } else if (!countQuery || deadline - Date.now() <= 0) {
      total = { totalRowsUnknown: 'not counted: reading the rows took the whole preview timeout' };
    } else {
      try {
        const counted = Number(Object.values((await read(countQuery, 1)).rows?.[0] ?? {})[0]);
        total =
          counted > PREVIEW_COUNT_BOUND ? { totalRowsMoreThan: PREVIEW_COUNT_BOUND } : { totalRows: counted };
      } catch (e) {
        // A client that went away stops the preview; anything else leaves the rows without a total.
        if (signal?.aborted) return warehouseError(e, countQuery.sql);
        total = { totalRowsUnknown: countFailed(e, timeoutMs) };
      }
    }
    return {
      ok: true,
      node: req.node,
      limit,
      sql: query.sql,
      columns: query.columns.map(columnOf),
      rows,
      rowCount: rows.length,
      ...total,
      diagnostics,
    };
  }

  /**
   * The signal and timeout of a preview or estimate: the caller's signal (a client that goes away
   * stops the statement), and the preview timeout unless the connection's statementTimeout is
   * shorter.
   */
  private interactive(connection: string, req: InteractiveWork): { signal?: AbortSignal; timeoutMs: number } {
    const own = this.config.config.connections[connection]?.statementTimeout;
    return {
      ...(req.signal ? { signal: req.signal } : {}),
      timeoutMs:
        own !== undefined ? Math.min(own, this.limits.previewTimeoutMs) : this.limits.previewTimeoutMs,
    };
  }

  /**
   * What a workflow would read, as the warehouse estimates it before anything runs: one estimate
   * per output (the SELECT the output writes), or for a workflow without outputs the node asked for
   * (default: the last). BigQuery gives bytes (a dry run), PostgreSQL and DuckDB planner rows/cost.
   */
  async estimate(
    req: WorkflowRequest & { node?: string; params?: Record<string, unknown> } & InteractiveWork,
  ): Promise<EstimateResult> {
    const leave = this.callerLimits.enter(req.caller, 'estimate');
    try {
      return await this.runEstimate(req);
    } finally {
      leave();
    }
  }

  private async runEstimate(req: Parameters<Service['estimate']>[0]): Promise<EstimateResult> {
    // The compile slot is held while the SQL is written, not while the warehouse estimates it.
    const compiled = await this.analysing(req.signal, async () => {
      const p = await this.prepare({ ...req, offline: false }, { checkDialect: false });
      const a = p.analysis;
      const base = { connection: p.connection, dialect: p.dialect };
      const outputs = req.node ? [req.node] : (a.graph?.outputs ?? []);
      const nodes =
        outputs.length > 0 ? outputs : [a.workflow?.nodes.at(-1)?.id].filter((x) => x !== undefined);
      const fail = (diagnostics: Diagnostic[]): EstimateResult => ({
        ok: false,
        ...base,
        statements: [],
        note: 'nothing was estimated: the workflow has errors',
        diagnostics,
      });
      if (!a.workflow || nodes.length === 0) return fail(a.diagnostics);
      const plan = compilePlan(a, {
        ...(req.params ? { params: req.params } : {}),
        ...this.policy(p.connection),
      }).plan;
      const queries = [];
      for (const node of nodes) {
        const { query, diagnostics } = compilePreview(a, {
          node,
          ...(req.params ? { params: req.params } : {}),
          paramMode: 'bind',
        });
        if (!query) return fail(diagnostics);
        queries.push({ node, query });
      }
      return { p, a, base, plan, queries };
    });
    if (!('queries' in compiled)) return compiled;
    const { p, a, base, plan, queries } = compiled;
    if (p.offlineReason)
      throw new ServiceError('CONNECTION_UNAVAILABLE', `cannot estimate: ${p.offlineReason}`);
    const c = await this.pool.get(p.connection);
    const statements: StatementEstimate[] = [];
    for (const { node, query } of queries) {
      const step = plan?.steps.find((s) => s.target?.node === node);
      const one: StatementEstimate = {
        node,
        ...(step?.target ? { target: step.target.table, step: step.id } : {}),
        sql: query.sql,
      };
      try {
        // An estimate has no statement timeout of its own: the deadline stops it instead.
        const { signal, timeoutMs } = this.interactive(p.connection, req);
        const deadline = AbortSignal.timeout(timeoutMs);
        one.estimate = await c.estimate(query.sql, {
          ...boundParams(query),
          signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        });
      } catch (e) {
        one.error = (e as Error).message.split('\n')[0]!;
      }
      statements.push(one);
    }
    const all = <K extends 'bytesProcessed' | 'costUsd'>(k: K) =>
      statements.every((s) => s.estimate?.[k] !== undefined)
        ? statements.reduce((sum, s) => sum + (s.estimate?.[k] ?? 0), 0)
        : undefined;
    const totalBytes = all('bytesProcessed');
    const totalCostUsd = all('costUsd');
    return {
      ok: statements.every((s) => s.estimate !== undefined),
      ...base,
      statements,
      ...(totalBytes !== undefined ? { totalBytes } : {}),
      ...(totalCostUsd !== undefined ? { totalCostUsd } : {}),
      note: ESTIMATE_NOTES[c.type],
      diagnostics: a.diagnostics,
    };
  }

  /** A Mermaid flowchart of a workflow's DAG (undefined when the document does not parse). */
  diagram(workflow: unknown): { diagram?: string; diagnostics: Diagnostic[] } {
    const parsed = parseWorkflow(workflow, { maxNodes: this.limits.maxNodes });
    return {
      ...(parsed.workflow ? { diagram: mermaidDiagram(parsed.workflow) } : {}),
      diagnostics: parsed.diagnostics,
    };
  }

  /** Hears each new version of a saved workflow (the MCP server republishes workflow tools). */
  onWorkflowSaved(listener: (saved: { name: string; version: number }) => void): () => void {
    return this.runService().onWorkflowSaved(listener);
  }

  /** writeSchemas, staging schema and schema creation for a connection. */
  policy(connection: string): {
    writeSchemas?: string[];
    stagingSchema?: string;
    createSchemas?: 'staging' | 'all';
    defaultCatalog?: string;
  } {
    const c = this.config.config.connections[connection];
    if (!c) return {};
    const catalog = defaultCatalog(c);
    return {
      ...(c.writeSchemas ? { writeSchemas: c.writeSchemas } : {}),
      ...(catalog !== undefined ? { defaultCatalog: catalog } : {}),
      ...(c.stagingSchema ? { stagingSchema: c.stagingSchema } : {}),
      // An embedded DuckDB file belongs to edgeflow: it may create the schemas it writes to.
      ...(c.type === 'duckdb' ? { createSchemas: 'all' as const } : {}),
    };
  }

  /** The open connector of a connection (for the daemon's own work: seeding, runs). */
  connector(name: string) {
    return this.pool.get(name);
  }

  /** Stops the executor gracefully (running steps get its grace period), then closes connectors. */
  async close(opts: { graceMs?: number } = {}): Promise<void> {
    await this.runs?.shutdown(opts);
    await this.pool.closeAll();
  }
}

/**
 * The database (or project) a two-part table name of the connection is in, where the config says:
 * DuckDB names the catalog of a file after its base name (`local.duckdb` is `local`), BigQuery
 * the project, Snowflake the configured database. PostgreSQL's is inside the (secret) URL, and it
 * refuses cross-database names anyway.
 */
function defaultCatalog(c: ConnectionConfig): string | undefined {
  switch (c.type) {
    case 'duckdb':
      return c.path === ':memory:' ? 'memory' : path.basename(c.path).replace(/\.[^.]*$/, '');
    case 'bigquery':
      return c.projectId;
    case 'snowflake':
      return c.database;
    case 'databricks':
      return c.catalog;
    case 'sqlserver':
      return c.database;
    default:
      return undefined;
  }
}

/**
 * The config's dialect options for a connection, and what its database says (PostgreSQL's h3
 * extensions, asked once per connector); a database that cannot answer adds nothing.
 */
async function connectionDialectOptions(
  c: ConnectionConfig,
  connector: Connector | undefined,
): Promise<DialectOptions> {
  const fromDatabase = connector?.dialectOptions ? await connector.dialectOptions().catch(() => ({})) : {};
  return { ...configuredDialectOptions(c), ...fromDatabase };
}

function validateResult(p: Prepared, more: Diagnostic[] = []): ValidateResult {
  const a = p.analysis;
  const valid = a.valid && !more.some((d) => d.severity === 'error');
  const diagnostics = more.length ? [...a.diagnostics, ...more] : a.diagnostics;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    valid,
    ...(a.workflow ? { workflow: a.workflow.name } : {}),
    connection: p.connection,
    dialect: p.dialect,
    catalog: p.catalog,
    ...(p.offlineReason ? { offlineReason: p.offlineReason } : {}),
    errors,
    warnings: diagnostics.length - errors,
    diagnostics,
    ...(valid ? { lineage: nodeLineage(a) } : {}),
  };
}

const ESTIMATE_NOTES: Record<Connector['type'], string> = {
  duckdb:
    'DuckDB cannot estimate bytes or cost: it gives only its planner row estimate (no bytes, no price: it runs locally at no charge).',
  postgres: 'PostgreSQL gives its planner rows and cost units (not bytes, not money).',
  bigquery:
    'BigQuery dry run: bytes the query would read (what on-demand pricing bills), with a price where known.',
  snowflake:
    'Snowflake EXPLAIN gives the bytes the plan would scan after pruning, but no price: it bills warehouse time, which the plan does not predict.',
  redshift:
    'Redshift EXPLAIN gives its planner rows and cost units (not bytes, not money); the Data API has no EXPLAIN cost beyond the same text plan.',
  databricks:
    'Databricks EXPLAIN COST gives the bytes of the tables read (before file pruning) and, where they have statistics, the rows; no price: a SQL warehouse bills its uptime.',
  sqlserver:
    'SQL Server SHOWPLAN_XML gives the estimated subtree cost (optimizer units) and rows, not bytes or money; the statement is compiled, not run.',
  oracle:
    'Oracle EXPLAIN PLAN gives the optimizer cost (units, not money) and the estimated rows and bytes of the result; the statement is not run.',
};

/**
 * How a preview counts the node's rows on each warehouse (README: Previews). `bounded`: a second
 * statement counts at most PREVIEW_COUNT_BOUND + 1 rows, where the engine stops reading (DuckDB
 * and PostgreSQL cost time only; Snowflake bills the warehouse's time, already resumed by the
 * rows). `window`: BigQuery bills the bytes a statement reads, which a LIMIT never reduces, so a
 * second statement would bill the node's bytes again; the rows statement carries count(*) OVER ()
 * instead, and the count is exact for the bytes billed once.
 */
const PREVIEW_COUNT: Record<Connector['type'], 'bounded' | 'window'> = {
  duckdb: 'bounded',
  postgres: 'bounded',
  bigquery: 'window',
  snowflake: 'bounded',
  redshift: 'bounded',
  databricks: 'bounded',
  sqlserver: 'bounded',
  oracle: 'bounded',
};

/** Why the rows were not counted, in a sentence. */
function countFailed(e: unknown, timeoutMs: number): string {
  if (e instanceof ConnectorError && e.details.code === 'TIMEOUT')
    return `not counted: counting ran past the preview timeout (${timeoutMs / 1000} s: limits.previewTimeout, or the connection's statementTimeout if shorter)`;
  return `not counted: the count failed (${(e as Error).message.split('\n')[0]})`;
}

/** A preview stopped by the preview timeout says which setting to raise. */
function previewTimedOut(e: unknown, previewTimeoutMs: number): unknown {
  if (!(e instanceof ConnectorError) || e.details.code !== 'TIMEOUT') return e;
  return new ConnectorError(
    `the preview ran past its timeout and was stopped in the warehouse`,
    e.errorClass,
    {
      ...e.details,
      hint: `previews stop after ${previewTimeoutMs / 1000} s (limits.previewTimeout in the config) or the connection's statementTimeout if shorter: preview a narrower node, filter earlier, or run the workflow instead`,
    },
  );
}

/**
 * A warehouse failure as the service reports it: the connector's (redacted) message, its class,
 * code and hint, and the SQL (the connector's copy, which has the connection's secrets redacted).
 */
function warehouseError(e: unknown, sql?: string): never {
  if (e instanceof ServiceError) throw e;
  const c = e instanceof ConnectorError ? e : undefined;
  const shownSql = c?.details.sql ?? sql;
  throw new ServiceError('WAREHOUSE_ERROR', (e as Error).message, {
    ...(shownSql !== undefined ? { sql: shownSql } : {}),
    ...(c
      ? {
          errorClass: c.errorClass,
          ...(c.details.code ? { code: c.details.code } : {}),
          ...(c.details.hint ? { hint: c.details.hint } : {}),
        }
      : {}),
  });
}

/** Rows as plain JSON values: 64-bit integers as numbers when exact, else as text. */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k] = typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
  return out;
}
