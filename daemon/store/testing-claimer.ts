/**
 * A process that claims queued runs until none is left, printing each id it got (postgres.test.ts
 * starts two at once on one database). `tsx testing-claimer.ts URL OWNER`.
 */
import { RunStore } from './run-store.js';

const [url, owner] = process.argv.slice(2);
const store = RunStore.open(url!);
for (;;) {
  const run = store.claimNextRun(owner!);
  if (run) process.stdout.write(`${run.id}\n`);
  // Under READ COMMITTED a claim that lost the race for the oldest run finds nothing this time.
  else if (store.runCounts().queued === 0) break;
}
store.close();
