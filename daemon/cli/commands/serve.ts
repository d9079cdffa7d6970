/**
 * `edgeflow serve`: the daemon. Opens the run store, listens (127.0.0.1 unless told otherwise) as
 * soon as it can answer, then seeds the demo warehouse on the embedded default's first start,
 * starts the executor (crash recovery first) and the scheduler, and prints where it is and where
 * its admin token is (a file only its owner can read; the store keeps only the token's hash).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve as serveHttp } from '@hono/node-server';
import { ensureAdminToken } from '../../auth/admin-token.js';
import { TokenAuthenticator } from '../../auth/tokens.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { limitSettings, runSettings } from '../../config/schema.js';
import { packagePath } from '../../package-root.js';
import { demoState, ensureDemo, installDemoWorkflows, type EnsureDemoResult } from '../../demo/index.js';
import { createHttpApp, loopbackHosts } from '../../http/app.js';
import { runDatasetsFromRecords } from '../../observability/lineage.js';
import { createLineageSink } from '../../observability/lineage-sink.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { DaemonMetrics } from '../../observability/metrics.js';
import { executorObserver, schedulerObserver } from '../../observability/run-observer.js';
import { Scheduler } from '../../scheduler/index.js';
import { runStoreSchedules } from '../../scheduler/run-store-schedules.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Redactor } from '../../secrets/redactor.js';
import { Service } from '../../service/index.js';
import type { createMcpHttpHandler } from '../../../mcp/http.js';
import { RunStore, type RunRecord } from '../../store/index.js';
import { UsageError, type Io } from '../io.js';

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`listen must be host:port, got "${listen}"`);
  const port = Number(m[2]);
  if (port < 0 || port > 65535) throw new UsageError(`listen port out of range: ${port}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

export async function serveCommand(
  flags: { config?: string; listen?: string },
  io: Io,
  signal?: AbortSignal,
): Promise<number> {
  const loaded = loadConfig(flags.config);
  const { host, port } = parseListen(flags.listen ?? loaded.config.listen);
  const statePath = path.resolve(loaded.baseDir, loaded.config.state);
  const stateDir = path.dirname(statePath);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // Log lines go where the command's other output goes (stderr), one JSON object a line.
  // One redactor for every way out: log lines, the run store, HTTP and MCP answers.
  const redactor = Redactor.forConfig(loaded);
  const logger = createLogger({ redactor, destination: { write: (line: string) => io.err(line) } });
  // The last line of defence: a failure nobody awaited is logged, and the daemon stays up.
  const onUnhandled = (reason: unknown) =>
    logger.error(
      { reason: reason instanceof Error ? reason.message : String(reason) },
      'unhandled rejection',
    );
  process.on('unhandledRejection', onUnhandled);
  const store = RunStore.open(statePath, { redactor });
  const metrics = new DaemonMetrics();
  // Queue depth: runs waiting for the executor to claim them, read when Prometheus scrapes.
  metrics.beforeScrape(() => metrics.queueDepth(store.runCounts().queued));
  const lineage = createLineageSink(loaded.config.lineage, { baseDir: loaded.baseDir, logger });
  const pool = new ConnectorPool(loaded);
  const service = new Service(loaded, pool, {
    redactor,
    runs: {
      store,
      executor: {
        onEvent: executorObserver({
          logger,
          metrics,
          lineage,
          lineageOf: (run) => lineageOf(loaded, store, run),
        }),
      },
    },
  });

  const limits = limitSettings(loaded.config);
  const admin = ensureAdminToken(stateDir, store);
  redactor.add(admin.token);
  // Set once listening (the port may be 0 until then); read by every request.
  let hosts: ReadonlySet<string> | undefined = undefined;
  // The MCP server (and its SDK) loads on the first /mcp request: a daemon no agent talks to
  // starts faster and stays smaller.
  let mcpHandler: Promise<ReturnType<typeof createMcpHttpHandler>> | undefined;
  const mcpLoaded = () =>
    (mcpHandler ??= import('../../../mcp/http.js').then((m) =>
      m.createMcpHttpHandler({
        service,
        version: packageVersion(),
        maxSessionsPerToken: limits.mcpSessionsPerToken,
        log: (message) => logger.warn({ component: 'mcp' }, message),
      }),
    ));
  const mcp = {
    handle: async (...args: Parameters<ReturnType<typeof createMcpHttpHandler>['handle']>) =>
      (await mcpLoaded()).handle(...args),
    close: async () => {
      if (mcpHandler) await (await mcpHandler).close();
    },
  };
  const app = createHttpApp({
    service,
    runs: service,
    authenticator: new TokenAuthenticator(store),
    logger,
    metrics,
    allowedHosts: () => hosts,
    version: packageVersion(),
    mcp,
  });
  // Listening first: /healthz answers while the rest starts (the demo check opens DuckDB).
  const server = serveHttp({ fetch: app.fetch, hostname: host, port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  hosts = loopbackHosts(host, actualPort);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  logger.info({ address: url, state: statePath, adminToken: admin.file }, 'listening');

  await prepareDemo(loaded, flags.config, service, pool, io, logger);
  const recovery = await service.startRuns();
  logger.info({ recovery }, 'executor started');
  const scheduler = new Scheduler({
    store: runStoreSchedules(store),
    startRun: (req) => service.startRun(req),
    overlap: runSettings(loaded.config).overlap,
    onEvent: schedulerObserver({ logger, metrics }),
  });
  service.runs?.attachScheduler(scheduler);
  await scheduler.start();
  logger.info({ schedules: scheduler.scheduleCount }, 'scheduler started');
  const stopping = new AbortController();
  warnAboutRoles(loaded, service, logger, stopping.signal);

  io.err(`edgeflow listening on ${url}`);
  const curl = `curl -H "Authorization: Bearer $(cat ${admin.file})" ${url}/v1/workflows`;
  if (admin.status === 'revoked')
    io.err(
      `the admin token in ${admin.file} was revoked: delete the file and restart for a new one, or create a token with \`edgeflow token create --scopes admin\``,
    );
  else
    io.err(
      `admin token ${admin.status === 'created' ? 'created' : admin.status === 'migrated' ? 'moved into the run store (hashed)' : 'kept'} in ${admin.file} (readable only by you): ${curl}`,
    );
  io.err(
    `MCP for agents: ${url}/mcp (Streamable HTTP; send the same token as "Authorization: Bearer …"; a read token sees only read tools) — see the README's "MCP" section for Claude Desktop and Cursor`,
  );
  if (!hosts) io.err(`warning: listening on ${host}, not only on this machine`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  stopping.abort();
  io.err('shutting down');
  logger.info('shutting down');
  await scheduler.stop();
  // New requests are refused while running steps get their grace period. MCP sessions end first:
  // their open SSE streams would hold the server open.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await mcp.close();
  await service.close();
  await closed;
  await lineage.flush();
  store.close();
  process.off('unhandledRejection', onUnhandled);
  logger.info('stopped');
  return 0;
}

/**
 * One warning line for each PostgreSQL connection whose role can do more than read and write
 * tables (a superuser, a member of pg_read_server_files…: README, "Warehouse roles"), since a
 * read-only preview does not stop a function that reads a server file. Checked in the background
 * once the daemon is up, so an unreachable warehouse does not hold the start up; connections of
 * other types are not opened (their drivers load on first use).
 */
function warnAboutRoles(loaded: LoadedConfig, service: Service, logger: Logger, stopping: AbortSignal): void {
  for (const [name, c] of Object.entries(loaded.config.connections)) {
    if (c.type !== 'postgres') continue;
    void (async () => {
      try {
        const p = await (await service.connector(name)).posture?.();
        if (!p?.warnings.length || stopping.aborted) return;
        logger.warn(
          { connection: name, role: p.role, warnings: p.warnings },
          `connection "${name}" logs in as role "${p.role}", which ${p.warnings.join('; ')}. Whatever of this a SELECT can reach, any token holder can, a read one through a preview: give edgeflow a least-privilege role (README.md, "Security" → "Warehouse roles")`,
        );
      } catch (e) {
        if (stopping.aborted) return;
        logger.warn(
          { connection: name, reason: (e as Error).message.split('\n')[0] },
          `cannot check what the role of connection "${name}" may do`,
        );
      }
    })();
  }
}

/**
 * The embedded default gets the demo warehouse on first start, and its workflows saved and
 * scheduled. Seeding runs in a child process (`edgeflow demo --seed-only`): DuckDB's buffers for
 * building ~1M orders are hundreds of MB, and a process rarely gives freed memory back, so the
 * daemon would keep them for its whole life. A failure here is reported and the daemon goes on
 * without the demo.
 */
async function prepareDemo(
  loaded: LoadedConfig,
  configFlag: string | undefined,
  service: Service,
  pool: ConnectorPool,
  io: Io,
  logger: Logger,
): Promise<void> {
  const local = loaded.config.connections['local'];
  if (local?.type !== 'duckdb') return;
  try {
    if (local.path !== ':memory:')
      mkdirSync(path.dirname(path.resolve(loaded.baseDir, local.path)), { recursive: true });
    const state = await demoState(await service.connector('local'));
    if (state === 'foreign') {
      io.err('main.orders exists and is not the demo dataset: the demo is not installed');
      return;
    }
    if (state !== 'present') {
      if (local.path === ':memory:') {
        await ensureDemo({ connector: await service.connector('local'), log: (l) => io.err(l) });
      } else {
        // The child opens the DuckDB file: this process lets go of it first.
        await pool.closeAll();
        const result = await seedInChild(configFlag);
        logger.info({ tables: result.tables, seconds: result.seconds }, 'demo warehouse seeded');
      }
    }
    const installed = await installDemoWorkflows(service);
    const saved = installed.filter((w) => w.status === 'saved');
    if (saved.length)
      io.err(`saved and scheduled the demo workflows: ${saved.map((w) => w.name).join(', ')}`);
  } catch (e) {
    logger.error({ reason: (e as Error).message }, 'cannot prepare the demo');
    io.err(
      `the demo could not be prepared (${(e as Error).message.split('\n')[0]}); the daemon runs without it`,
    );
  }
}

/** `edgeflow demo --seed-only` in a child: its progress and messages on our stderr, its result back. */
function seedInChild(configFlag: string | undefined): Promise<EnsureDemoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        packagePath('bin', 'edgeflow.js'),
        'demo',
        '--seed-only',
        ...(configFlag ? ['--config', configFlag] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`seeding exited with code ${code}`);
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as EnsureDemoResult);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** The datasets of a run for its OpenLineage events: its stored lineage and its document's sources. */
function lineageOf(loaded: LoadedConfig, store: RunStore, run: RunRecord) {
  const type = loaded.config.connections[run.connection]?.type;
  if (!type) return undefined;
  const document =
    run.version !== null
      ? store.getWorkflowVersion(run.workflow, run.version)?.document
      : store.getRunDocument(run.id);
  return { datasets: runDatasetsFromRecords(store.runLineage(run.id), document), connectionType: type };
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
