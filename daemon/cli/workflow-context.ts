/**
 * What validate/compile/preview share: read the workflow file, find its connection and dialect,
 * and build the catalog (live when the connection is reachable, else from declared columns).
 */
import { readFileSync } from 'node:fs';
import { analyzeWorkflow, type WorkflowAnalysis } from '../../compiler/analyze.js';
import { EMPTY_CATALOG, type Catalog } from '../../compiler/catalog.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { getDialect, isDialectName, type DialectName } from '../../compiler/dialects/index.js';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import type { Connector } from '../../connectors/connector.js';
import { liveCatalog } from '../catalog/live-catalog.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { DIALECT_OF, openConnector } from '../connections.js';
import { UsageError } from './io.js';

export interface WorkflowContext {
  file: string;
  analysis: WorkflowAnalysis;
  connection: string;
  dialect: DialectName;
  catalog: 'live' | 'declared';
  /** Why the live catalog was not used, when it was not. */
  offlineReason?: string;
  config: LoadedConfig;
  /** Open when the catalog is live and the caller asked to keep it (preview). */
  connector?: Connector;
}

export interface ContextOptions {
  config?: string;
  connection?: string;
  dialect?: string;
  offline?: boolean;
  keepConnector?: boolean;
}

export async function loadWorkflowContext(file: string, opts: ContextOptions): Promise<WorkflowContext> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (opts.dialect !== undefined && !isDialectName(opts.dialect)) throw new UsageError(`unknown dialect "${opts.dialect}" (duckdb, postgres, bigquery, snowflake)`);
  const config = loadConfig(opts.config);
  const parsed = parseWorkflow(text, file.endsWith('.json') ? { format: 'json' } : {});
  const connection = opts.connection ?? parsed.workflow?.connection ?? 'local';
  const conn = config.config.connections[connection];
  const dialect: DialectName = (opts.dialect as DialectName | undefined) ?? (conn ? DIALECT_OF[conn.type] : 'duckdb');
  let catalog: Catalog = EMPTY_CATALOG;
  let offlineReason: string | undefined;
  let connector: Connector | undefined;
  if (!parsed.workflow) {
    return { file, analysis: analyzeWorkflow(text), connection, dialect, catalog: 'declared', config };
  }
  if (opts.offline) offlineReason = '--offline';
  else if (!conn) offlineReason = `connection "${connection}" is not in the config${config.file ? ` (${config.file})` : ''}`;
  else if (opts.dialect && DIALECT_OF[conn.type] !== opts.dialect) offlineReason = `--dialect ${opts.dialect} differs from the connection's (${conn.type})`;
  else {
    try {
      connector = await openConnector(config, connection, { readOnly: !opts.keepConnector });
      catalog = await liveCatalog(connector, parsed.workflow, getDialect(dialect));
    } catch (e) {
      offlineReason = `connection "${connection}" is not reachable: ${(e as Error).message.split('\n')[0]}`;
      await connector?.close().catch(() => undefined);
      connector = undefined;
    }
  }
  const analysis = analyzeWorkflow(parsed.workflow, { dialect, catalog });
  if (connector && !opts.keepConnector) {
    await connector.close();
    connector = undefined;
  }
  return {
    file,
    analysis,
    connection,
    dialect,
    catalog: catalog.live ? 'live' : 'declared',
    ...(offlineReason ? { offlineReason } : {}),
    config,
    ...(connector ? { connector } : {}),
  };
}

export function errorsOnly(ds: readonly Diagnostic[]): Diagnostic[] {
  return ds.filter((d) => d.severity === 'error');
}
