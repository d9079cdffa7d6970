/**
 * The CLI beside a running daemon (README "CLI"): the real daemon holds the DuckDB file of a
 * config, and the real CLI on that config goes through its API — validate, compile, preview, run
 * FILE, run NAME, Ctrl-C — with the same documents it prints when the daemon is stopped and it
 * opens the file itself; components stays local. daemon.json is published 0600 and removed on
 * shutdown; a stale one is ignored; a lock held by another process keeps its error; the admin
 * token of another user (or one that cannot be read) is a clear error.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb } from '../../connectors/duckdb/index.js';
import { e2eDir, writeE2eWarehouse } from '../../test/support/e2e-warehouse.js';
import { runCli, startDaemon, type DaemonProcess } from '../../test/support/daemon-process.js';
import { createApiToken } from '../auth/tokens.js';
import { loadConfig } from '../config/load.js';
import { slowNodes } from '../executor/testing.js';
import { RunStore } from '../store/index.js';
import { runCommand } from './commands/run.js';
import { daemonFilePath, type DaemonInfo } from './daemon-file.js';
import { daemonFor } from './daemon-link.js';
import type { Io } from './io.js';

const e2e = e2eDir('edgeflow-cli-daemon-');
const { dir, cfg, stateDir, statePath, wh } = e2e;
const wfFile = path.join(dir, 'store_revenue.json');
const slowFile = path.join(dir, 'slow.json');
const tokenFile = path.join(stateDir, 'admin.token');
let daemon: DaemonProcess;
let token: string;

const workflow = {
  edgeflow: 1,
  name: 'store_revenue',
  connection: 'wh',
  params: { min_amount: { type: 'number', default: 0 } },
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'main.orders' } },
    {
      id: 'paid',
      type: 'filter',
      inputs: { in: 'orders' },
      config: { where: "status = 'paid' AND amount >= :min_amount" },
    },
    {
      id: 'rev',
      type: 'aggregate',
      inputs: { in: 'paid' },
      config: { groupBy: ['store_id'], measures: { revenue: 'sum(amount)', orders: 'count(*)' } },
    },
    { id: 'sorted', type: 'sort', inputs: { in: 'rev' }, config: { by: ['store_id'] } },
    {
      id: 'out',
      type: 'output.table',
      inputs: { in: 'sorted' },
      config: { table: 'analytics.store_revenue', mode: 'replace' },
    },
  ],
};

const cli = (...args: string[]) => runCli([...args, '--config', cfg], { cwd: dir });
const USING = () => `edgeflow: using the daemon at ${daemon.url} (it holds wh.duckdb)`;
// The commands whose documents must not depend on who answers.
const READS = [
  ['validate', wfFile, '--json'],
  ['compile', wfFile, '--plan', '--param', 'min_amount=10', '--json'],
  ['preview', wfFile, '--node', 'sorted', '--limit', '3', '--param', 'min_amount=10', '--json'],
];
// What the daemon answered, compared with the local path once it is stopped.
const viaDaemon: { reads: unknown[]; run?: RunJson } = { reads: [] };

interface RunJson {
  id: string;
  status: string;
  trigger: string;
  workflow: string;
  version: number | null;
  params: unknown;
  connection: string;
  dialect: string;
  lineage: unknown;
  steps: Array<{ stepId: string; status: string; rows: number | null }>;
}

const api = async (method: string, p: string, body?: unknown, bearer = token) => {
  const r = await fetch(`${daemon.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};

/** A run as it compares across faces: no ids, times, owner or trigger. */
const comparable = (r: RunJson) => ({
  status: r.status,
  workflow: r.workflow,
  version: r.version,
  params: r.params,
  connection: r.connection,
  dialect: r.dialect,
  lineage: r.lineage,
  steps: r.steps.map((s) => [s.stepId, s.status, s.rows]),
});

const lockedBy = (pid?: number) =>
  new Error(
    `connection "wh" is not reachable: IO Error: Could not set lock on file "${wh}": Conflicting lock is held${pid ? ` in /usr/bin/node (PID ${pid})` : ''}`,
  );

beforeAll(async () => {
  await writeE2eWarehouse(e2e, { rows: 2000, stores: 5, amounts: 40 });
  writeFileSync(wfFile, JSON.stringify(workflow));
  writeFileSync(
    slowFile,
    JSON.stringify({
      edgeflow: 1,
      name: 'slow',
      connection: 'wh',
      nodes: [
        ...slowNodes(200_000),
        { id: 'out', type: 'output.table', inputs: { in: 'slow' }, config: { table: 'analytics.slow' } },
      ],
    }),
  );
  daemon = await startDaemon({ config: cfg });
  token = readFileSync(tokenFile, 'utf8').trim();
  // A daemon opens a connection on its first use: after this request it holds wh.duckdb.
  expect((await api('POST', '/v1/validate', { workflow })).json).toMatchObject({ valid: true });
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
});

describe('the CLI beside a running daemon', () => {
  it('publishes daemon.json (0600) where the CLI of the same user finds it', () => {
    const file = daemonFilePath(stateDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as DaemonInfo;
    expect(info).toMatchObject({ url: daemon.url, pid: daemon.pid, state: statePath, config: cfg });
    expect(info.duckdb).toEqual({ wh });
  });

  it('validates, compiles and previews through the daemon that holds the file, saying so on stderr only', async () => {
    const answers = await Promise.all([...READS.map((args) => cli(...args)), cli('validate', wfFile)]);
    for (const a of answers) {
      expect(a.stderr, a.stderr).toContain(USING());
      expect(a.stderr.split(USING()).length).toBe(2);
      expect(a.code, a.stderr).toBe(0);
    }
    viaDaemon.reads = answers.slice(0, READS.length).map((a) => JSON.parse(a.stdout) as unknown);
    // The daemon read the live catalog: the file was not skipped as unreachable.
    expect(viaDaemon.reads[0]).toMatchObject({ valid: true, catalog: 'live' });
    expect(viaDaemon.reads[2]).toMatchObject({
      ok: true,
      rows: [{ store_id: 0 }, { store_id: 1 }, { store_id: 2 }],
    });
    expect(answers[READS.length]!.stdout).toMatch(
      /^✓ valid: .*store_revenue\.json for duckdb \(live catalog\)/,
    );
  });

  it('runs a file and a saved workflow through it, followed to the end', async () => {
    const file = await cli('run', wfFile, '--param', 'min_amount=10', '--json');
    expect(file.stderr).toContain(USING());
    expect(file.code, file.stderr).toBe(0);
    const run = JSON.parse(file.stdout) as RunJson;
    // The document ran as it is: not saved, so not scheduled either.
    expect(run).toMatchObject({ status: 'succeeded', version: null, params: { min_amount: 10 } });
    expect((await api('GET', '/v1/workflows')).json).toEqual({ workflows: [] });
    viaDaemon.run = run;

    expect((await api('PUT', '/v1/workflows/store_revenue', workflow)).status).toBe(201);
    const named = await cli('run', 'store_revenue');
    expect(named.stderr).toContain(USING());
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toMatch(/^run r\w+ of store_revenue succeeded in [\d.]+ s$/m);
    expect(named.stderr).toMatch(/wrote analytics\.store_revenue \(5 rows\)/);
  });

  it('cancels a run through the daemon on Ctrl-C, and exits 130', async () => {
    let out = '';
    let err = '';
    const io: Io = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
    const ctl = new AbortController();
    let progress = '';
    const tty = {
      isTTY: true,
      write: (t: string) => {
        progress += t;
        if (/1 running/.test(t)) ctl.abort();
      },
    };
    const code = await runCommand(slowFile, { config: cfg }, io, { progressStream: tty, signal: ctl.signal });
    expect(err).toContain(`edgeflow: using the daemon at ${daemon.url} (it holds ${wh})`);
    expect(code, err).toBe(130);
    expect(err).toMatch(/cancelling the run/);
    expect(err).toMatch(/^run r\w+ of slow cancelled/m);
    expect(progress).toMatch(/run slow: \d steps? done, 1 running/);
    expect(out).toBe('');
  }, 90_000);

  it('keeps components local: the same catalog as the daemon, no daemon line', async () => {
    const r = await cli('components', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('using the daemon');
    expect(JSON.parse(r.stdout)).toEqual((await api('GET', '/v1/components')).json);
  });

  it('goes through the daemon only when it is the one holding the file', async () => {
    const loaded = loadConfig(cfg);
    const open = (e: Error) => () => Promise.reject(e);
    // DuckDB names the holder: the daemon, or (without a PID) whoever daemon.json names.
    expect((await daemonFor(loaded, 'wh', open(lockedBy(daemon.pid))))?.url).toBe(daemon.url);
    expect((await daemonFor(loaded, 'wh', open(lockedBy())))?.url).toBe(daemon.url);
    expect(await daemonFor(loaded, 'wh', open(lockedBy(process.pid)))).toBeUndefined();
    expect(
      await daemonFor(
        loaded,
        'wh',
        open(new Error('connection "wh" is not reachable: IO Error: No such file')),
      ),
    ).toBeUndefined();
    // A run token starts saved workflows only: running a document needs write.
    const store = RunStore.open(statePath);
    const runToken = createApiToken(store, { name: 'ci', scopes: ['run'] }).token;
    store.close();
    const refused = await api('POST', '/v1/runs', { workflow }, runToken);
    expect(refused.status).toBe(403);
  });

  it("refuses another user's or an unreadable admin token with a clear error", async () => {
    const root = process.getuid?.() === 0;
    // root reads any file: the token then belongs to someone else (nobody).
    if (root) chownSync(tokenFile, 65534, 65534);
    else chmodSync(tokenFile, 0);
    try {
      const r = await cli('validate', wfFile, '--json');
      expect(r.code).toBe(2);
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('DAEMON_TOKEN_UNREADABLE');
      expect(error.message).toContain(
        `the daemon at ${daemon.url} holds wh.duckdb, and its admin token ${tokenFile}`,
      );
      expect(error.message).toMatch(
        root ? /belongs to another user \(uid 65534\)/ : /cannot be read \(EACCES\)/,
      );
      expect(error.message).toContain('only as the user who runs it');
    } finally {
      if (root) chownSync(tokenFile, 0, 0);
      else chmodSync(tokenFile, 0o600);
    }
  });
});

describe('the CLI with the daemon stopped', () => {
  beforeAll(async () => {
    expect(await daemon.stop()).toBe(0);
  }, 60_000);

  it('removed daemon.json; a stale one is ignored, and the file gives the same documents', async () => {
    const file = daemonFilePath(stateDir);
    expect(existsSync(file)).toBe(false);
    // A crash leaves daemon.json behind: its process is gone.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale: DaemonInfo = {
      url: daemon.url,
      pid: dead,
      started: new Date().toISOString(),
      state: statePath,
      config: cfg,
      duckdb: { wh },
    };
    writeFileSync(file, JSON.stringify(stale), { mode: 0o600 });
    const loaded = loadConfig(cfg);
    expect(await daemonFor(loaded, 'wh', () => Promise.reject(lockedBy()))).toBeUndefined();

    const answers = await Promise.all(READS.map((args) => cli(...args)));
    for (const a of answers) {
      expect(a.code, a.stderr).toBe(0);
      expect(a.stderr).not.toContain('using the daemon');
    }
    expect(answers.map((a) => JSON.parse(a.stdout) as unknown)).toEqual(viaDaemon.reads);

    const run = await cli('run', wfFile, '--param', 'min_amount=10', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('using the daemon');
    const local = JSON.parse(run.stdout) as RunJson;
    expect(Object.keys(local).sort()).toEqual(Object.keys(viaDaemon.run!).sort());
    expect(comparable(local)).toEqual(comparable(viaDaemon.run!));
    // Who asked: the CLI here, the daemon's API there.
    expect([local.trigger, viaDaemon.run!.trigger]).toEqual(['cli', 'api']);
  });

  it('keeps the error and its hint when another process holds the file', async () => {
    // daemon.json names the holder (this process), but its URL no longer answers as edgeflow.
    writeFileSync(
      daemonFilePath(stateDir),
      JSON.stringify({
        url: daemon.url,
        pid: process.pid,
        started: '',
        state: statePath,
        config: cfg,
        duckdb: { wh },
      }),
      { mode: 0o600 },
    );
    const held = await openDuckDb({ path: wh });
    try {
      // As before: validate goes on without the live catalog and says why.
      const r = await cli('validate', wfFile);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain('using the daemon');
      expect(r.stderr).toMatch(/note: validating without a live catalog \(.*Could not set lock on file/);
      expect(r.stderr).toContain('another process holds this DuckDB file');
    } finally {
      await held.close();
    }
  });
});
