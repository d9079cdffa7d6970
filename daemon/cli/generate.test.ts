/** `edgeflow generate` through main(), against the fake OpenAI-compatible endpoint. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { answer, startFakeOpenAI, type FakeOpenAI } from '../assistant/fake-openai.js';
import { main } from './main.js';

const KEY = 'sk-cli-canary-91b2c3d4e5';
const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-gen-'));
const cfg = path.join(dir, 'edgeflow.yaml');
let fake: FakeOpenAI;

const wf = {
  edgeflow: 1,
  name: 'big_orders',
  nodes: [
    { id: 'o', type: 'source.table', config: { table: 'main.orders' } },
    { id: 'big', type: 'filter', inputs: { in: 'o' }, config: { where: 'amount > 3' } },
  ],
};

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

beforeAll(async () => {
  const c = await openDuckDb({ path: path.join(dir, 'wh.duckdb') });
  await c.execute('CREATE TABLE main.orders (order_id BIGINT, amount DECIMAL(12,2))');
  await c.close();
  fake = await startFakeOpenAI();
  process.env.EDGEFLOW_GEN_TEST_KEY = KEY;
  writeFileSync(
    cfg,
    `state: ${path.join(dir, 'state.db')}\nconnections:\n  local: { type: duckdb, path: ${path.join(dir, 'wh.duckdb')} }\n` +
      `assistant: { baseURL: '${fake.baseURL}', model: fake-model, apiKey: '\${env:EDGEFLOW_GEN_TEST_KEY}' }\n`,
  );
});
afterAll(async () => {
  await fake.close();
  delete process.env.EDGEFLOW_GEN_TEST_KEY;
});

describe('edgeflow generate', () => {
  it('exit 0 with a valid workflow; --out writes it; --json is the result', async () => {
    fake.script(answer(wf, 'orders above 3'));
    const out = path.join(dir, 'wf.json');
    const t = io();
    expect(await main(['generate', 'orders above 3', '--config', cfg, '--out', out, '--json'], t.io)).toBe(0);
    expect(JSON.parse(t.out.join(''))).toMatchObject({ validation: { valid: true }, rounds: 0 });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ name: 'big_orders', connection: 'local' });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('exit 1 without a workflow (a question), and the key never shows, even when echoed', async () => {
    fake.script(answer(null, 'unclear', 'Which amount?'));
    const t = io();
    expect(await main(['generate', 'something', '--config', cfg], t.io)).toBe(1);
    expect(t.err.join('\n')).toMatch(/question: Which amount\?/);
    fake.script({ status: 401, body: { error: { message: `bad key ${KEY}` } } });
    const t2 = io();
    expect(await main(['generate', 'x', '--config', cfg, '--json'], t2.io)).toBe(1);
    const all = [...t2.out, ...t2.err].join('\n');
    expect(all).toMatch(/ASSISTANT_UNAVAILABLE/);
    expect(all).not.toContain(KEY);
  });
});
