/**
 * Runs one plan step's statements on its connector: one by one, or in one transaction when the
 * step says so, or — for an append — in one transaction with its ledger row, after checking the
 * ledger. Every statement is labelled and its query id handed over before it is awaited.
 */
import type { PlanStep } from '../../compiler/planner/plan.js';
import type {
  Connector,
  ExecuteOptions,
  ExecuteResult,
  QueryLabel,
  Transaction,
} from '../../connectors/connector.js';
import { ledgerSql, supportsLedger, type Ledgers } from './ledger.js';

export interface StepContext {
  connector: Connector;
  label: QueryLabel;
  /** The ledger key: the run's first attempt (root) id. */
  ledgerRun: string;
  stagingSchema: string;
  timeoutMs?: number;
  signal: AbortSignal;
  /** Called with each statement's query id before it is awaited. */
  onQueryId: (queryId: string) => void;
  ledgers: Ledgers;
}

export interface StepOutcome {
  /** The most rows a statement of the step reported (the CTAS or INSERT; DDL reports 0). */
  rows: number | null;
  bytes: number | null;
  /** The append had committed already (found in the ledger): nothing was run again. */
  alreadyAppended?: boolean;
}

/** A failure, with the statement it happened in. */
export class StepFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly sql: string | undefined,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'StepFailure';
  }
}

export async function runStep(step: PlanStep, ctx: StepContext): Promise<StepOutcome> {
  const tally = new Tally();
  const opts: ExecuteOptions = {
    signal: ctx.signal,
    label: ctx.label,
    onQueryId: ctx.onQueryId,
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  };
  const each = async (exec: (sql: string) => Promise<ExecuteResult>) => {
    for (const sql of step.statements) tally.add(await attempt(sql, () => exec(sql)));
  };

  const append = step.target?.mode === 'append' ? step.target : undefined;
  if (append && supportsLedger(ctx.connector)) {
    const sql = ledgerSql(ctx.connector.dialect, ctx.stagingSchema);
    const key = { run: ctx.ledgerRun, output: append.node };
    await attempt(sql.createTable, () => ctx.ledgers.ensure(ctx.connector, sql, ctx.signal));
    if (await attempt(sql.lookup, () => ctx.ledgers.has(ctx.connector, sql, key, ctx.signal)))
      return { rows: null, bytes: null, alreadyAppended: true };
    try {
      await ctx.connector.transaction!(async (tx: Transaction) => {
        await each((s) => tx.execute(s, { onQueryId: ctx.onQueryId }));
        await attempt(sql.insert, () =>
          tx.execute(sql.insert, { params: [key.run, key.output], onQueryId: ctx.onQueryId }),
        );
      }, transactionOptions(ctx));
    } catch (e) {
      // The failure may have come after the COMMIT landed (a lost connection, a fault in the
      // reply): the ledger says whether it did. Looked up without the run's signal, which a
      // cancel may have aborted after the commit.
      const committed = await ctx.ledgers.has(ctx.connector, sql, key).catch(() => false);
      if (committed) return { ...tally.outcome(), alreadyAppended: true };
      throw e;
    }
    return tally.outcome();
  }

  if (step.transactional && ctx.connector.transaction) {
    await ctx.connector.transaction(
      (tx) => each((s) => tx.execute(s, { onQueryId: ctx.onQueryId })),
      transactionOptions(ctx),
    );
    return tally.outcome();
  }
  await each((s) => ctx.connector.execute(s, opts));
  return tally.outcome();
}

function transactionOptions(ctx: StepContext) {
  return {
    signal: ctx.signal,
    label: ctx.label,
    ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
  };
}

/** Runs `fn`, naming `sql` in the failure when it throws (the first failure keeps its statement). */
async function attempt<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof StepFailure ? e : new StepFailure(e, sql);
  }
}

class Tally {
  private rows: number | null = null;
  private bytes: number | null = null;

  add(r: ExecuteResult): void {
    this.rows = Math.max(this.rows ?? 0, r.rowCount);
    if (r.bytesProcessed !== undefined) this.bytes = (this.bytes ?? 0) + r.bytesProcessed;
  }

  outcome(): StepOutcome {
    return { rows: this.rows, bytes: this.bytes };
  }
}
