/**
 * The edgeflow package's own directory (where package.json, examples/ and the store's migrations
 * are), found by walking up from this module: the same answer from the TypeScript sources and from
 * the bundle in dist/, whose chunks sit at another depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'edgeflow')
      return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the edgeflow package directory (package.json)');
    dir = up;
  }
}

/** A path inside the package, e.g. packagePath('examples', 'store_revenue.json'). */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}
