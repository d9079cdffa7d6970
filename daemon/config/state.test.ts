import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvedSecrets } from '../secrets/daemon-secrets.js';
import { DEFAULT_CONFIG, type LoadedConfig } from './load.js';
import { stateDirectory, stateLocation, stateLocationKey } from './state.js';

const loaded = (state: string, more: Partial<LoadedConfig['config']> = {}): LoadedConfig => ({
  config: { ...DEFAULT_CONFIG, state, ...more },
  file: '/etc/edgeflow/edgeflow.yaml',
  baseDir: '/etc/edgeflow',
});

describe('config: state', () => {
  it('is a SQLite file by default, its local files beside it', () => {
    expect(stateLocation(loaded('./.edgeflow/state.db'))).toEqual({
      backend: 'sqlite',
      target: '/etc/edgeflow/.edgeflow/state.db',
      dir: '/etc/edgeflow/.edgeflow',
      display: '/etc/edgeflow/.edgeflow/state.db',
      memory: false,
    });
    expect(stateLocation(loaded(':memory:'))).toMatchObject({ target: ':memory:', memory: true });
  });

  it('is a PostgreSQL database for a postgres:// URL, in clear or as a secret; local files in stateDir', () => {
    const url = 'postgres://edgeflow:s3cr%40t@db.internal:5432/edgeflow';
    expect(stateLocation(loaded(url))).toEqual({
      backend: 'postgres',
      target: url,
      dir: '/etc/edgeflow/.edgeflow',
      display: 'postgres://edgeflow:***@db.internal:5432/edgeflow',
      memory: false,
    });
    const env = { EF_STATE: url };
    const secret = loaded('${env:EF_STATE}', { stateDir: '/var/lib/edgeflow' });
    expect(stateLocation(secret, env)).toMatchObject({
      backend: 'postgres',
      target: url,
      dir: '/var/lib/edgeflow',
    });
    expect(stateDirectory(secret)).toBe('/var/lib/edgeflow');
    // daemon.json names it as written: never the resolved password.
    expect(stateLocationKey(secret)).toBe('${env:EF_STATE}');
    expect(stateLocationKey(loaded(url))).not.toContain('s3cr');
    // The password (as written and decoded) and the URL are redacted everywhere.
    expect(resolvedSecrets(secret, env)).toEqual(expect.arrayContaining([url, 's3cr%40t', 's3cr@t']));
    expect(() => stateLocation(secret, {})).toThrow(/EF_STATE is not set/);
  });

  it('refuses a secret that is not a database URL, and reads one from a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ef-state-'));
    try {
      writeFileSync(path.join(dir, 'url'), 'postgresql://u@127.0.0.1/x\n');
      expect(stateLocation({ ...loaded('${file:url}'), baseDir: dir })).toMatchObject({
        backend: 'postgres',
        target: 'postgresql://u@127.0.0.1/x',
      });
      expect(() => stateLocation(loaded('${env:P}'), { P: './state.db' })).toThrow(
        /must resolve to a postgres:\/\/ URL/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
