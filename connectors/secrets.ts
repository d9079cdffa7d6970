import { readFileSync } from 'node:fs';
import path from 'node:path';

const REF = /\$\{(env|file):([^}]+)\}/g;

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/**
 * Resolves `${env:NAME}` and `${file:PATH}` references inside a config value. Called only where
 * a connector is built; the resolved value never goes back into config objects, logs or errors.
 */
export function resolveSecret(
  value: string,
  opts: { env?: NodeJS.ProcessEnv; baseDir?: string } = {},
): string {
  const env = opts.env ?? process.env;
  return value.replace(REF, (_m, kind: string, ref: string) => {
    if (kind === 'env') {
      const v = env[ref];
      if (v === undefined) throw new SecretError(`environment variable ${ref} is not set`);
      return v;
    }
    const file = path.resolve(opts.baseDir ?? process.cwd(), ref);
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new SecretError(
        `cannot read secret file ${ref}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      );
    }
  });
}

/** Replaces every occurrence of the given secret values in a text (for driver error messages). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
