/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance server --url …`) against
 * our Streamable HTTP handler, every active server scenario. The suite cannot send an
 * Authorization header, so it runs against a test-only server (test/support/mcp-test-server.ts:
 * the daemon's /mcp handler and Host/Origin checks, the real Service, a fixed scope), never
 * against an auth bypass in the daemon.
 *
 * mcp/conformance-baseline.json lists each scenario expected to fail, with its reason (mostly: the
 * suite calls test tools, resources and prompts that only its reference server has). This test
 * fails when a scenario outside the baseline fails, and when a baselined one passes or is no longer
 * run, so the baseline says what is true.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/daemon-process.js';
import { startMcpTestServer, type McpTestServer } from '../support/mcp-test-server.js';

const SUITE = path.join(REPO, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const NODE20 = fileURLToPath(new URL('../support/conformance-node20.mjs', import.meta.url));
const NO_NETWORK = fileURLToPath(new URL('../preload/no-network.mjs', import.meta.url));
const BASELINE = path.join(REPO, 'mcp', 'conformance-baseline.json');

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

interface Baseline {
  suite: string;
  expectedFailures: Record<string, string>;
}

let server: McpTestServer;
const outDir = mkdtempSync(path.join(tmpdir(), 'edgeflow-mcp-conformance-'));

beforeAll(async () => {
  server = await startMcpTestServer({
    // Every tool is listed (and its schemas checked by tools-list); the suite calls none of ours.
    scope: 'admin',
    seed: async (service) => {
      const wh = await service.connector('wh');
      await wh.execute(
        'CREATE TABLE main.orders AS SELECT i AS order_id, i * 1.5 AS amount FROM range(10) t(i)',
      );
    },
  });
});

afterAll(async () => {
  await server?.close();
});

function runSuite(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', NO_NETWORK, '--import', NODE20, SUITE, 'server', '--url', url, '-o', outDir],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Each scenario's checks, from the suite's output directory (`server-<scenario>-<time>/checks.json`). */
function readResults(): Map<string, Check[]> {
  const out = new Map<string, Check[]>();
  for (const entry of readdirSync(outDir)) {
    const file = path.join(outDir, entry, 'checks.json');
    if (!existsSync(file)) continue;
    const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
    out.set(scenario, JSON.parse(readFileSync(file, 'utf8')) as Check[]);
  }
  return out;
}

describe('MCP conformance suite (@modelcontextprotocol/conformance)', () => {
  it('passes every active server scenario but the baselined ones, which still fail', async () => {
    const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Baseline;
    const version = (
      JSON.parse(readFileSync(path.join(path.dirname(SUITE), '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(baseline.suite, 'the baseline was made with another version of the suite').toBe(
      `@modelcontextprotocol/conformance@${version}`,
    );

    const { output } = await runSuite(server.url);
    const results = readResults();
    expect(results.size, `the suite ran no scenario:\n${output}`).toBeGreaterThan(0);

    const failed = new Map<string, string>();
    const passed: string[] = [];
    for (const [scenario, checks] of results) {
      const failures = checks.filter((c) => c.status === 'FAILURE');
      if (checks.length === 0 || failures.length > 0)
        failed.set(
          scenario,
          failures.map((c) => `${c.id}: ${c.errorMessage ?? 'failed'}`).join('; ') || 'no checks',
        );
      else passed.push(scenario);
    }
    // Read by people and CI logs: what passed, what failed, against the baseline.
    console.log(
      `MCP conformance ${version}: ${passed.length} scenarios passed, ${failed.size} failed (${Object.keys(baseline.expectedFailures).length} baselined)`,
    );

    const unexpected = [...failed].filter(([s]) => !(s in baseline.expectedFailures));
    const nowPassing = passed.filter((s) => s in baseline.expectedFailures);
    const notRun = Object.keys(baseline.expectedFailures).filter((s) => !results.has(s));
    expect(
      unexpected.map(([s, why]) => `${s}: ${why}`),
      'scenarios failing that the baseline does not expect',
    ).toEqual([]);
    expect(nowPassing, 'baselined scenarios that pass now: take them out of the baseline').toEqual([]);
    expect(notRun, 'baselined scenarios the suite no longer runs: take them out of the baseline').toEqual([]);
  }, 120_000);
});
