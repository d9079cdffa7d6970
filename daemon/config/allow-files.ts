/**
 * `allowFiles` opens directories to DuckDB's file readers. It must never open what a token holder
 * could turn into the keys of the house: the daemon's state directory (the run store, the admin
 * token), the config file, and the files its secrets are read from. A directory that covers one of
 * them is a config error, checked when the config loads, so the daemon never starts with it.
 * Symbolic links are followed on both sides before comparing.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Config } from './schema.js';
import { stateDirectory } from './state.js';

const FILE_REF = /\$\{file:([^}]+)\}/g;

/** Diagnostics for every allowFiles entry that covers a protected path. */
export function checkAllowFiles(config: Config, file: string | undefined, baseDir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stateDir = config.state === ':memory:' ? undefined : real(stateDirectory({ config, baseDir }));
  const files = protectedFiles(config, file, baseDir);
  for (const [name, c] of Object.entries(config.connections)) {
    if (c.type !== 'duckdb' || !c.allowFiles) continue;
    c.allowFiles.forEach((entry, i) => {
      const dir = real(path.resolve(baseDir, entry));
      const at = `$.connections.${name}.allowFiles[${i}]`;
      const hint =
        "list only the directories of the data files DuckDB should read, e.g. ./data; the daemon's state directory, its config and its secret files are never readable";
      if (dir === path.parse(dir).root) {
        out.push(diag(at, `allowFiles: "${entry}" is the root of the file system`, hint));
        return;
      }
      if (stateDir && (within(stateDir, dir) || within(dir, stateDir))) {
        out.push(diag(at, `allowFiles: "${entry}" overlaps the daemon's state directory ${stateDir}`, hint));
        return;
      }
      const covered = files.find((f) => within(f.path, dir));
      if (covered)
        out.push(diag(at, `allowFiles: "${entry}" covers ${covered.what} (${covered.path})`, hint));
    });
  }
  return out;
}

function protectedFiles(config: Config, file: string | undefined, baseDir: string) {
  const out: Array<{ path: string; what: string }> = [];
  if (file) out.push({ path: real(file), what: 'the config file' });
  const visit = (v: unknown, key: string | undefined): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(FILE_REF))
        out.push({ path: real(path.resolve(baseDir, m[1]!)), what: 'a secret file' });
      // A key given as a plain path (keyFile: ./sa.json) is a secret file too.
      if ((key === 'keyFile' || key === 'privateKey') && !v.includes('${') && !/^\s*[{-]/.test(v))
        out.push({ path: real(path.resolve(baseDir, v)), what: 'a key file' });
      return;
    }
    if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) visit(x, k);
  };
  visit(config.connections, undefined);
  visit(config.assistant, undefined);
  return out;
}

/** Whether `p` is `dir` or inside it. */
function within(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The path with symbolic links resolved, as far as it exists. */
function real(p: string): string {
  const abs = path.resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(real(parent), path.basename(abs));
  }
}

function diag(at: string, message: string, hint: string): Diagnostic {
  return { code: 'INVALID_VALUE', severity: 'error', path: at, message, hint };
}
