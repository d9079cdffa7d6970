import { describe, expect, it } from 'vitest';
import { DIALECT_NAMES } from '../dialects/index.js';
import { DATE_UNITS, EXTRACT_PARTS, FUNCTIONS } from './functions.js';
import { languageReference, resolveExample } from './reference.js';

const ref = languageReference();
const fn = (name: string) => ref.functions.find((f) => f.name === name)!;

describe('the expression language reference', () => {
  it('has every function of the definitions, in their order, with its signature, meaning and kind', () => {
    expect(ref.functions.map((f) => f.name)).toEqual([...FUNCTIONS.keys()]);
    for (const f of ref.functions) {
      const sig = FUNCTIONS.get(f.name)!;
      expect(f).toMatchObject({ kind: sig.kind, signature: sig.signature, meaning: sig.doc });
    }
  });

  it("has an example per function that type-checks and calls that function, over the examples' columns", () => {
    for (const sig of FUNCTIONS.values()) {
      const e = resolveExample(sig.example);
      expect(e.k === 'fn' && e.name, sig.example).toBe(sig.name);
    }
    expect(() => resolveExample('lower(nope)')).toThrow(/column "nope" not found/);
  });

  it('asks each dialect what it cannot express, with the reason', () => {
    expect(fn('lower')).toMatchObject({ dialects: [...DIALECT_NAMES], unsupported: [] });
    expect(fn('row_number')).toMatchObject({ dialects: [...DIALECT_NAMES], unsupported: [] });
    const pct = fn('percentile_cont');
    // As an aggregate everywhere but T-SQL, where PERCENTILE_CONT is a window function only.
    expect(pct.dialects).toEqual(DIALECT_NAMES.filter((d) => d !== 'tsql'));
    expect(pct.unsupported).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          dialect: 'postgres',
          use: 'over a window',
          reason: expect.stringMatching(/no ordered-set aggregates over windows/),
          hint: expect.any(String),
        }),
        expect.objectContaining({ dialect: 'bigquery', use: 'over an ordered window or a frame' }),
      ]),
    );
    expect(pct.unsupported.some((u) => u.dialect === 'duckdb')).toBe(false);
    expect(fn('count').unsupported).toContainEqual(
      expect.objectContaining({ dialect: 'postgres', use: 'DISTINCT over a window' }),
    );
  });

  it('says which regular-expression constructs each dialect cannot read', () => {
    // T-SQL has no regular expressions at all: it is listed under every construct.
    const dialects = (c: (typeof ref.regex.constructs)[number]) =>
      c.unsupported.map((u) => u.dialect).filter((d) => d !== 'tsql');
    const lazy = ref.regex.constructs.find((c) => c.construct.startsWith('non-greedy'))!;
    expect(dialects(lazy)).toEqual(['postgres', 'snowflake']);
    const group = ref.regex.constructs.find((c) => c.construct.includes('regexp_extract'))!;
    // Redshift's REGEXP_SUBSTR gives only the first group: a group needs a literal pattern.
    expect(dialects(group)).toEqual(['bigquery', 'redshift']);
    for (const c of ref.regex.constructs) expect(c.unsupported.length, c.construct).toBeGreaterThan(0);
  });

  it('lists every date unit and extract part; week is ISO', () => {
    expect(ref.dateUnits.units).toEqual([...DATE_UNITS]);
    expect(ref.dateParts.map((p) => p.part)).toEqual([...EXTRACT_PARTS]);
    expect(ref.dateParts.find((p) => p.part === 'week')!.meaning).toMatch(/ISO/);
    expect(ref.dateUnits.notes.join(' ')).toMatch(/`week` is ISO/);
  });

  it('says where each kind of function is allowed', () => {
    expect(ref.kinds.map((k) => k.kind)).toEqual(['scalar', 'aggregate', 'window']);
    expect(ref.kinds.find((k) => k.kind === 'window')!.allowed).toMatch(/only in a window node/);
  });
});
