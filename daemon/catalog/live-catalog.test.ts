/**
 * The live catalog on a real DuckDB: the tables a workflow reads are described; the warehouse is
 * listed (for "did you mean" hints) only when one of them is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/analyze.js';
import { getDialect } from '../../compiler/dialects/index.js';
import { parseWorkflow } from '../../compiler/workflow/parse.js';
import type { Connector } from '../../connectors/connector.js';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { liveCatalog } from './live-catalog.js';

let duck: Connector;
let listed = 0;
let connector: Connector;

beforeAll(async () => {
  duck = await openDuckDb({ path: ':memory:' });
  await duck.execute('CREATE TABLE main.orders AS SELECT 1::BIGINT AS id, 2.5::DOUBLE AS amount');
  connector = {
    ...duck,
    execute: duck.execute.bind(duck),
    describeTable: duck.describeTable.bind(duck),
    listTables: (o) => {
      listed++;
      return duck.listTables(o);
    },
  };
});
afterAll(() => duck.close());

const wf = (table: string) =>
  parseWorkflow({
    edgeflow: 1,
    name: 'w',
    nodes: [
      { id: 'src', type: 'source.table', config: { table } },
      { id: 'out', type: 'output.table', inputs: { in: 'src' }, config: { table: 'analytics.o' } },
    ],
  }).workflow!;

describe('liveCatalog', () => {
  it('describes the tables read, and lists nothing when they all exist', async () => {
    listed = 0;
    const catalog = await liveCatalog(connector, wf('main.orders'), getDialect('duckdb'));
    expect(catalog.live).toBe(true);
    const a = analyzeWorkflow(wf('main.orders'), { dialect: 'duckdb', catalog });
    expect(a.valid, JSON.stringify(a.diagnostics)).toBe(true);
    expect(listed).toBe(0);
  });

  it('lists the warehouse when a table is missing, for the hint', async () => {
    listed = 0;
    const catalog = await liveCatalog(connector, wf('main.ordrs'), getDialect('duckdb'));
    const a = analyzeWorkflow(wf('main.ordrs'), { dialect: 'duckdb', catalog });
    expect(listed).toBe(1);
    const d = a.diagnostics.find((x) => x.severity === 'error')!;
    expect(d.hint).toMatch(/main\.orders/);
  });
});
