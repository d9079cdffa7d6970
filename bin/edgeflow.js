#!/usr/bin/env node
// Runs the bundle in dist/ (built by `npm run build`, which `npm install` runs) when it is newer
// than every source file; otherwise the TypeScript sources through tsx's loader, so an edited file
// never runs stale. EDGEFLOW_FROM_SOURCE=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// DuckDB runs each statement on a thread of libuv's pool (4 by default), which Node also uses for
// file I/O, DNS and crypto: four long statements would stall every other statement — the catalog,
// a trivial preview — and the daemon's own file work. The pool is made on its first use, so this
// must come before any asynchronous I/O. An operator's own setting wins.
process.env.UV_THREADPOOL_SIZE ||= '64';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/edgeflow.js`;

/** The newest modification time of the sources the bundle is built from. */
function newestSource() {
  let newest = 0;
  for (const dir of ['compiler', 'connectors', 'daemon', 'mcp', 'prompts', 'evals']) {
    let entries;
    try {
      entries = readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries)
      if (e.isFile() && /\.(ts|sql|json|md)$/.test(e.name))
        newest = Math.max(newest, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
  }
  return newest;
}

const fresh =
  process.env.EDGEFLOW_FROM_SOURCE !== '1' &&
  existsSync(bundle) &&
  statSync(bundle).mtimeMs >= newestSource();

// `edgeflow components | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
let main;
if (fresh) ({ main } = await import(bundle));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../daemon/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
