/**
 * The web UI end to end, in a real browser (Debian's headless Chromium, driven by playwright-core;
 * `.ci/run` installs it) against the real daemon on the demo (one daemon for the file: seeding the
 * demo takes 10–30 s): sign in, the workflow list, daily_store_revenue's canvas with its nodes and
 * edges, a node's preview rows equal to the API's, a filter added from the catalog and connected by
 * dragging, a bad expression's error on that node, fixed, saved as version 2 (checked over the
 * API), run to success, its timeline, sign-out; and a read-token session without save or run.
 * Screenshots of the main pages are kept in test-results/ui/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, startDaemon, waitReady, type DaemonProcess } from '../support/daemon-process.js';

const CHROMIUM = process.env['EDGEFLOW_CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO, 'test-results', 'ui');
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env['CI'] === 'true')
  throw new Error(`the UI tests need Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
if (!haveBrowser)
  console.warn(`skipping the web UI e2e tests: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** The UI bundle as the sources are now: rebuilt (dist/ui only) when a file of ui/ is newer. */
function ensureUiBuilt(): void {
  const index = path.join(REPO, 'dist', 'ui', 'index.html');
  const newest = readdirSync(path.join(REPO, 'ui'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .reduce((m, e) => Math.max(m, statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  execFileSync(process.execPath, [path.join(REPO, 'tools', 'build.mjs'), 'ui'], {
    cwd: REPO,
    stdio: 'inherit',
  });
}

let daemon: DaemonProcess;
let dir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const tokens = { admin: '', read: '' };
const consoleErrors: string[] = [];

async function api<T = unknown>(method: string, p: string, body?: unknown): Promise<T> {
  const r = await fetch(`${daemon.url}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens.admin}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

const shot = (name: string, p: Page = page) => p.screenshot({ path: path.join(SHOTS, `${name}.png`) });

// playwright-core has no web-first assertions (those are @playwright/test's): these wait the same way.
const T = { timeout: 30_000 };
const visible = (l: Locator, timeout = 30_000) => l.first().waitFor({ state: 'visible', timeout });
const count = (l: Locator, n: number, timeout = 30_000) => expect.poll(() => l.count(), { timeout }).toBe(n);
const text = (l: Locator) => l.first().innerText();
const inputValue = (l: Locator) => l.inputValue();

async function signIn(p: Page, token: string): Promise<void> {
  await p.goto(`${daemon.url}/`);
  await p.locator('#token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByTestId('workflow-list').waitFor({ timeout: 60_000 });
}

/** Drags from one handle to another the way a person does (React Flow follows mouse moves). */
async function drag(from: string, to: string): Promise<void> {
  const a = (await page.locator(from).boundingBox())!;
  const b = (await page.locator(to).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

describe.skipIf(!haveBrowser)('the web UI in a real browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureUiBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'edgeflow-ui-e2e-'));
    // The zero-config default: it seeds the demo and saves its workflows.
    daemon = await startDaemon({ cwd: dir, env: { EDGEFLOW_CONFIG: undefined }, timeoutMs: 120_000 });
    await waitReady(daemon, { timeoutMs: 300_000 });
    tokens.admin = readFileSync(path.join(dir, '.edgeflow', 'admin.token'), 'utf8').trim();
    const made = await runCli(['token', 'create', '--scopes', 'read', '--name', 'ui-viewer'], {
      cwd: dir,
      env: { EDGEFLOW_CONFIG: undefined },
    });
    expect(made.code, made.stderr).toBe(0);
    tokens.read = made.stdout.trim();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with a token kept only as an HttpOnly cookie, and lists the workflows', async () => {
    await page.goto(`${daemon.url}/`);
    await page.locator('#token').waitFor();
    await shot('sign-in');
    await signIn(page, tokens.admin);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1' });
    expect(cookies[0]!.value).not.toContain(tokens.admin);
    const stored = String(
      await page.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie'),
    );
    expect(stored).not.toContain(tokens.admin);
    const list = page.getByTestId('workflow-list');
    for (const name of ['daily_store_revenue', 'monthly_refunds', 'top_customers_by_region'])
      await visible(list.getByRole('link', { name }));
    // The schedule's next fire in its time zone (the row fills in when the schedule arrives).
    const row = list.locator('tr', { hasText: 'daily_store_revenue' });
    await expect.poll(() => text(row), T).toContain('Europe/Madrid');
    await shot('workflows');
  }, 60_000);

  it("draws daily_store_revenue's nodes and edges, and a node's preview rows are the API's", async () => {
    const saved = await api<{
      document: { nodes: Array<{ id: string; inputs?: Record<string, string | string[]> }> };
    }>('GET', '/v1/workflows/daily_store_revenue');
    const edges = saved.document.nodes.flatMap((n) => Object.values(n.inputs ?? {}).flat());
    await page.getByRole('link', { name: 'daily_store_revenue' }).click();
    await page.locator('.react-flow__node').first().waitFor();
    await count(page.locator('.react-flow__node'), saved.document.nodes.length);
    await count(page.locator('.react-flow__edge'), edges.length);
    for (const n of saved.document.nodes) await visible(page.locator(`.react-flow__node[data-id="${n.id}"]`));
    // A port that is not the default is labelled on its edge (the join's left and right).
    await count(page.locator('.react-flow__edge-text', { hasText: 'right' }), 1);
    await expect.poll(() => text(page.getByTestId('validation-status')), { timeout: 60_000 }).toBe('valid');
    await shot('canvas');

    await page.locator('.react-flow__node[data-id="stores"]').click();
    await page.getByRole('tab', { name: 'Preview' }).click();
    const grid = page.getByTestId('preview-grid');
    await grid.waitFor({ timeout: 60_000 });
    const shown = await grid
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '').join('|')),
      );
    const answer = await api<{ columns: Array<{ name: string }>; rows: Array<Record<string, unknown>> }>(
      'POST',
      '/v1/preview',
      {
        workflow: saved.document,
        node: 'stores',
        limit: 50,
      },
    );
    const expected = answer.rows.map((r) =>
      answer.columns.map((c) => (r[c.name] === null ? 'null' : String(r[c.name]))).join('|'),
    );
    expect(shown.length).toBe(expected.length);
    expect([...shown].sort()).toEqual([...expected].sort());
    await page.getByRole('tab', { name: 'Columns' }).click();
    await expect.poll(() => text(page.locator('table.columns')), T).toContain('main.stores.store_id');
    await page.getByRole('tab', { name: 'SQL' }).click();
    await expect.poll(() => text(page.getByTestId('node-sql')), T).toContain('main.stores');
    await shot('node-preview');
  }, 120_000);

  it('moves between nodes with the keyboard', async () => {
    await page.locator('.react-flow__node[data-id="orders"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => inputValue(page.locator('#node-id')), T).toBe('orders');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => inputValue(page.locator('#node-id')), T).toBe('paid');
    expect(await page.evaluate('document.activeElement && document.activeElement.dataset.id')).toBe('paid');
    expect(await page.locator('.react-flow__node[data-id="paid"]').getAttribute('aria-label')).toMatch(
      /node paid, filter/,
    );
  }, 30_000);

  it('adds a filter from the catalog, connects it, shows a bad expression on it, fixes it and saves version 2', async () => {
    await page.getByRole('button', { name: '+ Add component' }).click();
    await page.getByRole('searchbox', { name: 'search components' }).fill('filter');
    await page.getByTestId('add-filter').click();
    const node = page.locator('.react-flow__node[data-id="filter_1"]');
    await node.waitFor();
    // The canvas lays the new graph out again and fits it to the view (a short animation).
    await page.waitForTimeout(800);
    await drag(
      '.react-flow__node[data-id="stores"] .react-flow__handle.source[data-handleid="out"]',
      '.react-flow__node[data-id="filter_1"] .react-flow__handle.target[data-handleid="in"]',
    );
    await shot('connected');
    await count(page.locator('.react-flow__edge[data-id="filter_1:in"]'), 1, 10_000);
    await node.click();
    const where = page.getByLabel(/^where/);
    await where.fill("regionn = 'North'");
    await visible(node.locator('.wf-node-badge.error'));
    await expect.poll(() => text(page.locator('.field-diagnostics')), T).toContain('regionn');
    await shot('validation-error');
    await where.fill('store_id > 0');
    await count(node.locator('.wf-node-badge.error'), 0);
    await expect.poll(() => text(page.getByTestId('validation-status')), T).not.toContain('error');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved version 2' }));
    const v2 = await api<{
      version: number;
      document: { nodes: Array<{ id: string; inputs?: unknown; config?: unknown }> };
    }>('GET', '/v1/workflows/daily_store_revenue');
    expect(v2.version).toBe(2);
    expect(v2.document.nodes.find((n) => n.id === 'filter_1')).toEqual({
      id: 'filter_1',
      type: 'filter',
      inputs: { in: 'stores' },
      config: { where: 'store_id > 0' },
    });
  }, 120_000);

  it('runs version 2, follows it to success and shows its timeline', async () => {
    await page.getByRole('button', { name: '▶ Run' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/#\/runs\/.+/);
    const id = decodeURIComponent(page.url().split('#/runs/')[1]!);
    await expect
      .poll(() => text(page.locator('h1 .badge')), { timeout: 240_000, interval: 1000 })
      .toBe('succeeded');
    const run = await api<{ version: number; status: string; steps: unknown[] }>('GET', `/v1/runs/${id}`);
    expect(run).toMatchObject({ version: 2, status: 'succeeded' });
    await count(page.locator('.gantt-bar'), run.steps.length);
    await count(page.getByTestId('run-steps').locator('tbody tr'), run.steps.length);
    await expect.poll(() => text(page.getByTestId('run-logs')), T).not.toContain('No log lines yet');
    await shot('run');
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await expect.poll(() => text(page.getByTestId('run-list')), T).toContain(id);
    await shot('runs');
  }, 300_000);

  it('signs out: the session ends and the cookie is gone', async () => {
    const cookie = (await context.cookies())[0]!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#token').waitFor();
    expect(await context.cookies()).toHaveLength(0);
    const r = await fetch(`${daemon.url}/v1/workflows`, {
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    expect(r.status).toBe(401);
  }, 30_000);

  it('gives a read-token session no save, run or edit buttons', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const p = await ctx.newPage();
      await signIn(p, tokens.read);
      await count(p.getByRole('link', { name: 'New workflow' }), 0);
      await p.getByRole('link', { name: 'daily_store_revenue' }).click();
      await p.locator('.react-flow__node').first().waitFor();
      await visible(p.getByText('View only'));
      for (const name of ['Save', '▶ Run', '+ Add component', '↶ Undo'])
        await count(p.getByRole('button', { name, exact: true }), 0);
      await p.locator('.react-flow__node[data-id="paid"]').click();
      await visible(p.locator('#node-id'));
      await count(p.getByRole('button', { name: 'Delete node' }), 0);
      await shot('read-only', p);
    } finally {
      await ctx.close();
    }
  }, 60_000);

  it('broke no Content-Security-Policy rule and threw no error in the page', () => {
    // The one expected error: the first GET /v1/session before signing in answers 401.
    const unexpected = consoleErrors.filter((e) => !/status of 401/.test(e));
    expect(unexpected).toEqual([]);
  });
});
