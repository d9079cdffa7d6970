import { readFileSync } from 'node:fs';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import { loadConfig } from '../config/load.js';
import { limitSettings } from '../config/schema.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';
import { announce, daemonFor, DaemonError, type DaemonLink } from './daemon-link.js';
import { UsageError, type Io } from './io.js';

/** A service for one CLI command: read-only connectors (validate, compile, preview only read). */
export async function withService<T>(
  configPath: string | undefined,
  fn: (s: Service) => Promise<T>,
): Promise<T> {
  const config = loadConfig(configPath);
  const service = new Service(config, new ConnectorPool(config, { readOnly: true }));
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

/**
 * `withService`, unless a running daemon holds the DuckDB file the request needs (./daemon-link.ts):
 * then `remote` asks it, after one line on stderr that says so. The connection this process opened
 * to find out is the one the local path then uses.
 */
export async function withServiceOrDaemon<T>(
  configPath: string | undefined,
  req: { workflow: string; connection?: string; offline?: boolean },
  io: Io,
  local: (s: Service) => Promise<T>,
  remote: (d: DaemonLink) => Promise<T>,
): Promise<T> {
  const config = loadConfig(configPath);
  const service = new Service(config, new ConnectorPool(config, { readOnly: true }));
  let daemon: DaemonLink | undefined;
  try {
    // Offline, or a document that does not parse, opens no connection here either.
    const wf = req.offline
      ? undefined
      : parseWorkflow(req.workflow, { maxNodes: limitSettings(config.config).maxNodes }).workflow;
    const connection = req.connection ?? wf?.connection ?? 'local';
    daemon = wf ? await daemonFor(config, connection, () => service.connector(connection)) : undefined;
    if (!daemon) return await local(service);
  } finally {
    await service.close();
  }
  announce(daemon, io);
  return remote(daemon);
}

/**
 * The answer of POST /v1/compile or /v1/preview as the service gives it: the daemon answers an
 * invalid workflow with 422, the result (ok: false, its diagnostics) in the error's details.
 */
export async function daemonResult<T extends { ok: boolean }>(
  daemon: DaemonLink,
  route: string,
  body: unknown,
): Promise<T> {
  try {
    return (await daemon.request<T>('POST', route, { body })).json;
  } catch (e) {
    const details = e instanceof DaemonError ? (e.details as T | undefined) : undefined;
    if (e instanceof DaemonError && e.code === 'INVALID_WORKFLOW' && details?.ok === false) return details;
    throw e;
  }
}

export function readWorkflowFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface CommonFlags {
  json?: boolean;
  config?: string;
  connection?: string;
  dialect?: string;
  offline?: boolean;
}

export function workflowRequest(file: string, flags: CommonFlags) {
  return {
    workflow: readWorkflowFile(file),
    ...(flags.connection ? { connection: flags.connection } : {}),
    ...(flags.dialect ? { dialect: flags.dialect } : {}),
    ...(flags.offline ? { offline: true } : {}),
  };
}
