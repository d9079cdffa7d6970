/**
 * The one redaction every way out of the daemon goes through: log lines, what the run store keeps
 * (run and step errors, log lines), HTTP answers and MCP messages. It knows every resolved secret
 * of the config — every connection's, the assistant's — and the admin token, whichever connection
 * or request the text came from: a DuckDB error may quote a PostgreSQL password as well as its own.
 *
 * A secret is replaced wherever it appears as written, as JSON escapes it inside a string, and in
 * any letter case (warehouses fold identifiers: Snowflake echoes an unquoted name upper-case). A
 * near miss — the secret with one character changed, or split across two values — is not caught:
 * redaction is the last line of defence, not a reason to let a secret near an answer.
 */
import { resolvedSecrets } from './daemon-secrets.js';
import type { LoadedConfig } from '../config/load.js';

/** Shorter values are not treated as secrets: redacting them would shred ordinary text. */
const MIN_LENGTH = 4;
export const REDACTED = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.addForms(s);
    this.compile();
  }

  /** Every resolved secret of the config (a secret that cannot be resolved cannot leak either). */
  static forConfig(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): Redactor {
    return new Redactor(resolvedSecrets(loaded, env));
  }

  /** Adds a secret learnt later (the admin token once it is read or made). */
  add(secret: string): void {
    const before = this.secrets.size;
    this.addForms(secret);
    if (this.secrets.size !== before) this.compile();
  }

  /** Whether there is anything to redact. */
  get active(): boolean {
    return this.pattern !== undefined;
  }

  text(s: string): string {
    if (!this.pattern || s.length < MIN_LENGTH) return s;
    this.pattern.lastIndex = 0;
    return this.pattern.test(s) ? s.replace(this.pattern, REDACTED) : s;
  }

  /**
   * A copy of a JSON-like value with every string (and object key) redacted; the value itself
   * when nothing in it needed it. Other values (numbers, dates, buffers) pass as they are.
   */
  value<T>(v: T): T {
    if (!this.pattern) return v;
    return this.walk(v, 0) as T;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object' || depth > 64) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      v.forEach((x, i) => {
        const y = this.walk(x, depth + 1);
        if (y !== x) (out ??= v.slice())[i] = y;
      });
      return out ?? v;
    }
    // Plain objects only: what JSON is made of (a Date, a Buffer are not text).
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const key = this.text(k);
      const y = this.walk(x, depth + 1);
      if (key !== k || y !== x) changed = true;
      out[key] = y;
    }
    return changed ? out : v;
  }

  private addForms(s: string): void {
    if (s.length < MIN_LENGTH) return;
    this.secrets.add(s);
    // As it appears inside a JSON string (a quote, a backslash, a newline of a PEM key).
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s) this.secrets.add(escaped);
  }

  private compile(): void {
    if (this.secrets.size === 0) {
      this.pattern = undefined;
      return;
    }
    // Longest first, so a secret that contains another is replaced whole.
    const alternatives = [...this.secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(alternatives.join('|'), 'gi');
  }
}

/** Redacts nothing: for tests and processes that hold no secret. */
export const NO_REDACTION = new Redactor();
