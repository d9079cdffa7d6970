/**
 * Leases: an executor whose run was taken over by another daemon (its lease expired: it could not
 * renew it for a whole lease) stops the run here — its statement cancelled in the warehouse — and
 * writes nothing more: the step stays as the new owner found it, no "run …" is recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadedConfig, slowNodes, testRuntime, waitFor, workflowDoc, type TestRuntime } from './testing.js';

const dirs: string[] = [];
const runtimes: TestRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('stops a run another daemon took over, cancelling its statement and writing nothing more', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeflow-lease-'));
  dirs.push(dir);
  const rt = testRuntime({
    config: loadedConfig({ local: { type: 'duckdb', path: path.join(dir, 'wh.duckdb') } }),
    state: path.join(dir, 'state.db'),
    runs: { executor: { owner: `${os.hostname()}:${process.pid}:aaaa0001` } },
  });
  runtimes.push(rt);
  const doc = workflowDoc('lease_flow', [
    ...slowNodes(),
    {
      id: 'out',
      type: 'output.table',
      inputs: { in: 'slow' },
      config: { table: 'main.lease_out', mode: 'replace' },
    },
  ]);
  const { run } = await rt.service.startRun({ document: doc });
  const executor = rt.service.runs!.executor;
  const step = await waitFor(
    () => rt.store.listSteps(run.id).find((s) => s.status === 'running' && s.queryId),
    20_000,
    'a statement to run',
  );
  const done = executor.running(run.id);
  expect(done).toBeDefined();
  // Another daemon takes it over (as recovery does once the lease expired).
  expect(rt.store.takeOverRun(run.id, executor.owner, 'elsewhere:1:bbbb0002')).toBe(true);
  const t0 = Date.now();
  await expect(done).resolves.toBeUndefined();
  // Stopped at the next heartbeat, the statement cancelled (the slow query takes minutes otherwise).
  expect(Date.now() - t0).toBeLessThan(10_000);
  expect(rt.store.getRun(run.id)).toMatchObject({ status: 'running', owner: 'elsewhere:1:bbbb0002' });
  expect(rt.store.getStep(run.id, step.stepId)).toMatchObject({ status: 'running', attempts: step.attempts });
  const messages = rt.store.runLogs(run.id).map((l) => l.message);
  expect(messages.some((m) => /^run (succeeded|failed|cancelled)/.test(m))).toBe(false);
  expect(messages.some((m) => m.startsWith('handed back'))).toBe(false);
  // The new owner finishes it; the old one cannot.
  expect(rt.store.finishRun(run.id, executor.owner, 'failed')).toBeUndefined();
  expect(rt.store.finishRun(run.id, 'elsewhere:1:bbbb0002', 'cancelled')?.status).toBe('cancelled');
}, 60_000);
