import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../test/support/daemon-process.js';
import { probeArgs, RUNS_BUNDLED } from './bundle.js';
import type { BenchReport } from './report.js';

describe('npm run bench', () => {
  it('runs the benchmark bundled as the daemon is, its memory probe bundled too', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'edgeflow-bench-bundle-'));
    try {
      // What `npm run bench` runs, on the smallest compile case that still spawns the probe.
      await promisify(execFile)(
        process.execPath,
        [
          path.join(REPO, 'tools', 'bench.mjs'),
          ...['--only', 'compile', '--shapes', 'chain', '--sizes', '20', '--runs', '3'],
          ...['--memory-sizes', '30', '--out', out],
        ],
        { cwd: REPO, timeout: 120_000 },
      );
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as BenchReport;
      expect(report.meta.code).toBe('bundle');
      expect(report.compile?.cases.map((c) => [c.shape, c.size, c.error])).toEqual([
        ['chain', 20, undefined],
      ]);
      // The probe ran from .bench/code (a missing bundle would be an error here) and compiled.
      expect(report.compileMemory?.map((c) => [c.limit, c.compiled, c.error])).toEqual([
        ['raised', true, undefined],
        ['default', true, undefined],
      ]);
      const md = await readFile(path.join(out, 'report.md'), 'utf8');
      expect(md).toContain('code bundled as `npm run build` bundles the daemon');
      expect(md).toContain(
        'Baseline: the child before compiling (node, the bundled compiler, the JSON text)',
      );
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 150_000);

  it('runs probes through tsx when the benchmark runs from its sources', () => {
    expect(RUNS_BUNDLED).toBe(false);
    expect(probeArgs('memory-probe')).toEqual([
      '--import',
      'tsx',
      path.join(REPO, 'bench', 'memory-probe.ts'),
    ]);
  });
});
