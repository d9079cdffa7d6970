import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { zodIssuesToDiagnostics } from '../../compiler/workflow/zod-diagnostics.js';
import { redact } from '../../connectors/secrets.js';
import { checkAllowFiles } from './allow-files.js';
import { configSchema, SECRET_KEYS, type Config } from './schema.js';

export const DEFAULT_CONFIG: Config = {
  listen: '127.0.0.1:8787',
  state: './.edgeflow/state.db',
  // Outputs write to `analytics` only: the demo's tables and edgeflow's own are out of reach.
  connections: { local: { type: 'duckdb', path: './.edgeflow/local.duckdb', writeSchemas: ['analytics'] } },
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
    // A diagnostic may quote the value it rejects ("expected text, got number 12345678"): never
    // the value of a secret key.
    const secrets = secretValues(doc);
    throw new ConfigError(
      file,
      zodIssuesToDiagnostics(parsed.error.issues, {
        schema: configSchema,
        root: doc,
        basePath: '$',
        what: 'the config',
      }).map((d) => ({
        ...d,
        message: redact(d.message, secrets),
        ...(d.hint ? { hint: redact(d.hint, secrets) } : {}),
      })),
    );
  }
  const baseDir = path.dirname(file);
  const unsafe = checkAllowFiles(parsed.data, file, baseDir);
  if (unsafe.length > 0) throw new ConfigError(file, unsafe);
  return { config: parsed.data, file, baseDir };
}

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/** Every value written under a secret key, anywhere in the document, as text. */
function secretValues(doc: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown, key: string | undefined, depth: number) => {
    if (depth > 20 || v === null || v === undefined) return;
    if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) visit(x, k, depth + 1);
      return;
    }
    if (key !== undefined && SECRET_KEY_SET.has(key)) out.push(String(v));
  };
  visit(doc, undefined, 0);
  return out;
}
