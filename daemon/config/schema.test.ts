import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { runSettings } from './schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-config-'));
let n = 0;
function load(yaml: string) {
  const file = path.join(dir, `c${++n}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig(file, {}, dir);
}
function diagnostics(yaml: string) {
  try {
    load(yaml);
  } catch (e) {
    if (e instanceof ConfigError) return e.diagnostics;
    throw e;
  }
  throw new Error('the config was accepted');
}

describe('config: connections', () => {
  it('reads timeouts, byte sizes and prices into numbers', () => {
    const { config } = load(`
connections:
  local: { type: duckdb, path: ./x.duckdb, statementTimeout: 30s, poolSize: 2 }
  pg: { type: postgres, url: '\${env:PG_URL}', statementTimeout: 5m, poolSize: 8 }
  bq: { type: bigquery, projectId: acme, location: EU, keyFile: '\${file:/run/secrets/bq.json}', maxBytesBilled: 10GB, pricePerTiB: 5, statementTimeout: 2h }
  sf: { type: snowflake, account: xy123, user: ETL, privateKey: '\${file:sf.p8}', privateKeyPassphrase: '\${env:SF_PASS}', statementTimeout: 1500 }
`);
    expect(config.connections['local']).toMatchObject({ statementTimeout: 30_000, poolSize: 2 });
    expect(config.connections['pg']).toMatchObject({ url: '${env:PG_URL}', statementTimeout: 300_000 });
    expect(config.connections['bq']).toMatchObject({
      maxBytesBilled: 10_000_000_000,
      pricePerTiB: 5,
      statementTimeout: 7_200_000,
    });
    expect(config.connections['sf']).toMatchObject({
      privateKeyPassphrase: '${env:SF_PASS}',
      statementTimeout: 1500,
    });
  });

  it('says how to write a duration or a size it cannot read', () => {
    expect(
      diagnostics(`connections: { pg: { type: postgres, url: x, statementTimeout: 30 seconds } }`),
    ).toEqual([
      expect.objectContaining({
        path: '$.connections.pg.statementTimeout',
        message: expect.stringMatching(/"30 seconds" is not a duration: write it like 500ms, 30s, 5m or 2h/),
      }),
    ]);
    expect(
      diagnostics(`connections: { bq: { type: bigquery, projectId: p, maxBytesBilled: lots } }`)[0]?.message,
    ).toMatch(/"lots" is not a size: write it like 500MB, 10GB or 1TiB/);
  });

  it('refuses unknown keys with the nearest valid name', () => {
    const d = diagnostics(`connections: { pg: { type: postgres, url: x, statementTimout: 30s } }`);
    expect(d).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_KEY',
        path: '$.connections.pg.statementTimout',
        hint: expect.stringContaining('statementTimeout'),
      }),
    ]);
    const d2 = diagnostics(
      `connections: { sf: { type: snowflake, account: a, user: u, privateKeyPasphrase: x, password: p } }`,
    );
    expect(d2[0]?.hint).toContain('privateKeyPassphrase');
  });

  it('needs a password or a private key for Snowflake', () => {
    expect(diagnostics(`connections: { sf: { type: snowflake, account: a, user: u } }`)[0]?.message).toBe(
      'a Snowflake connection needs password or privateKey',
    );
  });

  it('needs a token, or clientId and clientSecret, for Databricks; never repeats either', () => {
    expect(
      diagnostics(`connections: { dbx: { type: databricks, host: h, warehouseId: w } }`)[0]?.message,
    ).toBe('a Databricks connection needs either token, or clientId and clientSecret (OAuth M2M)');
    expect(
      load(`connections: { dbx: { type: databricks, host: h, warehouseId: w, token: t } }`).config
        .connections['dbx'],
    ).toMatchObject({ type: 'databricks', token: 't' });
    const d = diagnostics(
      `connections: { dbx: { type: databricks, host: h, warehouseId: w, token: 918273645546374, clientId: c, clientSecret: 918273645546375 } }`,
    );
    expect(d.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(d)).not.toMatch(/91827364554637/);
  });

  it('never repeats a secret value in a diagnostic', () => {
    const d = diagnostics(`
connections:
  pg: { type: postgres, url: 918273645546371 }
  sf: { type: snowflake, account: a, user: u, password: 918273645546372 }
assistant: { model: m, apiKey: 918273645546373 }
`);
    expect(d.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(d)).not.toMatch(/91827364554637/);
    expect(d[0]?.message).toMatch(/expected text, got number \[redacted\]/);
  });
});

describe('config: runs', () => {
  it('has defaults, and reads durations and limits', () => {
    const none = load(`connections:\n  local: { type: duckdb, path: ./x.duckdb }\n`);
    expect(runSettings(none.config)).toEqual({
      maxConcurrentSteps: 8,
      stepAttempts: 3,
      retryBaseDelayMs: 1_000,
      retryMaxDelayMs: 60_000,
      gracePeriodMs: 30_000,
      leaseMs: 60_000,
      overlap: 'skip',
    });
    const some = load(`
runs: { maxConcurrentSteps: 2, stepAttempts: 5, retryBaseDelay: 200ms, retryMaxDelay: 5s, gracePeriod: 2m, lease: 15s, overlap: allow }
connections:
  local: { type: duckdb, path: ./x.duckdb }
`);
    expect(runSettings(some.config)).toEqual({
      maxConcurrentSteps: 2,
      stepAttempts: 5,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 5_000,
      gracePeriodMs: 120_000,
      leaseMs: 15_000,
      overlap: 'allow',
    });
  });

  it('refuses a typo and an impossible value, with the path', () => {
    const typo = diagnostics(`runs: { stepAttempt: 2 }\nconnections: { local: { type: duckdb, path: x } }\n`);
    expect(typo.map((d) => d.path)).toEqual(['$.runs.stepAttempt']);
    expect(typo[0]!.hint).toMatch(/stepAttempts/);
    const zero = diagnostics(
      `runs: { stepAttempts: 0 }\nconnections: { local: { type: duckdb, path: x } }\n`,
    );
    expect(zero.map((d) => d.path)).toContain('$.runs.stepAttempts');
  });
});
