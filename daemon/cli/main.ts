/**
 * The `edgeflow` command line (DESIGN.md §1.5). The composition root: the only place that wires
 * the layers together.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load.js';
import { ConnectionError } from '../connections.js';
import { DaemonError } from './daemon-link.js';
import { ServiceError } from '../service/errors.js';
import { StoreError } from '../store/errors.js';
// Commands load when they run: `edgeflow serve` does not load the eval harness, `edgeflow mcp` not the HTTP server.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { formatForTerminal } from './format.js';
import { processIo, toJson, UsageError, type Io } from './io.js';

const USAGE = `edgeflow — compile analytical workflows into warehouse SQL, run and schedule them

usage:
  edgeflow validate FILE [--json] [--connection C] [--dialect D] [--offline]
  edgeflow compile FILE [--dialect D] [--node ID] [--plan] [--param k=v]… [--json]
  edgeflow preview FILE --node ID [--limit N] [--param k=v]… [--json]
  edgeflow run FILE|NAME [--connection C] [--param k=v]… [--idempotency-key K] [--json]
                                           runs once, now, with the daemon's executor; recorded in the run store
  edgeflow components [ID] [--json]
  edgeflow generate "REQUEST" [--connection C] [--out FILE] [--json]
                                           the assistant: a request becomes a validated workflow (printed, not saved)
  edgeflow eval [--model M] [--base-url U] [--cases GLOB] [--concurrency N] [--budget-usd X]
                [--price-in USD] [--price-out USD] [--out DIR] [--json]
                                           the assistant's eval suite; report (JSON + Markdown) in .evals/
                                           (prices: US dollars per 1M prompt / completion tokens, 0 by default)
  edgeflow eval --compare A.json B.json    the differences between two eval reports
  edgeflow serve [--listen HOST:PORT] [--demo]
                                           the daemon (HTTP API on 127.0.0.1:8787 by default, MCP at /mcp);
                                           --demo seeds the demo into a config's DuckDB "local" (without a
                                           config file the demo is seeded anyway)
  edgeflow mcp [--scope read|run|write|admin]
                                           MCP over stdio for desktop agents (scope run by default;
                                           stdout carries only MCP messages, logs go to stderr)
  edgeflow demo [--reseed] [--no-run] [--json]
                                           seeds the demo warehouse, saves, schedules and runs the demo workflows
  edgeflow token create --scopes read,run,write,admin [--name N] [--json]
                                           a new API token, printed once
  edgeflow token list [--json] | edgeflow token revoke ID

every command takes --config FILE (default: $EDGEFLOW_CONFIG, then ./edgeflow.yaml, then the
embedded DuckDB default). While \`edgeflow serve\` holds a DuckDB file, validate, compile, preview
and run on it go through that daemon (its <state dir>/daemon.json and admin.token) and say so.`;

const OPTIONS = {
  json: { type: 'boolean' },
  config: { type: 'string' },
  connection: { type: 'string' },
  dialect: { type: 'string' },
  offline: { type: 'boolean' },
  node: { type: 'string' },
  plan: { type: 'boolean' },
  param: { type: 'string', multiple: true },
  'run-id': { type: 'string' },
  'idempotency-key': { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  cases: { type: 'string' },
  concurrency: { type: 'string' },
  'budget-usd': { type: 'string' },
  'price-in': { type: 'string' },
  'price-out': { type: 'string' },
  compare: { type: 'boolean' },
  listen: { type: 'string' },
  scopes: { type: 'string' },
  scope: { type: 'string' },
  name: { type: 'string' },
  reseed: { type: 'boolean' },
  'no-run': { type: 'boolean' },
  'seed-only': { type: 'boolean' },
  demo: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    json = !!values.json;
    const [command, ...rest] = positionals;
    if (values.help || !command || command === 'help') {
      io.out(USAGE);
      return command || values.help ? 0 : 2;
    }
    const common = {
      ...(values.json ? { json: true } : {}),
      ...(values.config ? { config: values.config } : {}),
      ...(values.connection ? { connection: values.connection } : {}),
      ...(values.dialect ? { dialect: values.dialect } : {}),
      ...(values.offline ? { offline: true } : {}),
    };
    const file = () => {
      if (!rest[0]) throw new UsageError(`${command} needs a workflow FILE`);
      return rest[0];
    };
    switch (command) {
      case 'validate':
        return await (await import('./commands/validate.js')).validateCommand(file(), common, io);
      case 'compile':
        return await (
          await import('./commands/compile.js')
        ).compileCommand(
          file(),
          {
            ...common,
            ...(values.node ? { node: values.node } : {}),
            ...(values.plan ? { plan: true } : {}),
            ...(values.param ? { params: values.param } : {}),
            ...(values['run-id'] ? { runId: values['run-id'] } : {}),
          },
          io,
        );
      case 'preview':
        return await (
          await import('./commands/preview.js')
        ).previewCommand(
          file(),
          {
            ...common,
            ...(values.node ? { node: values.node } : {}),
            ...(values.limit ? { limit: values.limit } : {}),
            ...(values.param ? { params: values.param } : {}),
          },
          io,
        );
      case 'run':
        if (!rest[0]) throw new UsageError('run needs a workflow FILE or the NAME of a saved workflow');
        return await (
          await import('./commands/run.js')
        ).runCommand(
          rest[0],
          {
            ...common,
            ...(values.param ? { params: values.param } : {}),
            ...(values['idempotency-key'] ? { idempotencyKey: values['idempotency-key'] } : {}),
          },
          io,
        );
      case 'serve':
        return await (
          await import('./commands/serve.js')
        ).serveCommand(
          {
            ...(values.config ? { config: values.config } : {}),
            ...(values.listen ? { listen: values.listen } : {}),
            ...(values.demo ? { demo: true } : {}),
          },
          io,
        );
      case 'mcp':
        return await (
          await import('./commands/mcp.js')
        ).mcpCommand(
          {
            ...(values.config ? { config: values.config } : {}),
            ...(values.scope ? { scope: values.scope } : {}),
          },
          io,
        );
      case 'token':
        return (await import('./commands/token.js')).tokenCommand(
          rest,
          {
            ...common,
            ...(values.scopes ? { scopes: values.scopes } : {}),
            ...(values.name ? { name: values.name } : {}),
          },
          io,
        );
      case 'demo':
        return await (
          await import('./commands/demo.js')
        ).demoCommand(
          {
            ...(values.config ? { config: values.config } : {}),
            ...(values.json ? { json: true } : {}),
            ...(values.reseed ? { reseed: true } : {}),
            ...(values['no-run'] ? { noRun: true } : {}),
            ...(values['seed-only'] ? { seedOnly: true } : {}),
          },
          io,
        );
      case 'components':
        return (await import('./commands/components.js')).componentsCommand(rest[0], common, io);
      case 'generate':
        return await (
          await import('./commands/generate.js')
        ).generateCommand(
          rest.join(' ') || undefined,
          { ...common, ...(values.out ? { out: values.out } : {}) },
          io,
        );
      case 'eval':
        return await (
          await import('./commands/eval.js')
        ).evalCommand(
          rest,
          {
            ...(values.config ? { config: values.config } : {}),
            ...(values.json ? { json: true } : {}),
            ...(values.model ? { model: values.model } : {}),
            ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
            ...(values.cases ? { cases: values.cases } : {}),
            ...(values.concurrency ? { concurrency: values.concurrency } : {}),
            ...(values['budget-usd'] ? { budgetUsd: values['budget-usd'] } : {}),
            ...(values['price-in'] ? { priceIn: values['price-in'] } : {}),
            ...(values['price-out'] ? { priceOut: values['price-out'] } : {}),
            ...(values.out ? { out: values.out } : {}),
            ...(values.compare ? { compare: true } : {}),
          },
          io,
        );
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    return reportFailure(e, json, io);
  }
}

/** A service error's diagnostics, reason and hint, as people read them. */
function detailLines(details: unknown): string[] {
  if (!details || typeof details !== 'object') return [];
  const d = details as { diagnostics?: Diagnostic[]; offlineReason?: string; hint?: string; sql?: string };
  return [
    ...(d.diagnostics ?? []).filter((x) => x.severity === 'error').map(formatForTerminal),
    ...(d.offlineReason ? [`note: the connection's catalog could not be read: ${d.offlineReason}`] : []),
    ...(d.hint ? [`hint: ${d.hint}`] : []),
    ...(d.sql ? [`the statement:\n${d.sql}`] : []),
  ];
}

function reportFailure(e: unknown, json: boolean, io: Io): number {
  const known =
    e instanceof UsageError ||
    e instanceof ConfigError ||
    e instanceof ConnectionError ||
    e instanceof ServiceError ||
    e instanceof StoreError ||
    e instanceof DaemonError ||
    (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
  const code =
    e instanceof ConfigError
      ? 'INVALID_CONFIG'
      : e instanceof ConnectionError ||
          e instanceof ServiceError ||
          e instanceof StoreError ||
          e instanceof DaemonError
        ? e.code
        : known
          ? 'USAGE'
          : 'INTERNAL';
  const message = (e as Error).message;
  // The daemon's error answers carry the service's details (diagnostics, hint, the statement).
  const details = e instanceof ServiceError || e instanceof DaemonError ? e.details : undefined;
  if (json) io.out(toJson({ ok: false, error: { code, message, ...(details ? { details } : {}) } }));
  else {
    io.err(
      `edgeflow: ${message}${e instanceof UsageError || code === 'USAGE' ? '\nrun `edgeflow --help` for usage' : ''}`,
    );
    for (const line of detailLines(details)) io.err(line);
  }
  if (!known) io.err((e as Error).stack ?? '');
  return e instanceof ServiceError ? 1 : e instanceof DaemonError ? e.exitCode : known ? 2 : 3;
}
