/**
 * `edgeflow mcp [--scope S]`: the MCP server over stdio, for desktop agents (Claude Desktop,
 * Cursor…) that start it as a child process. stdout carries MCP messages only: every log line and
 * message goes to stderr (which the agent's app shows as the server's log).
 *
 * The scope of a stdio session is `run` unless `--scope` says otherwise. The agent runs as the
 * local user, who owns the config and could do anything with the CLI; but an agent acts on text
 * it reads (table rows, column comments, a prompt injected anywhere), so the default lets it
 * explore, validate, compile, preview and run the workflows the user saved, and not save, change
 * or schedule workflows (which decide what gets written to the warehouse). `--scope write` (or
 * `admin`) gives it that, deliberately.
 *
 * Like `edgeflow run`, runs the agent starts execute in this process with the daemon's executor
 * and are recorded in the run store; this process does not take over other processes' runs (no
 * crash recovery, no scheduler: that is the daemon's). A run still going when the agent closes the
 * session gets the executor's grace period, then is handed back, for `edgeflow serve` to resume.
 *
 * An embedded DuckDB file is held by one process at a time: with `edgeflow serve` running on the
 * same file, this command cannot open it, and says to use the daemon's Streamable HTTP endpoint
 * (`/mcp`) instead.
 */
import { mkdirSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../../../mcp/server.js';
import { isScope, SCOPES, type Scope } from '../../auth/scopes.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { stateLocation } from '../../config/state.js';
import { createLogger } from '../../observability/logger.js';
import { NOOP_METRICS } from '../../observability/metrics.js';
import { executorObserver } from '../../observability/run-observer.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Service, ServiceError } from '../../service/index.js';
import { RunStore } from '../../store/index.js';
import { UsageError, type Io } from '../io.js';
import { Redactor } from '../../secrets/redactor.js';
import { packageVersion, parseListen } from './serve.js';

/** The default scope of a stdio session (see above for why `run`). */
export const STDIO_DEFAULT_SCOPE: Scope = 'run';

export interface McpFlags {
  config?: string;
  scope?: string;
}

export async function mcpCommand(
  flags: McpFlags,
  io: Io,
  opts: { stdin?: Readable; stdout?: Writable; signal?: AbortSignal } = {},
): Promise<number> {
  const scope = flags.scope ?? STDIO_DEFAULT_SCOPE;
  if (!isScope(scope)) throw new UsageError(`unknown scope "${scope}": the scopes are ${SCOPES.join(', ')}`);
  const loaded = loadConfig(flags.config);
  const stdout = opts.stdout ?? process.stdout;
  // A stray console.log anywhere in the process (a driver, a dependency) would be read by the
  // client as a malformed MCP message: the console writes to stderr while this runs.
  const restoreConsole = stdout === process.stdout ? consoleToStderr() : () => undefined;
  const redactor = Redactor.forConfig(loaded);
  const logger = createLogger({
    redactor,
    destination: { write: (line: string) => io.err(line) },
  });
  const state = stateLocation(loaded);
  if (state.backend === 'sqlite' && !state.memory) mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  const statePath = state.display;
  const store = RunStore.open(state.target, { redactor });
  const service = new Service(loaded, new ConnectorPool(loaded), {
    redactor,
    runs: { store, executor: { onEvent: executorObserver({ logger, metrics: NOOP_METRICS }) } },
  });
  try {
    await holdDuckDbFiles(loaded, service);
    const server = createMcpServer({
      service,
      scope,
      origin: 'mcp',
      version: packageVersion(),
      log: (message) => logger.warn({ component: 'mcp' }, message),
    });
    const transport = new StdioServerTransport(opts.stdin ?? process.stdin, stdout);
    const stdin = opts.stdin ?? process.stdin;
    const closed = new Promise<string>((resolve) => {
      stdin.once('end', () => resolve('stdin closed'));
      stdin.once('close', () => resolve('stdin closed'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
      opts.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
      // The server's own close hook (it unsubscribes from saved-workflow events) runs first.
      const onclose = server.server.onclose;
      server.server.onclose = () => {
        onclose?.();
        resolve('transport closed');
      };
    });
    await server.connect(transport);
    logger.info(
      { scope, state: statePath, connections: Object.keys(loaded.config.connections) },
      'mcp on stdio',
    );
    const why = await closed;
    logger.info({ reason: why }, 'shutting down');
    await server.close().catch(() => undefined);
    return 0;
  } finally {
    await service.close();
    store.close();
    restoreConsole();
    logger.info('stopped');
  }
}

/**
 * Opens every DuckDB file connection now, so that a file another process holds is reported at
 * start, with what to do, rather than as a failure of the agent's first tool call.
 */
async function holdDuckDbFiles(loaded: LoadedConfig, service: Service): Promise<void> {
  for (const [name, c] of Object.entries(loaded.config.connections)) {
    if (c.type !== 'duckdb' || c.path === ':memory:') continue;
    try {
      const connector = await service.connector(name);
      await connector.execute('SELECT 1', { label: { origin: 'mcp' }, readOnly: true });
    } catch (e) {
      if (e instanceof ServiceError && /lock/i.test(e.message)) {
        let endpoint = 'http://127.0.0.1:8787/mcp';
        try {
          const { host, port } = parseListen(loaded.config.listen);
          endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}/mcp`;
        } catch {
          // The default endpoint is still the best guess.
        }
        throw new ServiceError(
          'CONNECTION_UNAVAILABLE',
          `${e.message}\nanother process holds the DuckDB file of connection "${name}" (is \`edgeflow serve\` running on this config?). Connect the agent to the daemon's MCP endpoint instead: ${endpoint} (Streamable HTTP) with the header "Authorization: Bearer <token>" (\`edgeflow token create --scopes run\` makes one); or stop the daemon first.`,
        );
      }
      // Another trouble (a file not there yet, a bad path) is the tools' to report.
    }
  }
}

function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}
