/**
 * `edgeflow eval`: runs the assistant's eval cases (evals/cases) against a model and writes the
 * report (JSON + Markdown) to --out (default .evals/); `edgeflow eval --compare A.json B.json`
 * prints what changed between two reports. The warehouse is only read: gold SQL and the generated
 * workflows' result nodes run read-only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { CaseFileError, loadCases } from '../../../evals/cases.js';
import { buildReport, compareReports, renderMarkdown, type EvalReport } from '../../../evals/report.js';
import { runEval, type Pricing } from '../../../evals/runner.js';
import { assistantFromConfig } from '../../assistant/client.js';
import { generateWorkflow } from '../../assistant/index.js';
import { demoState } from '../../demo/index.js';
import { loadConfig } from '../../config/load.js';
import { ConnectorPool } from '../../service/connectors.js';
import { Service } from '../../service/index.js';
import { toJson, UsageError, type Io } from '../io.js';

export interface EvalFlags {
  config?: string;
  json?: boolean;
  model?: string;
  baseUrl?: string;
  cases?: string;
  concurrency?: string;
  budgetUsd?: string;
  priceIn?: string;
  priceOut?: string;
  out?: string;
  compare?: boolean;
}

function number(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min}, got "${v}"`);
  return n;
}

export async function evalCommand(files: string[], flags: EvalFlags, io: Io): Promise<number> {
  if (flags.compare) {
    if (files.length !== 2) throw new UsageError('eval --compare needs two report files: A.json B.json');
    const [a, b] = files.map((f) => {
      try {
        return JSON.parse(readFileSync(f, 'utf8')) as EvalReport;
      } catch (e) {
        throw new UsageError(`cannot read the report ${f}: ${(e as Error).message}`);
      }
    }) as [EvalReport, EvalReport];
    const lines = compareReports(a, b);
    io.out(flags.json ? toJson({ ok: true, differences: lines }) : lines.join('\n'));
    return 0;
  }
  const concurrency = number('concurrency', flags.concurrency, 1) ?? 4;
  const budgetUsd = number('budget-usd', flags.budgetUsd, 0);
  const pricing: Pricing = {
    inputPerMTok: number('price-in', flags.priceIn, 0) ?? 0,
    outputPerMTok: number('price-out', flags.priceOut, 0) ?? 0,
  };
  let cases;
  try {
    cases = loadCases(flags.cases);
  } catch (e) {
    if (e instanceof CaseFileError || (e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError((e as Error).message);
    throw e;
  }

  const loaded = loadConfig(flags.config);
  const configured = assistantFromConfig(loaded);
  const model = flags.model ?? configured?.model;
  if (!model) throw new UsageError('eval needs a model: --model M, or an `assistant` block in the config');
  const client =
    flags.baseUrl || !configured
      ? new OpenAI({
          apiKey: configured?.client.apiKey || process.env['OPENAI_API_KEY'] || 'none',
          baseURL: flags.baseUrl ?? 'https://api.openai.com/v1',
          maxRetries: 0,
        })
      : configured.client;

  const service = new Service(loaded, new ConnectorPool(loaded, { readOnly: true }));
  try {
    // The gold answers are written for the demo dataset: without it every case would fail.
    for (const name of new Set(cases.map((c) => c.connection))) {
      const state = await demoState(await service.connector(name)).catch(() => 'unsupported' as const);
      if (state !== 'present')
        throw new UsageError(
          `connection "${name}" does not hold the demo dataset (${state}); run \`edgeflow demo --no-run\` first`,
        );
    }
    const run = await runEval(
      cases,
      {
        model,
        reader: service,
        generate: (req) => generateWorkflow({ service, client, model }, req),
      },
      {
        concurrency,
        pricing,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        onOutcome: (o) => {
          if (!flags.json) io.err(`${o.subset ? '✓' : '✗'} ${o.id}: ${o.detail}`);
        },
      },
    );
    const report = buildReport(run);
    const dir = flags.out ?? '.evals';
    mkdirSync(dir, { recursive: true });
    const stem = path.join(dir, `eval-${report.date.replace(/[:.]/g, '-')}`);
    writeFileSync(`${stem}.json`, toJson(report));
    writeFileSync(`${stem}.md`, renderMarkdown(report));
    if (flags.json) io.out(toJson({ ok: true, report, files: [`${stem}.json`, `${stem}.md`] }));
    else {
      const m = report.overall;
      io.out(
        `${m.ran}/${m.cases} cases run with ${model}: execution accuracy ${(m.accuracy.strict * 100).toFixed(1)}% strict, ${(m.accuracy.subset * 100).toFixed(1)}% subset; report in ${stem}.md and ${stem}.json`,
      );
    }
    return 0;
  } finally {
    await service.close();
  }
}
