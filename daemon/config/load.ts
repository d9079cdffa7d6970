import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { zodIssuesToDiagnostics } from '../../compiler/workflow/zod-diagnostics.js';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG: Config = {
  listen: '127.0.0.1:8787',
  state: './.edgeflow/state.db',
  connections: { local: { type: 'duckdb', path: './.edgeflow/local.duckdb' } },
};

export interface LoadedConfig {
  config: Config;
  /** The file it came from; undefined for the embedded default. */
  file?: string;
  /** Relative paths in the config are relative to this directory. */
  baseDir: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(
      `invalid config ${file}:\n${diagnostics.map((d) => `  ${d.path}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * `--config`, else $EDGEFLOW_CONFIG, else ./edgeflow.yaml; with none of them the embedded
 * default (one DuckDB connection `local`).
 */
export function loadConfig(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): LoadedConfig {
  const candidate =
    explicit ??
    env['EDGEFLOW_CONFIG'] ??
    (existsSync(path.join(cwd, 'edgeflow.yaml')) ? 'edgeflow.yaml' : undefined);
  if (!candidate) return { config: DEFAULT_CONFIG, baseDir: cwd };
  const file = path.resolve(cwd, candidate);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [
      {
        code: 'MISSING_FIELD',
        severity: 'error',
        path: '$',
        message: `cannot read the config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    ]);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new ConfigError(file, [
      { code: 'SYNTAX_ERROR', severity: 'error', path: '$', message: (e as Error).message.split('\n')[0]! },
    ]);
  }
  const parsed = configSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      file,
      zodIssuesToDiagnostics(parsed.error.issues, {
        schema: configSchema,
        root: doc,
        basePath: '$',
        what: 'the config',
      }),
    );
  }
  return { config: parsed.data, file, baseDir: path.dirname(file) };
}
