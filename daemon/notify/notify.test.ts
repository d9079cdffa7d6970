/**
 * Alerts against real receivers: a local HTTP server (webhook, Slack) and a real SMTP server over
 * STARTTLS (smtp-server). A run that fails on DuckDB sends the workflow, run id, failing step, the
 * warehouse's message and a link to the run; a webhook is signed and retried with backoff on a
 * fake clock (no timed waits), given up at once on a refusal; the run never waits for a receiver;
 * one alert per run, event and channel even with two senders; secrets never reach what is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import { FakeClock, finished, testRuntime, type TestRuntime } from '../executor/testing.js';
import { Redactor } from '../secrets/redactor.js';
import { ConnectorPool } from '../service/connectors.js';
import { Service } from '../service/index.js';
import { RunStore } from '../store/index.js';
import { buildChannels, Notifier, verifySignature, type AlertMessage } from './index.js';
import { httpReceiver, smtpReceiver, TEST_CA_FILE, type HttpReceiver } from './testing.js';

const SECRET = 'whsec_0123456789abcdef-test';
const SMTP_PASSWORD = 'smtp-pass-9f8e7d6c';
const PUBLIC = 'https://edgeflow.example.test';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function config(notify: unknown, extra: Record<string, unknown> = {}): LoadedConfig {
  return {
    config: configSchema.parse({
      state: ':memory:',
      publicUrl: PUBLIC,
      connections: { local: { type: 'duckdb', path: ':memory:' } },
      notify,
      ...extra,
    }),
    baseDir: process.cwd(),
  };
}

/** A workflow whose one output is `create` to a table that exists: it fails in the warehouse. */
const failing = (notify?: unknown) => ({
  edgeflow: 1,
  name: 'nightly',
  connection: 'local',
  nodes: [
    { id: 'orders', type: 'source.table', config: { table: 'src.orders' } },
    {
      id: 'out',
      type: 'output.table',
      inputs: { in: 'orders' },
      config: { table: 'analytics.t', mode: 'create' },
    },
  ],
  ...(notify ? { notify } : {}),
});

async function runtime(
  loaded: LoadedConfig,
  clock = new FakeClock(),
): Promise<TestRuntime & { clock: FakeClock }> {
  const rt = testRuntime({ config: loaded, clock, runs: { notify: { retryBaseDelayMs: 1_000 } } });
  cleanup.push(() => rt.close());
  const c = await rt.service.connector('local');
  for (const sql of [
    'CREATE SCHEMA src',
    'CREATE SCHEMA analytics',
    'CREATE TABLE src.orders AS SELECT range AS id FROM range(10)',
    'CREATE TABLE analytics.t (id BIGINT)',
  ])
    await c.execute(sql);
  return { ...rt, clock };
}

async function receiver(): Promise<HttpReceiver> {
  const r = await httpReceiver();
  cleanup.push(() => r.close());
  return r;
}

async function failRun(rt: TestRuntime): Promise<string> {
  const { run } = await rt.service.startRun({ workflow: 'nightly' });
  const done = await finished(rt, run.id);
  expect(done.status).toBe('failed');
  return run.id;
}

describe('end to end, as the daemon runs', () => {
  it('a failed run on DuckDB sends one signed webhook (after a 500, retried) and one email', async () => {
    const hook = await receiver();
    const answers = [500];
    hook.respond = () => {
      const status = answers.shift() ?? 200;
      return { status, body: status === 200 ? 'ok' : 'try later' };
    };
    const smtp = await smtpReceiver({ user: 'alerts', password: SMTP_PASSWORD });
    cleanup.push(() => smtp.close());
    const loaded = config({
      smtp: {
        host: 'localhost',
        port: smtp.port,
        user: 'alerts',
        password: '${env:SMTP_PASSWORD}',
        from: 'edgeflow@example.test',
        ca: TEST_CA_FILE,
      },
      channels: {
        ops: { type: 'webhook', url: hook.url, secret: '${env:HOOK_SECRET}' },
        oncall: { type: 'email', to: ['oncall@example.test'] },
      },
      default: { channels: ['ops', 'oncall'] },
    });
    const env = { SMTP_PASSWORD, HOOK_SECRET: SECRET };
    // The real clock: the sender's backoff is real time here (200 ms, doubling).
    const rt = testRuntime({
      config: loaded,
      runs: {
        notify: { channels: buildChannels(loaded, { env }), retryBaseDelayMs: 200, pollIntervalMs: 50 },
      },
    });
    cleanup.push(() => rt.close());
    const c = await rt.service.connector('local');
    for (const sql of [
      'CREATE SCHEMA src',
      'CREATE SCHEMA analytics',
      'CREATE TABLE src.orders AS SELECT range AS id FROM range(10)',
      'CREATE TABLE analytics.t (id BIGINT)',
    ])
      await c.execute(sql);
    await rt.service.saveWorkflow(failing());
    await rt.service.startRuns();
    const { run } = await rt.service.startRun({ workflow: 'nightly' });
    expect((await finished(rt, run.id)).status).toBe('failed');
    await expect
      .poll(
        () =>
          rt.store
            .listNotifications({ runId: run.id })
            .map((n) => n.status)
            .sort(),
        { timeout: 15_000 },
      )
      .toEqual(['sent', 'sent']);

    // The webhook: a 500, then the same delivery again, signed each time.
    expect(hook.requests.map((r) => r.headers['x-edgeflow-delivery'])).toEqual([
      `${run.id}:failure:ops`,
      `${run.id}:failure:ops`,
    ]);
    for (const r of hook.requests)
      expect(verifySignature(SECRET, r.body, r.headers['x-edgeflow-signature'] as string)).toBe(true);
    const msg = JSON.parse(hook.requests[1]!.body) as AlertMessage;
    expect(msg).toMatchObject({
      event: 'failure',
      workflow: 'nightly',
      runId: run.id,
      link: `${PUBLIC}/#/runs/${run.id}`,
      error: { step: 'write:out' },
    });
    expect(msg.error!.message).toMatch(/already exists/i);
    const ops = rt.store.listNotifications({ runId: run.id }).find((n) => n.channel === 'ops')!;
    expect(ops).toMatchObject({ attempts: 2, status: 'sent' });

    // The email: once, over STARTTLS, with the same facts.
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]).toMatchObject({
      secure: true,
      to: ['oncall@example.test'],
      subject: `[edgeflow] nightly failed (${run.id})`,
    });
    expect(smtp.messages[0]!.text).toContain('failing step: write:out');
    expect(smtp.messages[0]!.text).toContain(`${PUBLIC}/#/runs/${run.id}`);
    // Nothing kept holds a secret.
    const kept = JSON.stringify([rt.store.listNotifications(), rt.store.runLogs(run.id)]);
    expect(kept).not.toContain(SECRET);
    expect(kept).not.toContain(SMTP_PASSWORD);
  });
});

describe('webhook alerts', () => {
  it('send a failed run as signed JSON: workflow, run, failing step, the warehouse message, a link', async () => {
    const hook = await receiver();
    const rt = await runtime(
      config({ channels: { ops: { type: 'webhook', url: hook.url, secret: SECRET } } }),
    );
    await rt.service.saveWorkflow(failing({ channels: ['ops'] }));
    const runId = await failRun(rt);
    expect(await rt.service.runs!.notifier.drain()).toBe(1);

    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0]!;
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-edgeflow-event']).toBe('failure');
    expect(req.headers['x-edgeflow-delivery']).toBe(`${runId}:failure:ops`);
    const signature = req.headers['x-edgeflow-signature'] as string;
    expect(
      verifySignature(SECRET, req.body, signature, { nowSeconds: Math.floor(rt.clock.now() / 1000) }),
    ).toBe(true);
    expect(verifySignature('another-secret-of-16', req.body, signature)).toBe(false);
    const msg = JSON.parse(req.body) as AlertMessage;
    expect(msg).toMatchObject({
      version: 1,
      event: 'failure',
      workflow: 'nightly',
      runId,
      status: 'failed',
      link: `${PUBLIC}/#/runs/${runId}`,
      error: { code: 'WAREHOUSE_ERROR', step: 'write:out' },
    });
    expect(msg.error!.message).toMatch(/already exists/i);
    expect(msg.summary).toMatch(/^nightly failed at step write:out: /);
    // The run's log says it went out.
    const logs = rt.store.runLogs(runId).map((l) => l.message);
    expect(logs).toContain('the failure alert was sent to channel "ops" (webhook)');
    expect(rt.store.listNotifications({ runId })[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a failed delivery with backoff (fake clock), and gives up at once on a refusal', async () => {
    const hook = await receiver();
    const rt = await runtime(
      config({ channels: { ops: { type: 'webhook', url: hook.url, secret: SECRET } } }),
    );
    await rt.service.saveWorkflow(failing({ channels: ['ops'] }));
    const notifier = rt.service.runs!.notifier;
    let answers = [503, 502, 200];
    hook.respond = () => ({ status: answers.shift() ?? 200, body: 'busy' });
    const runId = await failRun(rt);

    expect(await notifier.drain()).toBe(1);
    let n = rt.store.listNotifications({ runId })[0]!;
    expect(n).toMatchObject({ status: 'pending', attempts: 1 });
    expect(n.lastError).toMatch(/HTTP 503: busy/);
    // Not due yet: nothing is sent until the clock passes run_at (about 1 s, with jitter).
    expect(await notifier.drain()).toBe(0);
    const wait1 = Date.parse(n.runAt) - rt.clock.now();
    expect(wait1).toBeGreaterThanOrEqual(500);
    expect(wait1).toBeLessThanOrEqual(1_000);
    await rt.clock.sleep(wait1);
    expect(await notifier.drain()).toBe(1);
    n = rt.store.listNotifications({ runId })[0]!;
    expect(n).toMatchObject({ status: 'pending', attempts: 2 });
    // The second wait is about twice the first (exponential, equal jitter).
    const wait2 = Date.parse(n.runAt) - rt.clock.now();
    expect(wait2).toBeGreaterThanOrEqual(1_000);
    expect(wait2).toBeLessThanOrEqual(2_000);
    await rt.clock.sleep(wait2);
    expect(await notifier.drain()).toBe(1);
    expect(rt.store.listNotifications({ runId })[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(hook.requests).toHaveLength(3);
    // Every attempt is the same delivery.
    expect(new Set(hook.requests.map((r) => r.headers['x-edgeflow-delivery'])).size).toBe(1);

    // A 400 is a refusal: given up at once, and the run's log says why.
    answers = [400];
    const second = await failRun(rt);
    expect(await notifier.drain()).toBe(1);
    expect(rt.store.listNotifications({ runId: second })[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rt.store.runLogs(second).map((l) => l.message)).toContainEqual(
      expect.stringMatching(/the failure alert to channel "ops" was given up after 1 attempt: .*HTTP 400/),
    );
  });

  it('never holds the run: a receiver that never answers does not keep it from finishing', async () => {
    const hook = await receiver();
    hook.respond = () => 'hang';
    const rt = await runtime(
      config({
        channels: { ops: { type: 'webhook', url: hook.url, secret: SECRET } },
        default: { channels: ['ops'] },
      }),
    );
    await rt.service.saveWorkflow(failing());
    // The daemon's way: the executor and the sender running in the background.
    await rt.service.startRuns();
    const { run } = await rt.service.startRun({ workflow: 'nightly' });
    const done = await finished(rt, run.id);
    expect(done.status).toBe('failed');
    // The run ended; its alert is being sent (the receiver holds the request).
    await expect.poll(() => hook.requests.length, { timeout: 10_000 }).toBe(1);
    expect(rt.store.listNotifications({ runId: run.id })[0]?.status).toBe('sending');
    // The receiver goes away: the send fails, and the alert waits for a retry.
    await hook.close();
    await expect.poll(() => rt.store.listNotifications({ runId: run.id })[0]?.status).toBe('pending');
  });

  it('is enqueued once per run, event and channel, and sent once, by two senders on one store', async () => {
    const hook = await receiver();
    const loaded = config({
      channels: { ops: { type: 'webhook', url: hook.url, secret: SECRET } },
      default: { channels: ['ops'], on: ['failure', 'success'] },
    });
    const rt = await runtime(loaded);
    await rt.service.saveWorkflow(failing());
    const runId = await failRun(rt);
    // A second daemon's notifier on the same store, which heard of the same run.
    const other = new Notifier({
      store: rt.store,
      notify: loaded.config.notify,
      channels: buildChannels(loaded),
      publicUrl: () => PUBLIC,
      documentOf: () => undefined,
      clock: rt.clock,
      owner: 'other-daemon',
    });
    other.onExecutorEvent({ type: 'run.finished', run: rt.store.getRun(runId)!, durationMs: 1 });
    expect(rt.store.listNotifications({ runId })).toHaveLength(1);
    const sent = await Promise.all([other.drain(), rt.service.runs!.notifier.drain()]);
    expect(sent[0] + sent[1]).toBe(1);
    expect(hook.requests).toHaveLength(1);
  });
});

describe('slack, slow runs and skipped fires', () => {
  it('sends a Slack-compatible payload; a slow run alerts once; a skipped fire alerts with the run that held it', async () => {
    const slack = await receiver();
    const rt = await runtime(config({ channels: { team: { type: 'slack', url: slack.url } } }));
    await rt.service.saveWorkflow({
      ...failing({ channels: ['team'], on: ['failure', 'slow', 'skipped'], slowAfter: '30m' }),
    });
    const runId = await failRun(rt);
    await rt.service.runs!.notifier.drain();
    const body = JSON.parse(slack.requests[0]!.body) as { text: string };
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toMatch(/^:red_circle: \*nightly failed at step write:out: /);
    expect(body.text).toContain(`run: ${runId}`);
    expect(body.text).toContain('failing step: write:out');
    expect(body.text).toContain(`<${PUBLIC}/#/runs/${runId}|Open the run>`);

    // A run held by an executor that started it 31 minutes ago (as the store's clock says).
    const { run } = rt.store.createRun({
      workflow: 'nightly',
      version: 1,
      trigger: 'schedule',
      connection: 'local',
      dialect: 'duckdb',
      plan: null,
      owner: 'somewhere',
    });
    await rt.clock.sleep(29 * 60_000);
    const notifier = rt.service.runs!.notifier;
    notifier.checkSlowRuns();
    expect(rt.store.listNotifications({ runId: run.id })).toEqual([]);
    await rt.clock.sleep(2 * 60_000);
    notifier.checkSlowRuns();
    notifier.checkSlowRuns();
    expect(rt.store.listNotifications({ runId: run.id })).toMatchObject([{ event: 'slow', channel: 'team' }]);

    notifier.onSchedulerEvent({
      type: 'skipped',
      workflow: 'nightly',
      nominalAt: '2026-01-01T06:00:00.000Z',
      reason: 'overlap',
    });
    notifier.onSchedulerEvent({
      type: 'skipped',
      workflow: 'nightly',
      nominalAt: '2026-01-01T06:00:00.000Z',
      reason: 'overlap',
    });
    const skipped = rt.store.listNotifications({ workflow: 'nightly' }).filter((n) => n.event === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.payload).toMatchObject({ activeRunId: run.id, link: `${PUBLIC}/#/runs/${run.id}` });
    expect(await notifier.drain()).toBe(2);
    expect(slack.requests.map((r) => (JSON.parse(r.body) as { text: string }).text.split('\n')[0])).toEqual([
      expect.stringMatching(/^:red_circle:/),
      expect.stringMatching(
        /^:hourglass: \*nightly has been running for 31 min 0 s \(longer than 30 min 0 s\)\*$/,
      ),
      expect.stringMatching(
        /^:fast_forward: \*nightly: the scheduled fire of 2026-01-01T06:00:00.000Z was skipped/,
      ),
    ]);
  });

  it('refuses to save a workflow naming a channel the config lacks', async () => {
    const rt = await runtime(config({ channels: { ops: { type: 'slack', url: 'http://127.0.0.1:9/x' } } }));
    await expect(rt.service.saveWorkflow(failing({ channels: ['opz'] }))).rejects.toMatchObject({
      code: 'INVALID_WORKFLOW',
      details: {
        diagnostics: [
          expect.objectContaining({
            code: 'INVALID_VALUE',
            path: '$.notify.channels[0]',
            message: 'unknown alert channel "opz"',
            hint: "the daemon's config has the channels ops",
          }),
        ],
      },
    });
  });
});

describe('email alerts', () => {
  it('go through the SMTP server over STARTTLS with the password; a wrong password is a refusal', async () => {
    const smtp = await smtpReceiver({ user: 'alerts', password: SMTP_PASSWORD });
    cleanup.push(() => smtp.close());
    const env = { SMTP_PASSWORD };
    const notify = (password: string) => ({
      smtp: {
        host: 'localhost',
        port: smtp.port,
        user: 'alerts',
        password,
        from: 'edgeflow@example.test',
        ca: TEST_CA_FILE,
      },
      channels: { oncall: { type: 'email', to: ['oncall@example.test'] } },
      default: { channels: ['oncall'] },
    });
    const loaded = config(notify('${env:SMTP_PASSWORD}'));
    const rt = await runtime(loaded);
    // The channels as the daemon builds them, with the password from the environment.
    const channels = buildChannels(loaded, { env });
    (rt.service.runs!.notifier as unknown as { opts: { channels: typeof channels } }).opts.channels =
      channels;
    await rt.service.saveWorkflow(failing());
    const runId = await failRun(rt);
    expect(await rt.service.runs!.notifier.drain()).toBe(1);
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail).toMatchObject({
      secure: true,
      user: 'alerts',
      from: 'edgeflow@example.test',
      to: ['oncall@example.test'],
    });
    expect(mail.subject).toBe(`[edgeflow] nightly failed (${runId})`);
    expect(mail.text).toContain('failing step: write:out');
    expect(mail.text).toMatch(/message: .*already exists/i);
    expect(mail.text).toContain(`${PUBLIC}/#/runs/${runId}`);
    expect(mail.raw).toMatch(new RegExp(`X-Edgeflow-Delivery: ${runId}:failure:oncall`));
    expect(rt.store.listNotifications({ runId })[0]?.status).toBe('sent');

    // A wrong password: 535 from the server, given up at once.
    const wrong = buildChannels(config(notify('not-the-password')));
    (rt.service.runs!.notifier as unknown as { opts: { channels: typeof channels } }).opts.channels = wrong;
    const second = await failRun(rt);
    expect(await rt.service.runs!.notifier.drain()).toBe(1);
    expect(smtp.refusedLogins).toBe(1);
    const n = rt.store.listNotifications({ runId: second })[0]!;
    expect(n.status).toBe('failed');
    expect(n.lastError).toMatch(/refused the message: EAUTH/);
  });
});

describe('secrets', () => {
  it('never reach the outbox, the run log or an error kept, even when a receiver echoes them', async () => {
    const hook = await receiver();
    // A receiver whose error page quotes what it was sent, the signature secret among it.
    hook.respond = (r) => ({
      status: 500,
      body: `bad signature ${r.headers['x-edgeflow-signature']} for ${SECRET} at ${hook.url}`,
    });
    const loaded = config({
      channels: { ops: { type: 'webhook', url: hook.url, secret: '${env:HOOK_SECRET}' } },
      default: { channels: ['ops'] },
    });
    const env = { HOOK_SECRET: SECRET };
    const redactor = Redactor.forConfig(loaded, env);
    const clock = new FakeClock();
    const store = RunStore.open(':memory:', { now: clock.now, redactor });
    const service = new Service(loaded, new ConnectorPool(loaded), {
      redactor,
      runs: {
        store,
        executor: { clock },
        notify: { channels: buildChannels(loaded, { env }), maxAttempts: 1 },
      },
    });
    cleanup.push(async () => {
      await service.close();
      store.close();
    });
    const c = await service.connector('local');
    for (const sql of [
      'CREATE SCHEMA src',
      'CREATE SCHEMA analytics',
      'CREATE TABLE src.orders AS SELECT range AS id FROM range(3)',
      'CREATE TABLE analytics.t (id BIGINT)',
    ])
      await c.execute(sql);
    await service.saveWorkflow(failing());
    const { run } = await service.startRun({ workflow: 'nightly' });
    await finished({ store }, run.id);
    await service.runs!.notifier.drain();
    expect(hook.requests).toHaveLength(1);
    const kept = JSON.stringify([store.listNotifications(), store.runLogs(run.id), store.getRun(run.id)]);
    expect(kept).toContain('[redacted]');
    expect(kept).not.toContain(SECRET);
    expect(kept).not.toContain(hook.url);
  });
});

describe('the notify config', () => {
  const parse = (notify: unknown) => configSchema.safeParse({ connections: {}, notify });
  it('checks default channels, smtp for email, slowAfter for slow', () => {
    expect(
      parse({ channels: { a: { type: 'slack', url: 'x' } }, default: { channels: ['b'] } }).error?.issues,
    ).toEqual([
      expect.objectContaining({
        path: ['notify', 'default', 'channels'],
        message: 'unknown channel "b": the channels are a',
      }),
    ]);
    expect(parse({ channels: { m: { type: 'email', to: ['a@b.test'] } } }).error?.issues[0]?.message).toBe(
      'an email channel needs notify.smtp',
    );
    expect(
      parse({ channels: { a: { type: 'slack', url: 'x' } }, default: { channels: ['a'], on: ['slow'] } })
        .error?.issues[0]?.message,
    ).toBe('`slow` needs slowAfter, e.g. 30m');
    expect(parse({ channels: { a: { type: 'webhook', url: 'http://h/x' } } }).success).toBe(false);
    const ok = parse({
      channels: { a: { type: 'slack', url: 'x' } },
      default: { channels: ['a'], on: ['slow'], slowAfter: '30m' },
    });
    expect(ok.data?.notify?.default?.slowAfter).toBe(1_800_000);
  });

  it('a webhook secret shorter than 16 characters fails its alerts with what to fix', async () => {
    const channels = buildChannels(
      config({ channels: { a: { type: 'webhook', url: 'http://127.0.0.1:9/', secret: 'short' } } }),
    );
    await expect(
      channels
        .get('a')!
        .send({ message: {} as AlertMessage, id: 'x', signal: new AbortController().signal, nowMs: 0 }),
    ).rejects.toMatchObject({
      permanent: true,
      message: 'alert channel "a" (webhook) is misconfigured: its secret must be at least 16 characters',
    });
  });
});
