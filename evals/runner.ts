/**
 * Runs eval cases against the assistant, a bounded number at a time, and scores each:
 *
 * - answerable cases: the generated workflow's output (evals/output.ts) against the gold SQL's
 *   result under both comparators (evals/compare.ts); a question or no workflow is a miss;
 * - ambiguous cases pass when the assistant asks (`question`), or when its output matches one
 *   reading's gold result and its explanation states that reading's assumption (one of the
 *   reading's `mentions`, case-insensitive);
 * - impossible cases pass when the assistant asks or says so (`question`), or returns no valid
 *   workflow with an explanation; a valid workflow without a question is a made-up answer.
 *
 * The budget cap: no case starts once the cost of the finished ones reaches `budgetUsd` (cases in
 * flight still finish, so the spend can exceed the cap by up to `concurrency − 1` cases).
 */
import type { AssistantResult } from '../daemon/assistant/index.js';
import { goldSqls, type EvalCase } from './cases.js';
import { strictMatch, subsetMatch, type ResultSet } from './compare.js';
import { executeSelect, readOutput, type OutputReader } from './output.js';

export interface Pricing {
  /** US dollars per million prompt tokens (0 when unknown). */
  inputPerMTok: number;
  /** US dollars per million completion tokens (0 when unknown). */
  outputPerMTok: number;
}

export interface RunOptions {
  concurrency?: number;
  budgetUsd?: number;
  pricing?: Pricing;
  /** Each finished (or budget-skipped) case, as it happens. */
  onOutcome?: (o: CaseOutcome) => void;
}

export type Generate = (req: { request: string; connection: string }) => Promise<AssistantResult>;

export interface CaseOutcome {
  id: string;
  category: EvalCase['category'];
  /** `skipped`: not started because the budget was spent; `error`: the assistant threw. */
  status: 'scored' | 'error' | 'skipped';
  /** The assistant returned a workflow that validates. */
  valid: boolean;
  /** The result node compiled to SQL. */
  compiled: boolean;
  strict: boolean;
  subset: boolean;
  /** How the case passed or why it failed. */
  detail: string;
  asked: boolean;
  rounds: number;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  costUsd: number;
  latencyMs: number;
  promptVersion?: string;
}

export interface EvalRun {
  model: string;
  outcomes: CaseOutcome[];
  /** The assistant's prompt versions seen in this run. */
  promptVersions: string[];
}

export function costOf(usage: CaseOutcome['usage'], pricing: Pricing | undefined): number {
  if (!pricing) return 0;
  return (usage.promptTokens * pricing.inputPerMTok + usage.completionTokens * pricing.outputPerMTok) / 1e6;
}

const ZERO_USAGE = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export interface EvalDeps {
  generate: Generate;
  reader: OutputReader;
  model: string;
}

export async function runEval(cases: EvalCase[], deps: EvalDeps, opts: RunOptions = {}): Promise<EvalRun> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const gold = new GoldCache(deps.reader);
  const outcomes: CaseOutcome[] = new Array(cases.length);
  let spent = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      const c = cases[i]!;
      const o =
        opts.budgetUsd !== undefined && spent >= opts.budgetUsd
          ? skipped(c, `budget of $${opts.budgetUsd} spent`)
          : await runCase(c, deps, gold, opts.pricing);
      spent += o.costUsd;
      outcomes[i] = o;
      opts.onOutcome?.(o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
  const promptVersions = [...new Set(outcomes.flatMap((o) => (o.promptVersion ? [o.promptVersion] : [])))];
  return { model: deps.model, outcomes, promptVersions };
}

function skipped(c: EvalCase, why: string): CaseOutcome {
  return {
    id: c.id,
    category: c.category,
    status: 'skipped',
    valid: false,
    compiled: false,
    strict: false,
    subset: false,
    asked: false,
    detail: why,
    rounds: 0,
    usage: ZERO_USAGE,
    costUsd: 0,
    latencyMs: 0,
  };
}

/** Gold results, computed once per SQL (ambiguous readings share none, but reruns do). */
class GoldCache {
  private readonly results = new Map<string, Promise<ResultSet>>();
  constructor(private readonly reader: OutputReader) {}
  get(connection: string, sql: string): Promise<ResultSet> {
    const key = `${connection}\n${sql}`;
    let r = this.results.get(key);
    if (!r) {
      r = this.reader.connector(connection).then((c) => executeSelect(c, sql));
      this.results.set(key, r);
    }
    return r;
  }
}

async function runCase(
  c: EvalCase,
  deps: EvalDeps,
  gold: GoldCache,
  pricing: Pricing | undefined,
): Promise<CaseOutcome> {
  const started = performance.now();
  let result: AssistantResult;
  try {
    result = await deps.generate({ request: c.request, connection: c.connection });
  } catch (e) {
    return {
      ...skipped(c, `the assistant failed: ${(e as Error).message.split('\n')[0]}`),
      status: 'error',
      latencyMs: performance.now() - started,
    };
  }
  const usage = result.usage ?? ZERO_USAGE;
  const asked = !!result.question?.trim();
  const valid = result.workflow !== undefined && result.validation.valid;
  const common = {
    id: c.id,
    category: c.category,
    status: 'scored' as const,
    valid,
    asked,
    rounds: result.rounds,
    usage,
    costUsd: costOf(usage, pricing),
    latencyMs: result.latencyMs,
    ...(result.promptVersion ? { promptVersion: result.promptVersion } : {}),
  };
  const verdict = (pass: boolean, detail: string, compiled = false) => ({
    ...common,
    compiled,
    strict: pass,
    subset: pass,
    detail,
  });

  if (c.category === 'impossible') {
    if (asked) return verdict(true, 'said it cannot be done (question)');
    if (!valid && result.explanation.trim()) return verdict(true, 'no workflow, with an explanation');
    return verdict(
      false,
      valid ? 'made up a workflow for data the warehouse does not have' : 'no explanation',
    );
  }
  if (c.category === 'ambiguous' && asked) return verdict(true, 'asked a clarifying question');
  if (result.workflow === undefined)
    return verdict(false, asked ? 'asked a question on a clear request' : 'no workflow');
  if (!valid) return verdict(false, 'the workflow is not valid');

  const params = c.category === 'ambiguous' ? undefined : c.params;
  const out = await readOutput(deps.reader, result.workflow, c.connection, params);
  if (!out.result) return verdict(false, `output not read: ${out.error ?? 'unknown'}`, out.compiled);
  const got = out.result;

  if (c.category === 'ambiguous') {
    const explanation = result.explanation.toLowerCase();
    let best: { strict: boolean; subset: boolean; detail: string } | undefined;
    for (const [k, reading] of c.readings.entries()) {
      const stated = reading.mentions.some((m) => explanation.includes(m.toLowerCase()));
      const g = await gold.get(c.connection, reading.gold);
      const s = stated && strictMatch(g, got).match;
      const u = stated && subsetMatch(g, got).match;
      if (u && (!best || (s && !best.strict)))
        best = { strict: s, subset: u, detail: `reading ${k + 1} (${reading.assumption}), stated` };
    }
    return {
      ...common,
      compiled: true,
      strict: best?.strict ?? false,
      subset: best?.subset ?? false,
      detail: best?.detail ?? 'matches no reading with its assumption stated',
    };
  }

  const [sql] = goldSqls(c);
  const g = await gold.get(c.connection, sql!);
  const s = strictMatch(g, got);
  const u = subsetMatch(g, got);
  return {
    ...common,
    compiled: true,
    strict: s.match,
    subset: u.match,
    detail: s.match ? 'match' : u.match ? `subset match (strict: ${s.reason})` : `mismatch: ${u.reason}`,
  };
}
