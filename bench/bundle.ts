/**
 * How the benchmark's code runs. `npm run bench` runs a bundle of it (tools/bench.mjs: .bench/code,
 * the probes beside it), built with the daemon's esbuild options, so it times the code `npm start`
 * runs; its tests and a direct `npx tsx` run use the TypeScript sources through tsx instead. A probe
 * (a child process measuring memory) runs the same way as the benchmark that spawns it.
 */
import path from 'node:path';
import { REPO } from '../test/support/daemon-process.js';

/** Running from the bundle (a .js module), not from the TypeScript sources. */
export const RUNS_BUNDLED = !import.meta.url.endsWith('.ts');

/** The node arguments that run probe `name` (bench/<name>.ts), before the probe's own arguments. */
export function probeArgs(name: 'compile-memory-probe' | 'memory-probe'): string[] {
  return RUNS_BUNDLED
    ? [path.join(REPO, '.bench', 'code', `${name}.js`)]
    : ['--import', 'tsx', path.join(REPO, 'bench', `${name}.ts`)];
}
