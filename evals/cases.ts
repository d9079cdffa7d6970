/**
 * The eval cases (evals/cases/*.json): a plain-language request over the demo dataset, the
 * connection, its category, and what a right answer is:
 * - answerable categories: `gold`, hand-written DuckDB SQL whose result the output must match;
 *   `params`, values given to the workflow's params when its output is read (the gold SQL has them
 *   written in, so a workflow that ignores its parameter fails);
 * - `ambiguous`: `readings`, each an assumption with the words that state it and its gold SQL;
 * - `impossible`: `missing`, what the warehouse does not have.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { packagePath } from '../daemon/package-root.js';

export const ANSWERABLE = ['filters', 'aggregates', 'joins', 'windows', 'dates', 'parameters'] as const;
export const CATEGORIES = [...ANSWERABLE, 'ambiguous', 'impossible'] as const;
export type Category = (typeof CATEGORIES)[number];

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  connection: z.string().min(1).default('local'),
  request: z.string().min(1),
};

const answerable = z.strictObject({
  ...base,
  category: z.enum(ANSWERABLE),
  gold: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const ambiguous = z.strictObject({
  ...base,
  category: z.literal('ambiguous'),
  readings: z
    .array(
      z.strictObject({
        assumption: z.string().min(1),
        /** The explanation states the assumption when it contains one of these (case-insensitive). */
        mentions: z.array(z.string().min(1)).min(1),
        gold: z.string().min(1),
      }),
    )
    .min(1),
});

const impossible = z.strictObject({
  ...base,
  category: z.literal('impossible'),
  missing: z.string().min(1),
});

export const caseSchema = z.discriminatedUnion('category', [answerable, ambiguous, impossible]);
export type EvalCase = z.infer<typeof caseSchema>;
export type AnswerableCase = z.infer<typeof answerable>;

/** evals/cases of the package (the same from the sources and from the bundle in dist/). */
export const defaultCasesDir = () => packagePath('evals', 'cases');

/** The gold SQL statements of a case (none for an impossible one). */
export function goldSqls(c: EvalCase): string[] {
  return c.category === 'ambiguous'
    ? c.readings.map((r) => r.gold)
    : c.category === 'impossible'
      ? []
      : [c.gold];
}

/**
 * The case files matching `pattern`: a file, a directory (its *.json), or a path whose last part
 * has `*` wildcards (`evals/cases/j*.json`).
 */
export function caseFiles(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const last = path.basename(pattern);
  if (!last.includes('*')) {
    if (statSync(pattern).isDirectory())
      return readdirSync(pattern)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => path.join(pattern, f));
    return [pattern];
  }
  const re = new RegExp(`^${last.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

export class CaseFileError extends Error {}

/** Every case of the matching files, checked; ids are unique over all files. */
export function loadCases(pattern = defaultCasesDir()): EvalCase[] {
  const files = caseFiles(pattern);
  if (files.length === 0) throw new CaseFileError(`no case files match ${pattern}`);
  const cases: EvalCase[] = [];
  for (const file of files) {
    const parsed = z.array(caseSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new CaseFileError(
        `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    cases.push(...parsed.data);
  }
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new CaseFileError(`case id ${c.id} appears twice`);
    seen.add(c.id);
  }
  return cases;
}
