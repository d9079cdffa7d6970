/**
 * `edgeflow demo`: seeds the demo warehouse into the embedded DuckDB (unless it is there already;
 * `--reseed` replaces it), saves and schedules the demo workflows in the run store, and runs each
 * once in the foreground with the daemon's executor, so that `npm start` afterwards has data,
 * workflows, schedules and a run history to show. Progress on a terminal only.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { stateLocation } from '../../config/state.js';
import {
  ensureDemo,
  installDemoWorkflows,
  loadDemoWorkflows,
  terminalProgress,
  type DemoSize,
  type EnsureDemoResult,
  type InstalledWorkflow,
  type ProgressStream,
} from '../../demo/index.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Service } from '../../service/index.js';
import { RunService, type RunView } from '../../service/runs.js';
import { RunStore } from '../../store/index.js';
import { processIo, toJson, UsageError, type Io } from '../io.js';

export interface DemoFlags {
  config?: string;
  json?: boolean;
  /** Replace the demo tables (and save our workflows again) even when they are there. */
  reseed?: boolean;
  /** Seed and install only. */
  noRun?: boolean;
  /**
   * Internal (the daemon's first start): seed only, progress on a terminal, the result as JSON on
   * stdout. The daemon seeds in a child process so that none of the memory seeding takes stays in it.
   */
  seedOnly?: boolean;
}

interface DemoRun {
  workflow: string;
  run: string;
  status: string;
  seconds: number | null;
  outputs: Array<{ table: string; rows: number | null }>;
  error?: string;
}

export async function demoCommand(
  flags: DemoFlags,
  io: Io,
  /** `size`: a smaller demo (tests). */
  opts: { progressStream?: ProgressStream; size?: DemoSize } = {},
): Promise<number> {
  const loaded = loadConfig(flags.config);
  const local = loaded.config.connections['local'];
  if (local?.type !== 'duckdb')
    throw new UsageError(
      `edgeflow demo seeds the embedded DuckDB connection "local"; ${local ? `"local" is ${local.type} in this config` : 'this config has no connection "local"'}`,
    );
  const state = stateLocation(loaded);
  mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  const statePath = state.target;
  if (local.path !== ':memory:')
    mkdirSync(path.dirname(path.resolve(loaded.baseDir, local.path)), { recursive: true });

  // Progress only when a person watches: the command's own stderr, on a terminal, not with --json.
  const progressStream = opts.progressStream ?? (io === processIo ? process.stderr : undefined);
  const progress =
    (!flags.json || flags.seedOnly) && progressStream ? terminalProgress(progressStream) : undefined;
  const say = (line: string) => {
    if (!flags.json) io.err(line);
  };

  const store = RunStore.open(statePath);
  const service = new Service(loaded, new ConnectorPool(loaded));
  const runs = new RunService(service, { store });
  try {
    const connector = await service.connector('local');
    if (progress) say('seeding the demo warehouse…');
    const demo = await ensureDemo({
      connector,
      log: say,
      ...(progress ? { progress } : {}),
      ...(flags.reseed ? { reseed: true } : {}),
      ...(opts.size ? { size: opts.size } : {}),
    });
    if (flags.seedOnly) {
      io.out(JSON.stringify(demo));
      return demo.state === 'foreign' ? 1 : 0;
    }
    if (demo.state === 'foreign') {
      // Not ours: the demo workflows would not validate against it, so nothing more is done.
      if (flags.json) io.out(toJson(summary(demo, [], [])));
      return 1;
    }
    if (!demo.seeded && demo.state === 'present')
      say(
        `the demo warehouse is already seeded (${demo.tables.map((t) => `${t.table} ${t.rows.toLocaleString('en-US')}`).join(', ')}); --reseed replaces it`,
      );

    const installed = await installDemoWorkflows(runs, {
      ...(flags.reseed ? { replace: true } : {}),
    });
    for (const w of installed) {
      const schedule = w.schedule ? `, scheduled ${w.schedule.cron} ${w.schedule.timezone}` : '';
      say(
        w.status === 'kept'
          ? `kept workflow ${w.name} (a workflow of that name is saved; --reseed saves ours again)`
          : `${w.status === 'saved' ? 'saved' : 'unchanged:'} workflow ${w.name} version ${w.version}${schedule}`,
      );
    }

    const results: DemoRun[] = [];
    if (!flags.noRun)
      for (const wf of loadDemoWorkflows()) results.push(await runOnce(runs, wf.name, say, progress));

    const failed = results.filter((r) => r.status !== 'succeeded');
    if (flags.json) io.out(toJson(summary(demo, installed, results)));
    else say(nextSteps(loaded.config.listen, path.join(state.dir, 'admin.token')));
    return failed.length > 0 ? 1 : 0;
  } finally {
    await service.close();
    store.close();
  }
}

/** One foreground run, shown as a progress line that ends with the rows written. */
async function runOnce(
  runs: RunService,
  workflow: string,
  say: (line: string) => void,
  progress: ReturnType<typeof terminalProgress>,
): Promise<DemoRun> {
  const label = `run ${workflow}`;
  progress?.start(label);
  let view: RunView;
  try {
    view = await runs.runForeground({ workflow, trigger: 'cli' });
  } catch (e) {
    progress?.fail?.(label, (e as Error).message);
    say(`${label}: ${(e as Error).message}`);
    return { workflow, run: '', status: 'failed', seconds: null, outputs: [], error: (e as Error).message };
  }
  const outputs = view.steps.filter((s) => s.target).map((s) => ({ table: s.target!.table, rows: s.rows }));
  const seconds =
    view.startedAt && view.finishedAt
      ? Math.round((Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 10) / 100
      : null;
  const written = outputs
    .map((o) => `${o.table}${o.rows !== null ? ` (${o.rows.toLocaleString('en-US')} rows)` : ''}`)
    .join(', ');
  if (view.status === 'succeeded') {
    progress?.done(label, 'succeeded');
    // The progress line said it already; a log gets a line of its own.
    if (!progress) say(`ran ${workflow} in ${seconds ?? '?'} s: wrote ${written} (run ${view.id})`);
    else say(`    wrote ${written} (run ${view.id})`);
  } else {
    progress?.fail?.(label, view.error?.message ?? view.status);
    say(`run ${view.id} of ${workflow} ${view.status}: ${view.error?.message ?? ''}`);
  }
  return {
    workflow,
    run: view.id,
    status: view.status,
    seconds,
    outputs,
    ...(view.error ? { error: view.error.message } : {}),
  };
}

function summary(demo: EnsureDemoResult, installed: InstalledWorkflow[], runs: DemoRun[]) {
  return {
    ok: demo.state !== 'foreign' && runs.every((r) => r.status === 'succeeded'),
    seeded: demo.seeded,
    state: demo.state,
    seconds: demo.seconds,
    tables: demo.tables,
    workflows: installed,
    runs,
  };
}

function nextSteps(listen: string, tokenFile: string): string {
  const url = `http://${listen}`;
  const token = path.relative(process.cwd(), tokenFile) || tokenFile;
  return [
    '',
    'next:',
    `  npm start                 the daemon on ${url}: the HTTP API and the schedules`,
    `                            (its admin token is written to ${token}, readable only by you)`,
    '  npx edgeflow run daily_store_revenue      run a saved workflow again, in the foreground',
    '  npx edgeflow preview examples/top_customers_by_region.json --node ranked',
  ].join('\n');
}
