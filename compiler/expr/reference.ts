/**
 * The expression language as a document (DESIGN.md §1.2), built from the definitions: the README's
 * "Portable expressions", MCP's `edgeflow://expressions` and `describe_expressions` all read it.
 * What each dialect cannot express is found by rendering each function's example (and each regular
 * expression construct) with that dialect's renderer, never written down by hand.
 */
import { UnsupportedError } from '../diagnostics.js';
import { DIALECT_NAMES, getDialect, type DialectName } from '../dialects/index.js';
import { PORTABLE_TYPE_NAMES, T, decimal, formatType, type PortableType } from '../schema/types.js';
import type { FunctionKind, SqlExpr, WindowSpec } from '../sql/ast.js';
import { SqlWriter } from '../sql/writer.js';
import { DATE_FORMAT_HELP } from './date-format.js';
import {
  DATE_UNITS,
  EXTRACT_PARTS,
  FUNCTIONS,
  type DateUnit,
  type ExtractPart,
  type FunctionSig,
} from './functions.js';
import { parseExpression } from './parser.js';
import { resolveExpr } from './resolve.js';

/** Something a dialect cannot express: an UNSUPPORTED error at validation, with the reason. */
export interface Unsupported {
  dialect: DialectName;
  reason: string;
  hint?: string;
}

export interface FunctionReference {
  name: string;
  kind: FunctionKind;
  signature: string;
  meaning: string;
  example: string;
  /** Takes `DISTINCT` (`count(distinct x)`). */
  distinct: boolean;
  /** Dialects that render it where its kind is used (a call; a window function over a window). */
  dialects: DialectName[];
  /** Each use some dialect cannot express (`over a window`, `DISTINCT`…), with the reason. */
  unsupported: Array<Unsupported & { use: string }>;
}

export interface RegexConstruct {
  construct: string;
  example: string;
  unsupported: Unsupported[];
}

export interface LanguageReference {
  summary: string;
  values: Array<{ syntax: string; meaning: string }>;
  operators: Array<{ syntax: string; meaning: string }>;
  precedence: string;
  types: Array<{ name: string; meaning: string }>;
  /** The meanings every dialect is made to share. */
  rules: string[];
  notInTheLanguage: string;
  kinds: Array<{ kind: FunctionKind; allowed: string }>;
  functions: FunctionReference[];
  /** The examples' columns: a table of orders. */
  exampleColumns: Array<{ name: string; type: string }>;
  dateUnits: { units: DateUnit[]; usedBy: string[]; notes: string[] };
  dateParts: Array<{ part: ExtractPart; meaning: string }>;
  dateFormat: string;
  regex: { syntax: string[]; notSupported: string; notes: string[]; constructs: RegexConstruct[] };
}

const VALUES: LanguageReference['values'] = [
  { syntax: "'text'", meaning: "text; '' writes a quote: 'O''Brien'" },
  {
    syntax: '42, 3.14, 1e6',
    meaning:
      'numbers: a whole number is an int (a bigint past 2147483647), one with a point an exact decimal, one with an exponent a double',
  },
  { syntax: 'true, false, null', meaning: 'booleans and null' },
  {
    syntax: "date '2024-01-31', timestamp '2024-01-31 10:00:00'",
    meaning: 'a date; a timestamp without time zone',
  },
  {
    syntax: 'amount, "Odd Name"',
    meaning:
      'a column of the input: unquoted names match whatever their case (a unique exact match wins), quoted names match exactly',
  },
  { syntax: 'left.col, right.col', meaning: "a column of that input, in a join's condition and select" },
  { syntax: ':name', meaning: 'a workflow parameter, declared under "params"' },
];

const OPERATORS: LanguageReference['operators'] = [
  { syntax: 'a OR b, a AND b, NOT a', meaning: 'logic on conditions (null as in SQL)' },
  {
    syntax: '= != <> < <= > >=',
    meaning: 'comparison; both sides of one type (cast one: CAST(x AS bigint))',
  },
  { syntax: 'x IS NULL, x IS NOT NULL', meaning: 'null tests' },
  { syntax: 'x [NOT] IN (a, b, …)', meaning: 'x is one of the values' },
  { syntax: 'x [NOT] BETWEEN low AND high', meaning: 'low <= x AND x <= high' },
  {
    syntax: "x [NOT] LIKE 'a%', x [NOT] ILIKE 'a%'",
    meaning:
      'pattern match: % any text, _ one character, \\ escapes them; LIKE is case-sensitive, ILIKE is not',
  },
  { syntax: 'a || b', meaning: 'joins as text (other types are cast); null if either side is null' },
  { syntax: 'a + b, a - b, a * b', meaning: 'arithmetic; between integers the result is a bigint' },
  {
    syntax: 'a / b, a % b',
    meaning:
      'true division (a double, even between integers) and remainder; null when b is 0 (div(a, b) is integer division)',
  },
  { syntax: '-x', meaning: 'negation' },
  {
    syntax: 'CASE WHEN c THEN x [WHEN …] [ELSE y] END, CASE x WHEN v THEN y … END',
    meaning: 'the first branch that holds; null when none does and there is no ELSE',
  },
  { syntax: 'CAST(x AS type)', meaning: 'converts to a portable type' },
  { syntax: 'f(a, b), ( … )', meaning: 'a function of the list below; grouping' },
];

const TYPE_MEANINGS: Record<(typeof PORTABLE_TYPE_NAMES)[number], string> = {
  int: '32-bit integer',
  bigint: '64-bit integer',
  double: '64-bit floating point',
  'decimal(p,s)': 'exact number: p digits, s of them after the point',
  string: 'text',
  bool: 'true or false',
  date: 'a calendar date',
  timestamp: 'date and time without time zone',
  timestamptz: 'a point in time, with time zone',
  geography: 'a spatial value; WKT text casts to it',
};

const RULES: string[] = [
  '`/` is true division even between integers, and `/`, `%` and `div` give null when dividing by zero; `div(a, b)` is integer division truncated toward zero',
  'integer `+ - *` give a bigint, so a product of ints does not overflow',
  '`||` and `concat` give null when an argument is null',
  '`LIKE` is case-sensitive and `ILIKE` is not',
  "weeks are ISO: `date_trunc('week', …)` starts on Monday, `extract(week …)` is the ISO week number and `extract(dow …)` counts 1 = Monday … 7 = Sunday",
  '`round` halves away from zero',
  '`greatest` and `least` are null when an argument is null',
  'sorting puts nulls last unless `nulls` says otherwise',
  '`date_diff(unit, a, b)` counts the unit boundaries crossed from `a` to `b`',
  'timestamps are without time zone unless typed `timestamptz`',
  'where a dialect cannot match a meaning, that is an `UNSUPPORTED` error naming the dialect and the reason, before anything runs — never a silently different answer',
];

const KINDS: LanguageReference['kinds'] = [
  { kind: 'scalar', allowed: 'everywhere an expression is written' },
  {
    kind: 'aggregate',
    allowed:
      "in an aggregate node's measures (one value per group) and a window node's columns (over its window); not nested",
  },
  { kind: 'window', allowed: "only in a window node's columns" },
];

const DATE_UNIT_NOTES = [
  "a unit is a text literal: `date_trunc('month', ts)`, `date_add(d, 3, 'day')`, `date_diff('week', a, b)`",
  '`week` is ISO: `date_trunc` goes back to the Monday, `date_add` adds 7 days, `date_diff` counts the Mondays crossed',
  'a date has no `hour`, `minute` or `second`: `date_trunc` of a date to them is an error (cast it to timestamp), `date_add` of them gives a timestamp',
];

const DATE_PARTS: Record<ExtractPart, string> = {
  year: 'the year',
  quarter: '1–4',
  month: '1–12',
  week: 'the ISO week number, 1–53 (weeks start on Monday; week 1 holds the first Thursday of the year): pair it with isoyear',
  day: 'day of the month, 1–31',
  hour: '0–23 (not of a date)',
  minute: '0–59 (not of a date)',
  second: '0–59, whole seconds (not of a date)',
  dow: 'day of the week, ISO: 1 = Monday … 7 = Sunday',
  doy: 'day of the year, 1–366',
  isodow: 'the same as dow',
  isoyear: 'the year the ISO week belongs to: 2021-01-03 is in week 53 of 2020',
};

const REGEX_SYNTAX = [
  'characters, and `\\` before punctuation',
  '`.` any character but a line break',
  '`^` `$` the start and the end of the text',
  '`|`, groups `( )` and `(?: )`',
  'classes `[…]` `[^…]`',
  '`\\d \\w \\s` (ASCII: `[0-9]`, `[0-9A-Za-z_]`, `[\\t\\n\\f\\r ]`) and `\\D \\W \\S`',
  '`\\b \\B` (between `\\w` and the rest)',
  '`\\n \\t \\r \\f \\v`',
  '`* + ? {n} {n,} {n,m}` (at most 255), non-greedy `*? +? ??`',
  '`(?i)` at the very start: case-insensitive',
  'in a replacement: `\\1`…`\\9` insert a group, `\\0` the whole match, `\\\\` a backslash; `$` is an ordinary character',
];

const REGEX_NOTES = [
  "A pattern written as a literal is checked when the workflow is validated and rewritten for each warehouse (`\\d` becomes `[0-9]`, PostgreSQL's `.` becomes `[^\\n]` and its `\\b` a lookaround, Snowflake's `(?:…)` a numbered group, `(?i)` its `i` parameter).",
  "A pattern or replacement from a parameter or a column is passed to the warehouse as it is: keep it to the same syntax, without `(?:…)` on Snowflake, and know that PostgreSQL's `.` then matches a line break and its `\\d \\w \\s` follow the database's locale.",
  'One difference cannot be bridged: where two alternatives or quantifiers could match different lengths at the same place (`a|ab`, `a*(ab)?`), RE2 takes the first that works and PostgreSQL and Snowflake the longest, so write alternatives that do not overlap.',
];

/** A construct of the regular-expression subset, and a call that uses it. */
const REGEX_PROBES: Array<{ construct: string; example: string }> = [
  { construct: 'non-greedy quantifiers `*? +? ??`', example: "regexp_like(name, 'a+?b')" },
  { construct: 'a backslash inside `[ ]`', example: "regexp_like(name, '[\\\\a]')" },
  { construct: '`\\0` (the whole match) in a replacement', example: "regexp_replace(name, 'a', '<\\0>')" },
  { construct: '`\\\\` (a backslash) in a replacement', example: "regexp_replace(name, '/', '\\\\')" },
  {
    construct: 'a group of regexp_extract with a pattern that is not a literal',
    example: 'regexp_extract(name, code, 1)',
  },
  {
    construct: 'a replacement that is not a literal, with `(?:…)` before a group',
    example: "regexp_replace(name, '(?:a)(b)', code)",
  },
];

/** The columns the examples read. */
const EXAMPLE_COLUMNS: ReadonlyArray<{ name: string; type: PortableType }> = [
  { name: 'customer_id', type: T.bigint },
  { name: 'qty', type: T.int },
  { name: 'amount', type: decimal(12, 2) },
  { name: 'price', type: T.double },
  { name: 'rate', type: T.double },
  { name: 'lat', type: T.double },
  { name: 'lon', type: T.double },
  { name: 'name', type: T.string },
  { name: 'email', type: T.string },
  { name: 'status', type: T.string },
  { name: 'code', type: T.string },
  { name: 'order_date', type: T.date },
  { name: 'created_at', type: T.timestamp },
  { name: 'is_paid', type: T.bool },
  { name: 'location', type: T.geography },
  { name: 'zone', type: T.geography },
  { name: 'cell', type: T.string },
];

/** An example, parsed and type-checked over EXAMPLE_COLUMNS with every kind of function allowed. */
export function resolveExample(text: string): SqlExpr {
  return resolveExpr(parseExpression(text), [{ port: 'in', columns: EXAMPLE_COLUMNS }], {
    params: new Map(),
    aggregates: 'allowed',
    windows: 'allowed',
    context: 'an example',
  }).expr;
}

const col = (name: string): SqlExpr => {
  const c = EXAMPLE_COLUMNS.find((x) => x.name === name)!;
  return { k: 'col', name: c.name, type: c.type };
};
const PARTITION: WindowSpec = { partitionBy: [col('customer_id')], orderBy: [] };
const ORDERED: WindowSpec = {
  partitionBy: [col('customer_id')],
  orderBy: [{ expr: col('created_at'), desc: false, nulls: 'last' }],
  frame: { unit: 'rows', from: null, to: 0 },
};

/** The ways a function of each kind is used; the first is its plain use. */
function usesOf(sig: FunctionSig, call: SqlExpr & { k: 'fn' }) {
  const uses: Array<{ use: string; call: SqlExpr & { k: 'fn' } }> = [];
  if (sig.kind === 'window') return [{ use: 'over a window', call: { ...call, over: ORDERED } }];
  uses.push({ use: 'call', call });
  if (sig.kind === 'aggregate') {
    const variants = [{ prefix: '', call }];
    if (sig.allowDistinct && !call.star && call.args.length > 0)
      variants.push({ prefix: 'DISTINCT', call: { ...call, distinct: true } });
    for (const v of variants) {
      if (v.prefix) uses.push({ use: v.prefix, call: v.call });
      const p = v.prefix ? `${v.prefix} ` : '';
      uses.push({ use: `${p}over a window`, call: { ...v.call, over: PARTITION } });
      uses.push({ use: `${p}over an ordered window or a frame`, call: { ...v.call, over: ORDERED } });
    }
  }
  return uses;
}

/** Renders `e` for `dialect`; the reason when the dialect cannot express it. */
function unsupportedIn(dialect: DialectName, e: SqlExpr): Unsupported | undefined {
  try {
    new SqlWriter(getDialect(dialect)).expr(e);
    return undefined;
  } catch (err) {
    if (!(err instanceof UnsupportedError)) throw err;
    return { dialect, reason: err.reason, ...(err.hint ? { hint: err.hint } : {}) };
  }
}

function functionReference(sig: FunctionSig): FunctionReference {
  const top = resolveExample(sig.example);
  if (top.k !== 'fn' || top.name !== sig.name)
    throw new Error(`internal: the example of ${sig.name} must be a call of ${sig.name}: ${sig.example}`);
  const uses = usesOf(sig, top);
  const unsupported: FunctionReference['unsupported'] = [];
  const dialects: DialectName[] = [];
  for (const dialect of DIALECT_NAMES) {
    uses.forEach((u, i) => {
      const no = unsupportedIn(dialect, u.call);
      if (no) unsupported.push({ ...no, use: u.use });
      else if (i === 0) dialects.push(dialect);
    });
  }
  return {
    name: sig.name,
    kind: sig.kind,
    signature: sig.signature,
    meaning: sig.doc,
    example: sig.example,
    distinct: !!sig.allowDistinct,
    dialects,
    unsupported,
  };
}

let cached: LanguageReference | undefined;

/** The language reference, computed once (rendering every example for every dialect). */
export function languageReference(): LanguageReference {
  cached ??= {
    summary:
      'Filters, computed columns, measures, window columns, join conditions and orderings are written in one ' +
      'small SQL-like language. edgeflow parses and type-checks it against the columns a node sees, and writes ' +
      "it in each warehouse's SQL with one meaning everywhere.",
    values: VALUES,
    operators: OPERATORS,
    precedence: 'loosest first: OR, AND, NOT, comparisons (IS, IN, BETWEEN, LIKE), ||, + -, * / %, unary -',
    types: PORTABLE_TYPE_NAMES.map((name) => ({ name, meaning: TYPE_MEANINGS[name] })),
    rules: RULES,
    notInTheLanguage:
      'Anything else — a subquery, `;`, a comment, a function not listed here, `OVER (…)` (use a window node) — is an error with its position.',
    kinds: KINDS,
    functions: [...FUNCTIONS.values()].map(functionReference),
    exampleColumns: EXAMPLE_COLUMNS.map((c) => ({ name: c.name, type: formatType(c.type) })),
    dateUnits: {
      units: [...DATE_UNITS],
      usedBy: ['date_trunc', 'date_add', 'date_diff'],
      notes: DATE_UNIT_NOTES,
    },
    dateParts: EXTRACT_PARTS.map((part) => ({ part, meaning: DATE_PARTS[part] })),
    dateFormat: `format_date's pattern (a literal) has ${DATE_FORMAT_HELP}; anything else is an error listing them`,
    regex: {
      syntax: REGEX_SYNTAX,
      notSupported:
        'lookaround, backreferences, named groups, POSIX and Unicode classes are errors (not in RE2, or not read alike)',
      notes: REGEX_NOTES,
      constructs: REGEX_PROBES.map((p) => {
        const e = resolveExample(p.example);
        return {
          ...p,
          unsupported: DIALECT_NAMES.flatMap((d) => unsupportedIn(d, e) ?? []),
        };
      }),
    },
  };
  return cached;
}
