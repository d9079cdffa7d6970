/**
 * `npm run build` (also run by `npm install` through `prepare`): bundles the CLI and daemon into
 * dist/ with esbuild, so `npm start` loads plain JavaScript instead of transpiling every TypeScript
 * module through tsx's loader on each start (cold start ~1.1 s → see the bench). npm packages stay
 * external; dynamic imports become their own chunks, so a driver still loads only when a
 * connection of its type opens. bin/edgeflow.js runs the sources through tsx instead whenever a
 * source file is newer than the bundle, so editing a file never runs stale code.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { edgeflow: 'daemon/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
