/**
 * `npm run bench`: bundles the benchmark the way `npm run build` bundles the daemon
 * (tools/node-bundle.mjs) into .bench/code, then runs it with the arguments given. So what is timed
 * is the code `npm start` runs, not tsx's transpilation of the sources: tsx keeps function names by
 * wrapping each named closure in a call that defines its `name` (a property store and a
 * defineProperty per closure made), which made the compile benchmark's 20-node compiles 5–20 %
 * slower than the daemon's and its 10,000-node analyses ~2.5 MB bigger.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE } from './node-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}.bench/code`;
rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The probes run in child processes of their own (bench/bundle.ts finds them here).
  entryPoints: {
    run: 'bench/run.ts',
    'compile-memory-probe': 'bench/compile-memory-probe.ts',
    'memory-probe': 'bench/memory-probe.ts',
  },
  outdir: out,
  ...NODE_BUNDLE,
});
const run = spawnSync(process.execPath, [`${out}/run.js`, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
