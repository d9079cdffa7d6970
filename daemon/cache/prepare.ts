/**
 * A cached run's first start: the versions of every table its cacheable steps read are asked of
 * the warehouse once (one snapshot for the whole run), each cacheable step gets its key — the
 * SHA-256 of its SQL (run id taken out), the parameters rendered into it, and those versions — and
 * a materialised step's staging table is renamed after its key (`ef_c_<key>`), in every statement
 * that reads it. So equal inputs name the same table, any source change names another, and two
 * runs that build one key at once build the same content. A step with a source that has no
 * version (a view, a warehouse without the signal) — or that reads such a step — keeps its
 * run-scoped table and runs as before.
 *
 * The rewritten plan and the keys are stored with the run before any step runs, so a resume after
 * a crash runs the very same SQL.
 */
import { createHash } from 'node:crypto';
import type { RunPlan } from '../../compiler/planner/plan.js';
import { getDialect } from '../../compiler/dialects/index.js';
import type { DialectName } from '../../compiler/dialects/dialect.js';
import type { PreparedStep, RunCacheDoc } from './cache-spec.js';

/** Name parts as one text key (the versions map's keys). */
export function partsKey(parts: readonly string[]): string {
  return parts.map((p) => JSON.stringify(p)).join('.');
}

/** Every table the cacheable steps read, once each. */
export function cacheSources(doc: RunCacheDoc): string[][] {
  const seen = new Map<string, string[]>();
  for (const s of Object.values(doc.steps)) for (const p of s.sources) seen.set(partsKey(p), p);
  return [...seen.values()];
}

export function prepareCachedPlan(
  plan: RunPlan,
  doc: RunCacheDoc,
  versions: ReadonlyMap<string, string | null>,
): { plan: RunPlan; prepared: Record<string, PreparedStep | null> } {
  const dialect = getDialect(plan.dialect as DialectName);
  const quote = (parts: readonly string[]) => parts.map((p) => dialect.quoteIdent(p)).join('.');
  const prepared: Record<string, PreparedStep | null> = {};
  const renames = new Map<string, string>();
  const steps = plan.steps.map((s) => ({ ...s, statements: [...s.statements], creates: [...s.creates] }));
  const rename = (text: string) => {
    let out = text;
    for (const [from, to] of renames) out = out.replace(identifier(from), to);
    return out;
  };
  for (const step of steps) {
    // Names decided by earlier steps (plan order is dependency order) first.
    step.statements = step.statements.map(rename);
    step.purpose = rename(step.purpose);
    step.creates = step.creates.map(rename);
    const spec = doc.steps[step.id];
    if (!spec) continue;
    const sources: Record<string, string> = {};
    let known = spec.inputs.every((id) => prepared[id]);
    for (const p of spec.sources) {
      const v = versions.get(partsKey(p));
      if (typeof v !== 'string') known = false;
      else sources[partsKey(p)] = v;
    }
    if (!known) {
      prepared[step.id] = null;
      continue;
    }
    const normalised = step.statements.map((sql) =>
      (spec.token ? sql.replace(identifier(spec.token), '{self}') : sql).split(plan.runId).join('{run}'),
    );
    const hash = createHash('sha256')
      .update(JSON.stringify({ v: 1, dialect: plan.dialect, kind: spec.kind, sql: normalised, sources }))
      .digest('hex');
    if (spec.kind === 'materialize') {
      const name = dialect.newColumnName(`ef_c_${hash.slice(0, 24)}`);
      renames.set(spec.token!, name);
      step.statements = step.statements.map(rename);
      step.purpose = rename(step.purpose);
      // A kept result: not a run-scoped table the run drops when it ends.
      step.creates = [];
      const parts = [...doc.staging, name];
      prepared[step.id] = { key: name, table: quote(parts), parts, sources };
    } else {
      prepared[step.id] = {
        key: `w_${hash.slice(0, 24)}`,
        table: quote(spec.target!),
        parts: spec.target!,
        sources,
      };
    }
  }
  // The cleanup step drops run-scoped tables only: not the kept ones it now names.
  const kept = new Set([...renames.values()]);
  for (const step of steps)
    if (step.kind === 'cleanup')
      step.statements = step.statements.filter((sql) => ![...kept].some((name) => sql.includes(name)));
  return { plan: { ...plan, steps }, prepared };
}

/** A whole identifier (`ef_r1_paid` must not match inside `ef_r1_paid_rejected`). */
function identifier(name: string): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_$])`, 'g');
}
