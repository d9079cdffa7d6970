#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader (no build step on install).
import { register } from 'tsx/esm/api';

register();
// `edgeflow components | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('../daemon/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
