import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';
import { UsageError } from './io.js';

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
