/**
 * `edgeflow serve`: the daemon. Opens the run store, listens (127.0.0.1 unless told otherwise) as
 * soon as it can answer, starts the executor (crash recovery first) and the scheduler, and prints
 * where it is and where its admin token is (a file only its owner can read; the store keeps only
 * the token's hash). The demo warehouse is seeded, and its workflows saved and scheduled, only for
 * the zero-config default (no config file) or `--demo`: a company's config never gets demo data.
 * The demo seeds while the daemon already answers; requests that need `local` wait for it, and the
 * executor and scheduler start once it is done (GET /readyz says when).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { serve as serveHttp } from '@hono/node-server';
import { ensureAdminToken } from '../../auth/admin-token.js';
import { TokenAuthenticator } from '../../auth/tokens.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { limitSettings, runSettings } from '../../config/schema.js';
import { stateLocation } from '../../config/state.js';
import { packagePath } from '../../package-root.js';
import { demoState, ensureDemo, installDemoWorkflows, type EnsureDemoResult } from '../../demo/index.js';
import { createHttpApp, loopbackHosts } from '../../http/app.js';
import { uiBuilt } from '../../http/static-ui.js';
import { runDatasetsFromRecords } from '../../observability/lineage.js';
import { createLineageSink } from '../../observability/lineage-sink.js';
import { createLogger, type Logger } from '../../observability/logger.js';
import { DaemonMetrics } from '../../observability/metrics.js';
import { Readiness } from '../../observability/readiness.js';
import { executorObserver, notifierObserver, schedulerObserver } from '../../observability/run-observer.js';
import { Scheduler, type SchedulerEvent } from '../../scheduler/index.js';
import { runStoreSchedules } from '../../scheduler/run-store-schedules.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Redactor } from '../../secrets/redactor.js';
import { Service } from '../../service/index.js';
import type { createMcpHttpHandler } from '../../../mcp/http.js';
import { RunStore, type RunRecord } from '../../store/index.js';
import { publishDaemon } from '../daemon-file.js';
import { UsageError, type Io } from '../io.js';

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(listen);
  if (!m) throw new UsageError(`listen must be host:port, got "${listen}"`);
  const port = Number(m[2]);
  if (port < 0 || port > 65535) throw new UsageError(`listen port out of range: ${port}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The longest a seeding of the demo may take (10–20 s is usual); then it is stopped. */
export const DEMO_SEED_TIME_LIMIT_MS = 5 * 60_000;

/**
 * Whether this daemon gets the demo: the zero-config default does (no config file was found), a
 * config only with `--demo`, which needs its `local` connection to be DuckDB (a usage error
 * otherwise). `reason`: why not, for the one log line that says so.
 */
export function demoChoice(
  loaded: LoadedConfig,
  demoFlag: boolean,
): { install: true } | { install: false; reason: string } {
  const local = loaded.config.connections['local'];
  if (demoFlag) {
    if (local?.type !== 'duckdb')
      throw new UsageError(
        `serve --demo seeds the demo into the DuckDB connection "local"; ${local ? `"local" is ${local.type} in ${loaded.file ?? 'this config'}` : `${loaded.file ?? 'this config'} has no connection "local"`}`,
      );
    return { install: true };
  }
  if (loaded.file === undefined) return { install: true };
  return {
    install: false,
    reason: `the daemon runs on the config ${loaded.file}, and a config gets no demo data or demo workflows unless asked: \`edgeflow serve --demo\` or \`edgeflow demo\` seeds them into its DuckDB connection "local"`,
  };
}

export async function serveCommand(
  flags: { config?: string; listen?: string; demo?: boolean },
  io: Io,
  signal?: AbortSignal,
): Promise<number> {
  const loaded = loadConfig(flags.config);
  const demo = demoChoice(loaded, flags.demo === true);
  const { host, port } = parseListen(flags.listen ?? loaded.config.listen);
  // The run store: a SQLite file, or a PostgreSQL database shared with other daemons (its local
  // files — the admin token, daemon.json — then go to `stateDir`).
  const state = stateLocation(loaded);
  const stateDir = state.dir;
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
  if (!demo.install) logger.info({ reason: demo.reason }, 'the demo is not installed');
  // What /readyz waits for, in the order the daemon does it.
  const readiness = new Readiness();
  const demoSeeded = demo.install ? readiness.begin('demo seeding') : undefined;
  const demoInstalled = demo.install ? readiness.begin('demo workflows') : undefined;
  const executorStarted = readiness.begin('executor');
  const schedulerStarted = readiness.begin('scheduler');
  const store = RunStore.open(state.target, { redactor });
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
      notify: { onEvent: notifierObserver({ logger, metrics }) },
    },
  });

  const limits = limitSettings(loaded.config);
  // The web UI's files, built by `npm run build` (npm install runs it). Without them the daemon
  // runs as before and / answers a page that says how to build them.
  const uiDir = packagePath('dist', 'ui');
  if (!uiBuilt(uiDir))
    logger.warn(
      { dir: uiDir },
      'the web UI is not built (its files are missing): run `npm run build`; the API and MCP work without it',
    );
  // On a run store shared by several daemons, each daemon's admin token is its own.
  const admin = ensureAdminToken(
    stateDir,
    store,
    state.backend === 'postgres' ? `admin.token@${hostname()}:${stateDir}` : undefined,
  );
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
    waitingFor: () => readiness.waitingFor(),
    uiDir,
  });
  // Listening first: /healthz and /readyz answer while the rest starts (the demo check opens DuckDB).
  const server = serveHttp({ fetch: app.fetch, hostname: host, port });
  const listening = new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const stopping = new AbortController();
  // The demo's data, seeded once the daemon answers. Until it is there `local` does not open: a
  // request that needs it waits (at most the seeding's time limit), rather than fail on the lock
  // the seeding child holds on the DuckDB file.
  const seeding = demo.install
    ? listening.then(
        () => seedDemoWarehouse(loaded, pool, io, logger, stopping.signal),
        () => false,
      )
    : undefined;
  if (seeding) {
    pool.holdUntil('local', seeding, {
      reason: 'the demo warehouse is being seeded',
      timeoutMs: DEMO_SEED_TIME_LIMIT_MS,
      hint: 'seeding the demo takes 10–20 s on most machines: try again when GET /readyz answers 200',
    });
    void seeding.then(demoSeeded);
  }
  await listening;
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  hosts = loopbackHosts(host, actualPort);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  // Links in alerts: the config's publicUrl, else this address.
  service.runs?.setPublicUrl(url);
  logger.info({ address: url, state: state.display, adminToken: admin.file }, 'listening');
  // Where the CLI of the same user finds this daemon when it holds a DuckDB file (cli/daemon-link.ts).
  const published = publishDaemon(loaded, url);

  const scheduler = new Scheduler({
    store: runStoreSchedules(store),
    startRun: (req) => service.startRun(req),
    overlap: runSettings(loaded.config).overlap,
    onEvent: (() => {
      const observe = schedulerObserver({ logger, metrics });
      return (e: SchedulerEvent) => {
        observe(e);
        service.runs?.notifier.onSchedulerEvent(e);
      };
    })(),
  });
  // With the demo, the executor and the scheduler start once its data and workflows are there: a
  // run on `local` (a scheduled fire, one recovered after a crash) never starts against a
  // warehouse being seeded. Runs asked for meanwhile are queued and claimed then.
  const startup = (async () => {
    if (seeding) {
      if ((await seeding) && !stopping.signal.aborted) await installDemo(service, io, logger);
      demoInstalled!();
    }
    if (stopping.signal.aborted) return;
    const recovery = await service.startRuns();
    executorStarted();
    logger.info({ recovery }, 'executor started');
    if (stopping.signal.aborted) return;
    service.runs?.attachScheduler(scheduler);
    await scheduler.start();
    schedulerStarted();
    logger.info({ schedules: scheduler.scheduleCount }, 'scheduler started');
  })();
  let startupFailed: { error: unknown } | undefined;
  const started = startup.catch((error: unknown) => {
    startupFailed = { error };
    logger.error({ reason: (error as Error).message }, 'the daemon could not start');
  });
  // A configured daemon is ready when it says it listens (as before); the demo's is reachable
  // while it seeds, which is the point of listening first.
  if (!seeding) await started;
  if (!startupFailed) {
    warnAboutRoles(loaded, service, logger, stopping.signal);
    printWhereItIs(io, url, admin, host, !hosts);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
    void started.then(() => {
      if (startupFailed) stop();
    });
  });
  stopping.abort();
  io.err('shutting down');
  logger.info('shutting down');
  // The abort stops a seeding child; nothing starts after this.
  await started;
  await scheduler.stop();
  // New requests are refused while running steps get their grace period. MCP sessions end first:
  // their open SSE streams would hold the server open.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await mcp.close();
  await service.close();
  await closed;
  await lineage.flush();
  store.close();
  published.remove();
  process.off('unhandledRejection', onUnhandled);
  logger.info('stopped');
  if (startupFailed) throw startupFailed.error;
  return 0;
}

/** Where the daemon is, where its admin token is, and where agents connect. */
function printWhereItIs(
  io: Io,
  url: string,
  admin: ReturnType<typeof ensureAdminToken>,
  host: string,
  notOnlyHere: boolean,
): void {
  io.err(`edgeflow listening on ${url}`);
  io.err(`web UI: ${url}/ (sign in with a token)`);
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
  if (notOnlyHere) io.err(`warning: listening on ${host}, not only on this machine`);
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
 * The demo warehouse in `local`'s DuckDB, unless it is there: whether its data is there afterwards
 * (then its workflows are installed). Seeding a file runs in a child process (`edgeflow demo
 * --seed-only`): DuckDB's buffers for building ~1M orders are hundreds of MB, and a process rarely
 * gives freed memory back, so the daemon would keep them for its whole life. A failure is reported
 * and the daemon goes on without the demo.
 */
async function seedDemoWarehouse(
  loaded: LoadedConfig,
  pool: ConnectorPool,
  io: Io,
  logger: Logger,
  stopping: AbortSignal,
): Promise<boolean> {
  const local = loaded.config.connections['local'];
  if (local?.type !== 'duckdb') return false;
  try {
    if (local.path !== ':memory:')
      mkdirSync(path.dirname(path.resolve(loaded.baseDir, local.path)), { recursive: true });
    // The pool holds `local` for everyone else until this settles.
    const connector = await pool.get('local', { duringHold: true });
    const state = await demoState(connector);
    if (state === 'present') return true;
    if (state === 'foreign') {
      logger.info({ reason: 'main.orders exists and is not the demo dataset' }, 'the demo is not installed');
      io.err('main.orders exists and is not the demo dataset: the demo is not installed');
      return false;
    }
    io.err(
      'seeding the demo warehouse; meanwhile requests that need connection "local" wait for it (GET /readyz answers 200 once the daemon is ready)',
    );
    if (local.path === ':memory:') {
      await ensureDemo({ connector, log: (l) => io.err(l) });
      return true;
    }
    // The child opens the DuckDB file: this process lets go of it first.
    await pool.close('local');
    const result = await seedInChild(loaded.file, { stopping, timeoutMs: DEMO_SEED_TIME_LIMIT_MS });
    logger.info({ tables: result.tables, seconds: result.seconds }, 'demo warehouse seeded');
    return true;
  } catch (e) {
    // Stopped by a shutdown is no failure: the next start finds the seeding interrupted and redoes it.
    if (stopping.aborted) logger.info({ reason: (e as Error).message }, 'the demo was not prepared');
    else {
      logger.error({ reason: (e as Error).message }, 'cannot prepare the demo');
      io.err(
        `the demo could not be prepared (${(e as Error).message.split('\n')[0]}); the daemon runs without it`,
      );
    }
    return false;
  }
}

/** Saves and schedules the demo workflows that are not saved yet. */
async function installDemo(service: Service, io: Io, logger: Logger): Promise<void> {
  try {
    const installed = await installDemoWorkflows(service);
    const saved = installed.filter((w) => w.status === 'saved');
    if (saved.length)
      io.err(`saved and scheduled the demo workflows: ${saved.map((w) => w.name).join(', ')}`);
  } catch (e) {
    logger.error({ reason: (e as Error).message }, 'cannot install the demo workflows');
    io.err(
      `the demo workflows could not be saved (${(e as Error).message.split('\n')[0]}); the daemon runs without them`,
    );
  }
}

/**
 * `edgeflow demo --seed-only` in a child: its progress and messages on our stderr, its result back.
 * Stopped (SIGTERM, then SIGKILL) past `timeoutMs` or when the daemon stops; an interrupted
 * seeding is found and redone on the next start.
 */
function seedInChild(
  configFile: string | undefined,
  opts: { stopping: AbortSignal; timeoutMs: number },
): Promise<EnsureDemoResult> {
  return new Promise((resolve, reject) => {
    if (opts.stopping.aborted) return reject(new Error('the daemon is stopping'));
    const child: ChildProcess = spawn(
      process.execPath,
      [
        ...process.execArgv,
        packagePath('bin', 'edgeflow.js'),
        'demo',
        '--seed-only',
        ...(configFile ? ['--config', configFile] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    let stoppedBecause: string | undefined;
    let killer: NodeJS.Timeout | undefined;
    const stop = (why: string) => {
      if (stoppedBecause !== undefined || child.exitCode !== null) return;
      stoppedBecause = why;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    };
    const limit = setTimeout(
      () => stop(`it took longer than ${Math.round(opts.timeoutMs / 1000)} s`),
      opts.timeoutMs,
    );
    const onStop = () => stop('the daemon is stopping');
    opts.stopping.addEventListener('abort', onStop, { once: true });
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(limit);
      clearTimeout(killer);
      opts.stopping.removeEventListener('abort', onStop);
      try {
        if (stoppedBecause !== undefined)
          throw new Error(`seeding was stopped: ${stoppedBecause} (the next start seeds again)`);
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
