/**
 * A dialect is data plus a few hooks over ANSI behaviour: how names are quoted and folded, how
 * literals and types are written, how each portable function is spelled, and capability flags.
 * Differences are data (tables and flags), not `if (dialect === 'x')` branches in components.
 */
import { UnsupportedError } from '../diagnostics.js';
import { parseDateFormat, renderDateFormat, type DateFormatFlavor } from '../expr/date-format.js';
import { DATE_UNITS, FRAMED_WINDOW_FUNCTIONS, type DateUnit } from '../expr/functions.js';
import {
  PatternError,
  parsePattern,
  parseReplacement,
  renderPattern,
  renderReplacement,
  type PortablePattern,
  type RegexFlavor,
  type RenderOptions,
} from '../expr/regex.js';
import { T, isInteger, type PortableType } from '../schema/types.js';
import type { Frame, SampleQuery, SqlExpr, Statement, TableHints, WindowSpec } from '../sql/ast.js';
import { indent, type SqlWriter } from '../sql/writer.js';
import { RESERVED_WORDS } from './reserved.js';

export type DialectName =
  'duckdb' | 'postgres' | 'bigquery' | 'snowflake' | 'databricks' | 'redshift' | 'oracle' | 'tsql';

/** Portable types whose warehouse name is a plain word (decimal takes precision and scale). */
export type SimpleTypeKind = Exclude<PortableType['kind'], 'decimal' | 'other' | 'null' | 'unknown'>;
export const DIALECT_NAMES: readonly DialectName[] = [
  'duckdb',
  'postgres',
  'bigquery',
  'snowflake',
  'databricks',
  'redshift',
  'oracle',
  'tsql',
];

/**
 * What a connection adds to its dialect: capabilities the compiler cannot see in the SQL alone,
 * passed in by the caller (the compiler stays pure). Unset means absent.
 */
export interface DialectOptions {
  /**
   * Where the CARTO Analytics Toolbox is installed: BigQuery `project.dataset` (e.g.
   * `carto-os.carto`), Snowflake `DATABASE.SCHEMA` (e.g. `CARTO.CARTO`). H3 on BigQuery and
   * st_buffer on Snowflake go through it.
   */
  cartoToolbox?: string;
  /** PostgreSQL: the h3 and h3_postgis extensions (h3-pg) are installed in the database. */
  h3?: boolean;
  /**
   * T-SQL: the connection is an Azure Synapse dedicated SQL pool (no MERGE into some tables, no
   * CTE before INSERT, RENAME OBJECT, no geography type), not SQL Server.
   */
  synapse?: boolean;
}

export interface DialectCapabilities {
  /** QUALIFY filters on window results without a subquery. */
  qualify: boolean;
  /** BigQuery wants a WHERE (or GROUP BY/HAVING) beside QUALIFY. */
  qualifyNeedsWhere: boolean;
  /** `CREATE OR REPLACE TABLE … AS` swaps a table atomically. */
  createOrReplaceTable: boolean;
  merge: boolean;
  /**
   * What MERGE reads: a query (default), or a table only (Redshift), in which case a merge is three
   * statements in one transaction: stage the query into a temporary table, merge, drop it.
   */
  mergeSource?: 'query' | 'table';
  /** DDL inside a transaction commits or rolls back with it (PostgreSQL, DuckDB). */
  transactionalDdl: boolean;
  /**
   * `SEMI JOIN` / `ANTI JOIN` (DuckDB): planned as plain hash joins, where a correlated EXISTS
   * can become a slower delim join. Others write semi/anti joins as [NOT] EXISTS.
   */
  semiJoin?: boolean;
  /**
   * `WITH x AS NOT MATERIALIZED (…)`: PostgreSQL 12+ and DuckDB store a CTE read twice, which
   * keeps a filter from reaching the table scan; the hint inlines cheap (streaming) ones.
   */
  cteInlineHint?: boolean;
  /** `SELECT * EXCLUDE (a)` (DuckDB, Snowflake) or `SELECT * EXCEPT (a)` (BigQuery). */
  exceptColumns: 'EXCLUDE' | 'EXCEPT' | false;
  /** `count(DISTINCT x) OVER (…)`; absent means available. PostgreSQL has no DISTINCT in window aggregates. */
  windowDistinct?: boolean;
  /** Window frames with numeric RANGE offsets (`RANGE BETWEEN 7 PRECEDING AND CURRENT ROW`). */
  rangeFrameOffsets: boolean;
  ilike: boolean;
  /** `/` between two integers truncates (PostgreSQL); edgeflow's `/` is always true division. */
  integerDivisionTruncates: boolean;
  /** `CREATE SCHEMA IF NOT EXISTS x` needs nothing more (BigQuery datasets need a location). */
  createSchema: boolean;
  /** Longest identifier the warehouse keeps without truncating. */
  maxIdentifierLength: number;
  partitionHint: boolean;
  clusterHint: boolean;
  /**
   * Spatial predicates are functions the engine cannot index or plan around (edgeflow's own on
   * DuckDB): spatial.join prefilters pairs with a grid equi-join, and spatial.nearest searches an
   * index of the right input, instead of comparing every pair.
   */
  spatialPrefilter?: boolean;
}

export type FunctionRenderer = (call: SqlExpr & { k: 'fn' }, w: SqlWriter) => string;
/** A function over a window whose `OVER (…)` (given) does not simply follow the call. */
export type WindowedRenderer = (call: SqlExpr & { k: 'fn' }, over: string, w: SqlWriter) => string;

const UNIT_SQL: Record<DateUnit, string> = {
  year: 'YEAR',
  quarter: 'QUARTER',
  month: 'MONTH',
  week: 'WEEK',
  day: 'DAY',
  hour: 'HOUR',
  minute: 'MINUTE',
  second: 'SECOND',
};

export function unitOf(e: SqlExpr | undefined): DateUnit {
  const v = e && e.k === 'lit' ? String(e.value).toLowerCase() : '';
  if (!(DATE_UNITS as readonly string[]).includes(v)) throw new Error(`internal: not a date unit literal`);
  return v as DateUnit;
}
export function unitSql(u: DateUnit): string {
  return UNIT_SQL[u];
}

/** `NAME(arg, …)` with every argument rendered safely. */
export function plain(name: string): FunctionRenderer {
  return (c, w) => `${name}(${c.args.map((a) => w.expr(a)).join(', ')})`;
}

/** Arguments rendered for an aggregate call: DISTINCT and `*` handled. */
export function aggregate(name: string): FunctionRenderer {
  return (c, w) =>
    c.star
      ? `${name}(*)`
      : `${name}(${c.distinct ? 'DISTINCT ' : ''}${c.args.map((a) => w.expr(a)).join(', ')})`;
}

/**
 * A function cast to its portable result type where the warehouse's own type differs (PostgreSQL's
 * avg is NUMERIC, DuckDB's sum of integers HUGEINT), so a table built with CREATE … AS gets the
 * declared column types. Over a window the cast goes around `f(x) OVER (…)`.
 */
export function castToResult(
  render: FunctionRenderer,
  applies: (call: SqlExpr & { k: 'fn' }) => boolean = () => true,
): { plain: FunctionRenderer; windowed: WindowedRenderer } {
  return {
    plain: (c, w) => (applies(c) ? `CAST(${render(c, w)} AS ${w.type(c.type)})` : render(c, w)),
    windowed: (c, over, w) =>
      applies(c) ? `CAST(${render(c, w)} ${over} AS ${w.type(c.type)})` : `${render(c, w)} ${over}`,
  };
}

/** `$1` with its type (DuckDB, PostgreSQL): an untyped parameter can be ambiguous to the planner. */
export function typedDollarPlaceholder(index: number, type: PortableType, w: SqlWriter): string {
  return `CAST($${index} AS ${w.type(type)})`;
}

/** SUBSTR where a negative length is empty text (the portable meaning), not an error or a backwards count. */
export const substrNonNegativeLength: FunctionRenderer = (c, w) => {
  const [text, start, length] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
  const args = [w.expr(text), w.expr(start)];
  if (length)
    args.push(
      length.k === 'lit' && typeof length.value === 'number' && length.value >= 0
        ? w.expr(length)
        : `GREATEST(${w.expr(length)}, 0)`,
    );
  return `SUBSTR(${args.join(', ')})`;
};

/** null when any argument is null (BigQuery/Snowflake behaviour) for dialects whose native form skips nulls. */
export function nullIfAnyNull(name: string): FunctionRenderer {
  return (c, w) => {
    const args = c.args.map((a) => w.expr(a));
    const anyNull = c.args.map((a) => `${w.operand(a)} IS NULL`).join(' OR ');
    return `CASE WHEN ${anyNull} THEN NULL ELSE ${name}(${args.join(', ')}) END`;
  };
}

/**
 * A typed null for a call whose argument is an untyped null literal, where the renderer would
 * compare or multiply it (BigQuery: "Operands of < cannot be literal NULL").
 */
export function typedNull(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
  return `CAST(NULL AS ${w.type(c.type)})`;
}

/** null outside [-1, 1] (the portable meaning) where engines would raise an error. */
export function unitDomain(name: string): FunctionRenderer {
  return (c, w) => {
    const x = c.args[0]!;
    if (x.type.kind === 'null') return typedNull(c, w);
    return `CASE WHEN ${w.wrap(x, 5)} BETWEEN -1 AND 1 THEN ${name}(${w.expr(x)}) END`;
  };
}

/** LEFT/RIGHT where a negative count is empty text (PostgreSQL and DuckDB would drop characters instead). */
export function leftOrRight(name: string, count = (e: SqlExpr, w: SqlWriter) => w.expr(e)): FunctionRenderer {
  return (c, w) => {
    const [text, n] = c.args as [SqlExpr, SqlExpr];
    const sql = `${name}(${w.expr(text)}, ${count(n, w)})`;
    if (n.k === 'lit' && typeof n.value === 'number' && n.value >= 0) return sql;
    if (n.type.kind === 'null') return typedNull(c, w);
    return `CASE WHEN ${w.wrap(n, 5)} < 0 THEN ${w.string('')} ELSE ${sql} END`;
  };
}

/** x as a double: every warehouse interpolates percentiles in doubles (PostgreSQL casts to float8). */
export function asDouble(x: SqlExpr, w: SqlWriter): string {
  return x.type.kind === 'double' ? w.expr(x) : `CAST(${w.expr(x)} AS ${w.type(T.double)})`;
}

/** The fraction of percentile_cont (a literal), or 0.5 for median. */
export function percentileOf(c: SqlExpr & { k: 'fn' }): number {
  if (c.name === 'median') return 0.5;
  const p = c.args[1];
  if (p?.k === 'lit' && typeof p.value === 'number') return p.value;
  // `-0` is a literal to the type checker.
  if (p?.k === 'unary' && p.arg.k === 'lit' && typeof p.arg.value === 'number') return -p.arg.value;
  throw new Error('internal: percentile must be a literal');
}

/** percentile_cont over a window: BigQuery and Snowflake take only a whole partition (no order, no frame). */
export function percentileOverPartition(render: FunctionRenderer): WindowedRenderer {
  return (c, over, w) => {
    if (c.over?.orderBy.length || c.over?.frame)
      w.unsupported(
        `${c.name}() over an ordered window or a frame is not available`,
        'drop the window orderBy and frame, or aggregate with an aggregate node and join the result back',
      );
    return `${render(c, w)} ${over}`;
  };
}

/** A regular-expression argument as a dialect reads it; `pattern` is set when it was a literal. */
export interface RegexArg {
  sql: string;
  pattern?: PortablePattern;
  caseInsensitive: boolean;
}

export abstract class Dialect {
  abstract readonly name: DialectName;
  abstract readonly title: string;
  abstract readonly caps: DialectCapabilities;
  /** How the warehouse folds unquoted identifiers. */
  abstract readonly foldUnquoted: 'lower' | 'upper' | 'none';
  /** Names that can be written without quotes (and mean the same). */
  protected abstract readonly unquotedName: RegExp;
  protected readonly identQuote: string = '"';
  readonly unionDistinct: string = 'UNION';

  /**
   * The alias a SELECT gives a table or CTE it reads without one (none by default). In BigQuery a
   * range variable shadows a column of the same name: `SELECT revenue FROM revenue` is the row.
   */
  readonly implicitAlias: string | undefined = undefined;

  /** The current time as a TIMESTAMP, for edgeflow's own bookkeeping rows (the append ledger). */
  readonly currentTimestampSql: string = 'CURRENT_TIMESTAMP';

  /**
   * Whether SQL has boolean values (a predicate in a select list, TRUE/FALSE). Where it does not
   * (Oracle before 23ai, T-SQL), a bool is stored as a number 1/0: the writer renders a predicate
   * used as a value as `CASE WHEN p THEN 1 WHEN NOT (p) THEN 0 END`, and a bool value used as a
   * condition as `x = 1` (see SqlWriter.condition).
   */
  readonly booleanValues: boolean = true;
  /** Functions whose rendering is a predicate (a condition), where booleanValues is false. */
  readonly predicateFunctions: ReadonlySet<string> = new Set();

  /** TRUE / FALSE, or 1 / 0 where SQL has no boolean values. */
  booleanLiteral(value: boolean): string {
    if (!this.booleanValues) return value ? '1' : '0';
    return value ? 'TRUE' : 'FALSE';
  }

  /** `*` beside other select items must be qualified (`t.*`, Oracle). */
  readonly qualifiedStar: boolean = false;

  /** What a SELECT without a FROM reads, where SQL needs one (Oracle: DUAL). */
  readonly fromNothing: string | undefined = undefined;

  /**
   * A UNION member with its own ORDER BY/LIMIT is read from a subquery (`SELECT * FROM (…) AS _u`)
   * where the warehouse refuses a parenthesised one (T-SQL), rather than written `(…)`.
   */
  readonly orderedSetOperandAsSubquery: boolean = false;

  /** A relation (table, CTE, subquery) with an alias: `x AS a` (Oracle writes `x a`). */
  aliasRelation(sql: string, alias: string): string {
    return `${sql} AS ${alias}`;
  }

  /** The lines that limit a SELECT: `LIMIT n` and `OFFSET m` (Oracle: OFFSET … ROWS FETCH NEXT … ROWS ONLY). */
  limitClause(limit: number | undefined, offset: number | undefined, _ordered?: boolean): string[] {
    const lines: string[] = [];
    if (limit !== undefined) lines.push(`LIMIT ${limit}`);
    if (offset !== undefined && offset > 0) lines.push(`OFFSET ${offset}`);
    return lines;
  }

  /** The connection's capabilities (see DialectOptions); a dialect made by `withOptions` has them. */
  readonly options: Readonly<DialectOptions> = {};

  /** This dialect with a connection's options (renderers read `options` when they write SQL). */
  withOptions(options: DialectOptions): this {
    const d = new (this.constructor as new () => this)();
    (d as { options: Readonly<DialectOptions> }).options = Object.freeze({ ...options });
    return d;
  }

  /** Every portable function's spelling; a dialect overrides entries where it differs. */
  readonly functions: Readonly<Record<string, FunctionRenderer>>;
  /** Functions whose windowed form is not `call OVER (…)` (PostgreSQL's any_value emulation). */
  readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {};

  constructor() {
    this.functions = { ...this.baseFunctions(), ...this.functionOverrides() };
  }

  // ---------------------------------------------------------------- names
  quoteIdent(name: string): string {
    if (name.includes('\u0000'))
      throw new UnsupportedError(this.name, 'names cannot contain the NUL character');
    if (this.unquotedName.test(name) && !RESERVED_WORDS.has(name.toLowerCase())) return name;
    const q = this.identQuote;
    return q + name.split(q).join(q + q) + q;
  }

  /** The stored form of a name a user wrote unquoted (Snowflake: `amount` is stored as `AMOUNT`). */
  foldName(name: string): string {
    if (this.foldUnquoted === 'upper') return name.toUpperCase();
    if (this.foldUnquoted === 'lower') return name.toLowerCase();
    return name;
  }

  /**
   * Whether two stored names (as parseTableName gives them) name the same object. Names are
   * compared exactly once folded, except where the warehouse itself ignores case (DuckDB).
   */
  sameName(a: string, b: string): boolean {
    return this.foldUnquoted === 'none' && this.caseInsensitiveNames
      ? a.toLowerCase() === b.toLowerCase()
      : a === b;
  }

  /** Unquoted and quoted names alike match whatever their case (DuckDB). */
  protected readonly caseInsensitiveNames: boolean = false;

  /**
   * The name a new column gets. A plain lower-case name is what a user would have typed unquoted,
   * so it is stored the way the warehouse stores unquoted names (Snowflake upper-cases); any other
   * spelling is kept exactly.
   */
  newColumnName(name: string): string {
    return /^[a-z_][a-z0-9_]*$/.test(name) ? this.foldName(name) : name;
  }

  /** Characters a dialect allows in an unquoted part of a table name (BigQuery project ids have `-`). */
  protected readonly tableNamePart: RegExp = /^[A-Za-z_][A-Za-z0-9_$]*$/;

  /**
   * Splits a table name as the warehouse writes it (`analytics.orders`, `"Odd"."Name"`,
   * `` `my-project.ds.t` ``) into parts, folding unquoted parts as the warehouse does.
   * Returns an error message when the name is malformed.
   */
  parseTableName(text: string): string[] | string {
    const parts: string[] = [];
    let i = 0;
    const s = text.trim();
    if (s.length === 0) return 'the table name is empty';
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === '"' || ch === '`') {
        let j = i + 1;
        let value = '';
        for (;;) {
          if (j >= s.length) return `unterminated quote in table name ${JSON.stringify(text)}`;
          if (s[j] === ch) {
            if (s[j + 1] === ch) {
              value += ch;
              j += 2;
              continue;
            }
            break;
          }
          value += s[j];
          j++;
        }
        if (!value) return `empty quoted name in ${JSON.stringify(text)}`;
        // BigQuery writes a whole path in one pair of backticks: `project.dataset.table`.
        if (ch === '`') parts.push(...value.split('.'));
        else parts.push(value);
        i = j + 1;
      } else {
        let j = i;
        while (j < s.length && s[j] !== '.') j++;
        const raw = s.slice(i, j);
        if (!this.tableNamePart.test(raw)) {
          return `${JSON.stringify(raw)} is not a valid unquoted name part; quote it as "${raw}"`;
        }
        parts.push(this.foldName(raw));
        i = j;
      }
      if (i < s.length) {
        if (s[i] !== '.') return `expected '.' between name parts in ${JSON.stringify(text)}`;
        i++;
        if (i >= s.length) return `table name ${JSON.stringify(text)} ends with '.'`;
      }
    }
    if (parts.length > 3)
      return `table name ${JSON.stringify(text)} has ${parts.length} parts; at most database.schema.table`;
    return parts;
  }

  // ---------------------------------------------------------------- literals and types
  stringLiteral(s: string): string {
    if (s.includes('\u0000'))
      throw new UnsupportedError(this.name, 'text values cannot contain the NUL character');
    return `'${s.replace(/'/g, "''")}'`;
  }
  dateLiteral(iso: string, w: SqlWriter): string {
    return `DATE ${w.string(iso)}`;
  }
  timestampLiteral(iso: string, w: SqlWriter): string {
    return `TIMESTAMP ${w.string(iso.replace('T', ' '))}`;
  }
  /** The warehouse's name for each portable type (decimal has its own hook). */
  protected abstract readonly typeNames: Readonly<Record<SimpleTypeKind, string>>;

  protected decimalTypeName(precision: number, scale: number): string {
    return `DECIMAL(${precision},${scale})`;
  }

  typeName(t: PortableType): string {
    switch (t.kind) {
      case 'decimal':
        return this.decimalTypeName(t.precision, t.scale);
      case 'other':
        return t.native;
      case 'null':
      case 'unknown':
        return this.typeNames.string;
      default:
        return this.typeNames[t.kind];
    }
  }

  abstract placeholder(index: number, name: string, type: PortableType, w: SqlWriter): string;

  cast(sql: string, _from: PortableType, to: PortableType, w: SqlWriter): string {
    return `CAST(${sql} AS ${w.type(to)})`;
  }

  // ---------------------------------------------------------------- expression hooks
  /** True division, null when dividing by zero, in every dialect. */
  divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    let l = w.wrap(left, 7);
    if (this.caps.integerDivisionTruncates && isInteger(left.type) && isInteger(right.type)) {
      l = this.cast(w.expr(left), left.type, T.double, w);
    }
    return `${l} / ${w.divisor(right)}`;
  }

  concatOperator(parts: string[], _w: SqlWriter): string {
    return parts.join(' || ');
  }

  /**
   * Appended to LIKE/ILIKE where the warehouse has no default escape character: a backslash
   * escapes `%`, `_` and itself in every dialect, as PostgreSQL and BigQuery do by default.
   */
  protected readonly likeEscapeClause: string = '';

  like(arg: SqlExpr, pattern: SqlExpr, negated: boolean, ci: boolean, w: SqlWriter): string {
    const not = negated ? 'NOT ' : '';
    // A literal pattern without a backslash means the same with or without ESCAPE, and engines
    // optimise only a plain LIKE: DuckDB turns `LIKE '%BRASS'` into suffix() but runs
    // like_escape() as a general matcher (TPC-H Q13 took twice the hand-written time).
    const plain = pattern.k === 'lit' && typeof pattern.value === 'string' && !pattern.value.includes('\\');
    const escape = plain ? '' : this.likeEscapeClause;
    if (ci && !this.caps.ilike) return `LOWER(${w.expr(arg)}) ${not}LIKE LOWER(${w.expr(pattern)})${escape}`;
    return `${w.wrap(arg, 5)} ${not}${ci ? 'ILIKE' : 'LIKE'} ${w.wrap(pattern, 5)}${escape}`;
  }

  /** A numeric literal's text (negative ones already parenthesised) as a value of `type`. */
  numberLiteral(text: string, _type: PortableType, _w: SqlWriter): string {
    return text;
  }

  orderItem(sql: string, desc: boolean, nulls: 'first' | 'last'): string {
    return `${sql}${desc ? ' DESC' : ''} NULLS ${nulls.toUpperCase()}`;
  }

  /** A window's ORDER BY items, rendered; a hook for engine quirks. */
  windowOrderBy(items: string[], _fn: SqlExpr & { k: 'fn' }): string[] {
    return items;
  }

  /** What follows SELECT [DISTINCT] to limit the rows (T-SQL: `TOP (n) ` when nothing is ordered). */
  selectTop(_limit: number | undefined, _offset: number | undefined, _ordered: boolean): string {
    return '';
  }

  /** The frame clause of a window (after its ORDER BY), or '' for none. */
  windowFrame(spec: WindowSpec, fn: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    if (!spec.frame || !this.takesFrame(fn)) return '';
    const offsets = [spec.frame.from, spec.frame.to].some((v) => v !== null && v !== 0);
    if (spec.frame.unit === 'range' && offsets && !this.caps.rangeFrameOffsets) {
      w.unsupported(
        'RANGE frames with numeric offsets are not available',
        'use a rows frame, or unbounded/current row bounds',
      );
    }
    return frameClause(spec.frame);
  }

  /** Ranking functions take no frame; aggregates and first/last_value do. */
  takesFrame(fn: SqlExpr & { k: 'fn' }): boolean {
    return fn.fnKind === 'aggregate' || FRAMED_WINDOW_FUNCTIONS.has(fn.name);
  }

  /** Seeded, repeatable sampling needs a hash of the whole row, spelled per dialect. */
  protected rowHashHex(_alias: string, _seed: number, w: SqlWriter): string {
    return w.unsupported('repeatable (seeded) sampling is not available');
  }
  protected randomFunction = 'RANDOM()';

  sample(q: SampleQuery, w: SqlWriter): string {
    const alias = '_s';
    const from = `${w.from(q.from)} AS ${w.ident(alias)}`;
    const cols = `${w.ident(alias)}.*`;
    if ('rows' in q.spec) {
      const order = q.spec.seed === undefined ? this.randomFunction : this.rowHashHex(alias, q.spec.seed, w);
      return `SELECT ${cols}\nFROM ${from}\nORDER BY ${order}\nLIMIT ${q.spec.rows}`;
    }
    const fraction = q.spec.percent / 100;
    if (q.spec.seed === undefined)
      return `SELECT ${cols}\nFROM ${from}\nWHERE ${this.randomFunction} < ${fraction}`;
    // The first 8 hex digits of a hash, compared as text, are uniform in [0, 16^8).
    const threshold = Math.min(0xffffffff, Math.floor(fraction * 0x100000000))
      .toString(16)
      .padStart(8, '0');
    const keep =
      fraction >= 1
        ? 'TRUE'
        : `SUBSTR(${this.rowHashHex(alias, q.spec.seed, w)}, 1, 8) < ${w.string(threshold)}`;
    return `SELECT ${cols}\nFROM ${from}\nWHERE ${keep}`;
  }

  // ---------------------------------------------------------------- functions
  protected functionOverrides(): Record<string, FunctionRenderer> {
    return {};
  }

  /** How the warehouse reads regular expressions. */
  protected readonly regexFlavor: RegexFlavor = 're2';
  /** How the warehouse writes a date format. */
  protected readonly dateFormatFlavor: DateFormatFlavor = 'postgres';

  /**
   * A pattern argument: a literal is parsed and re-written for the warehouse (UNSUPPORTED with the
   * reason when it cannot be); a parameter or column is passed as the warehouse reads it.
   */
  protected regex(e: SqlExpr, w: SqlWriter, opts?: RenderOptions): RegexArg {
    if (e.k !== 'lit' || typeof e.value !== 'string') return { sql: w.expr(e), caseInsensitive: false };
    const pattern = parsePattern(e.value);
    try {
      const text = renderPattern(pattern, this.regexFlavor, opts);
      return { sql: w.string(text), pattern, caseInsensitive: pattern.caseInsensitive };
    } catch (err) {
      if (err instanceof PatternError)
        return w.unsupported(`regular expression ${JSON.stringify(e.value)}: ${err.message}`, err.hint);
      throw err;
    }
  }

  /** The number a pattern's capturing group has in the pattern as written for the warehouse. */
  protected groupNumber(_pattern: PortablePattern | undefined, group: number): number {
    return group;
  }

  /** A replacement argument: a literal's group references are written the warehouse's way. */
  protected replacement(e: SqlExpr, pattern: PortablePattern | undefined, w: SqlWriter): string {
    if (e.k !== 'lit' || typeof e.value !== 'string') {
      const renumbered =
        pattern && [...Array(pattern.groups).keys()].some((g) => this.groupNumber(pattern, g + 1) !== g + 1);
      if (renumbered)
        w.unsupported(
          'a replacement that is not a literal cannot follow the renumbered groups of this pattern',
          'write the replacement as a literal, or the pattern without (?:…)',
        );
      return w.expr(e);
    }
    try {
      const parts = parseReplacement(e.value);
      return w.string(renderReplacement(parts, this.regexFlavor, (g) => this.groupNumber(pattern, g)));
    } catch (err) {
      if (err instanceof PatternError)
        return w.unsupported(`replacement ${JSON.stringify(e.value)}: ${err.message}`, err.hint);
      throw err;
    }
  }

  /** True when the pattern matches somewhere in the text. */
  protected regexMatch(text: string, re: RegexArg): string {
    return `REGEXP_LIKE(${text}, ${re.sql})`;
  }

  /** The first match (group 0) or one of its groups; null when nothing matches. */
  protected regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    const re = this.regex(pattern, w).sql;
    return group === 0
      ? `REGEXP_SUBSTR(${text}, ${re})`
      : `REGEXP_SUBSTR(${text}, ${re}, 1, 1, '', ${group})`;
  }

  protected regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement}, 'g')`;
  }

  /** regexp_extract: null without a match, '' for a group that takes no part in it. */
  protected regexExtract(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    const [text, pattern, g] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
    const group = g?.k === 'lit' && typeof g.value === 'number' ? g.value : 0;
    const re = this.regex(pattern, w);
    const sub = this.regexSubstr(w.expr(text), pattern, group, w);
    const optional = group > 0 && (!re.pattern || re.pattern.optionalGroups.has(group));
    return optional
      ? `CASE WHEN ${this.regexMatch(w.expr(text), re)} THEN COALESCE(${sub}, ${w.string('')}) END`
      : sub;
  }

  protected formatDate(x: SqlExpr, format: string, w: SqlWriter): string {
    const value = x.type.kind === 'null' ? `CAST(NULL AS ${w.type(T.timestamp)})` : w.expr(x);
    return `TO_CHAR(${value}, ${w.string(format)})`;
  }

  /** percentile_cont and median as an aggregate (PostgreSQL's and Snowflake's spelling). */
  protected percentile(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    return `PERCENTILE_CONT(${percentileOf(c)}) WITHIN GROUP (ORDER BY ${asDouble(c.args[0]!, w)})`;
  }

  private baseFunctions(): Record<string, FunctionRenderer> {
    return {
      lower: plain('LOWER'),
      upper: plain('UPPER'),
      trim: plain('TRIM'),
      ltrim: plain('LTRIM'),
      rtrim: plain('RTRIM'),
      length: plain('LENGTH'),
      substr: plain('SUBSTR'),
      replace: plain('REPLACE'),
      concat: (c, w) => `(${w.concat(c.args)})`,
      coalesce: plain('COALESCE'),
      nullif: plain('NULLIF'),
      abs: plain('ABS'),
      sign: (c, w) => `CAST(SIGN(${w.expr(c.args[0]!)}) AS ${w.type(T.int)})`,
      round: plain('ROUND'),
      floor: plain('FLOOR'),
      ceil: plain('CEIL'),
      sqrt: plain('SQRT'),
      power: plain('POWER'),
      ln: plain('LN'),
      log10: plain('LOG10'),
      exp: plain('EXP'),
      mod: (c, w) => `MOD(${w.expr(c.args[0]!)}, ${w.divisor(c.args[1]!)})`,
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS ${w.type(T.bigint)})`;
      },
      greatest: plain('GREATEST'),
      least: plain('LEAST'),
      sin: plain('SIN'),
      cos: plain('COS'),
      tan: plain('TAN'),
      asin: unitDomain('ASIN'),
      acos: unitDomain('ACOS'),
      atan: plain('ATAN'),
      atan2: plain('ATAN2'),
      radians: plain('RADIANS'),
      degrees: plain('DEGREES'),
      pi: () => 'PI()',
      starts_with: plain('STARTS_WITH'),
      ends_with: plain('ENDS_WITH'),
      left: leftOrRight('LEFT'),
      right: leftOrRight('RIGHT'),
      split_part: plain('SPLIT_PART'),
      regexp_like: (c, w) => this.regexMatch(w.expr(c.args[0]!), this.regex(c.args[1]!, w)),
      regexp_replace: (c, w) => {
        const re = this.regex(c.args[1]!, w);
        return this.regexReplace(w.expr(c.args[0]!), re, this.replacement(c.args[2]!, re.pattern, w));
      },
      regexp_extract: (c, w) => this.regexExtract(c, w),
      format_date: (c, w) => {
        const parts = parseDateFormat(String((c.args[1] as { value: unknown }).value));
        if (typeof parts === 'string') throw new Error(`internal: ${parts}`);
        return this.formatDate(c.args[0]!, renderDateFormat(parts, this.dateFormatFlavor), w);
      },
      current_date: () => 'CURRENT_DATE',
      current_timestamp: () => 'CURRENT_TIMESTAMP',
      date_trunc: (c, w) => {
        const unit = unitOf(c.args[0]);
        const sql = `DATE_TRUNC(${w.string(unit)}, ${w.expr(c.args[1]!)})`;
        return c.type.kind === 'date' ? `CAST(${sql} AS ${w.type(T.date)})` : sql;
      },
      extract: (c, w) => this.extract(unitOrPart(c.args[0]), c.args[1]!, w),
      date_add: (c, w) => this.dateAdd(c.args[0]!, c.args[1]!, unitOf(c.args[2]), c.type, w),
      date_diff: (c, w) => this.dateDiff(unitOf(c.args[0]), c.args[1]!, c.args[2]!, w),
      count: aggregate('COUNT'),
      sum: aggregate('SUM'),
      avg: aggregate('AVG'),
      min: aggregate('MIN'),
      max: aggregate('MAX'),
      stddev: aggregate('STDDEV_SAMP'),
      any_value: aggregate('ANY_VALUE'),
      string_agg: aggregate('STRING_AGG'),
      count_if: (c, w) => `COUNT(CASE WHEN ${w.expr(c.args[0]!)} THEN 1 END)`,
      median: (c, w) => this.percentile(c, w),
      percentile_cont: (c, w) => this.percentile(c, w),
      row_number: () => 'ROW_NUMBER()',
      rank: () => 'RANK()',
      dense_rank: () => 'DENSE_RANK()',
      ntile: plain('NTILE'),
      lag: plain('LAG'),
      lead: plain('LEAD'),
      first_value: plain('FIRST_VALUE'),
      last_value: plain('LAST_VALUE'),
      _ef_unnested: (c, w) =>
        this.unnestedValue(w.ident(String((c.args[0] as { value: unknown }).value)), c.type, w),
    };
  }

  /** `extract(part from x)` as an integer; `dow` is ISO (1 = Monday … 7 = Sunday). */
  protected extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const field = { dow: 'ISODOW', isodow: 'ISODOW', doy: 'DOY', week: 'WEEK' }[part] ?? part.toUpperCase();
    const inner = `EXTRACT(${field} FROM ${x})`;
    return `CAST(${part === 'second' ? `FLOOR(${inner})` : inner} AS ${w.type(T.bigint)})`;
  }

  protected dateAdd(x: SqlExpr, n: SqlExpr, unit: DateUnit, result: PortableType, w: SqlWriter): string {
    const [count, base] = unit === 'quarter' ? [3, 'month'] : unit === 'week' ? [7, 'day'] : [1, unit];
    const amount = count === 1 ? w.operand(n) : `(${w.operand(n)} * ${count})`;
    const sql = `${w.wrap(x, 6)} + ${amount} * INTERVAL '1 ${base}'`;
    return result.kind === 'date' ? `CAST(${sql} AS ${w.type(T.date)})` : `CAST(${sql} AS ${w.type(result)})`;
  }

  protected dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    return `DATE_DIFF(${w.string(unit)}, ${w.expr(a)}, ${w.expr(b)})`;
  }

  // ---------------------------------------------------------------- statements
  statement(s: Statement, w: SqlWriter): string {
    switch (s.kind) {
      case 'create_schema':
        return `CREATE SCHEMA IF NOT EXISTS ${w.table(s.schema)}`;
      case 'create_table_as': {
        const head = s.replace
          ? this.caps.createOrReplaceTable
            ? 'CREATE OR REPLACE TABLE'
            : 'CREATE TABLE'
          : 'CREATE TABLE';
        return `${head} ${w.table(s.table)}${this.tableHints(s.hints, w)} AS\n${w.withQuery(s.query)}`;
      }
      case 'create_table': {
        const cols = s.columns.map((c) => `${w.ident(c.name)} ${w.type(c.type)}`).join(',\n');
        return `CREATE TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${w.table(s.table)} (\n${indent(cols, 2)}\n)${this.tableHints(s.hints, w)}`;
      }
      case 'insert':
        return `INSERT INTO ${w.table(s.table)} (${s.columns.map((c) => w.ident(c)).join(', ')})\n${w.withQuery(s.query)}`;
      case 'merge':
        return this.merge(s, w);
      case 'drop_table':
        return `DROP TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${w.table(s.table)}`;
      case 'move_table':
        return this.moveTable(s.from, s.to, w);
    }
  }

  /** A relation's rows once per element of an array (see the `unnest` FromItem). */
  unnestFrom(source: string, array: string, alias: string): string {
    return `${source}\nCROSS JOIN LATERAL UNNEST(${array}) AS ${alias}(value)`;
  }

  /** The element of an unnested array, as a value of `type`. */
  unnestedValue(alias: string, _type: PortableType, _w: SqlWriter): string {
    return `${alias}.value`;
  }

  protected tableHints(_hints: TableHints | undefined, _w: SqlWriter): string {
    return '';
  }

  protected merge(s: Statement & { kind: 'merge' }, w: SqlWriter): string {
    const t = w.ident('_tgt');
    const src = w.ident('_src');
    const on = s.keys.map((k) => `${t}.${w.ident(k)} = ${src}.${w.ident(k)}`).join(' AND ');
    const updates = s.columns.filter((c) => !s.keys.includes(c));
    const lines = [
      `MERGE INTO ${w.table(s.table)} AS ${t}`,
      `USING (\n${indent(w.withQuery(s.query), 2)}\n) AS ${src}`,
      `ON ${on}`,
    ];
    if (updates.length) {
      lines.push(
        `WHEN MATCHED THEN UPDATE SET ${updates.map((c) => `${this.mergeSetTarget(c, w)} = ${src}.${w.ident(c)}`).join(', ')}`,
      );
    }
    lines.push(
      `WHEN NOT MATCHED THEN INSERT (${s.columns.map((c) => w.ident(c)).join(', ')}) VALUES (${s.columns.map((c) => `${src}.${w.ident(c)}`).join(', ')})`,
    );
    return lines.join('\n');
  }

  protected mergeSetTarget(column: string, w: SqlWriter): string {
    return w.ident(column);
  }

  /** Renames a table built in staging onto its target (used where CREATE OR REPLACE is absent). */
  protected moveTable(from: string[], to: string[], w: SqlWriter): string {
    return `ALTER TABLE ${w.table(from)} RENAME TO ${w.table(to)}`;
  }
}

/** `ROWS BETWEEN 6 PRECEDING AND CURRENT ROW` */
export function frameClause(frame: Frame): string {
  const bound = (v: number | null, side: 'start' | 'end') =>
    v === null
      ? `UNBOUNDED ${side === 'start' ? 'PRECEDING' : 'FOLLOWING'}`
      : v === 0
        ? 'CURRENT ROW'
        : v < 0
          ? `${-v} PRECEDING`
          : `${v} FOLLOWING`;
  return `${frame.unit.toUpperCase()} BETWEEN ${bound(frame.from, 'start')} AND ${bound(frame.to, 'end')}`;
}

function unitOrPart(e: SqlExpr | undefined): string {
  return e && e.k === 'lit' ? String(e.value).toLowerCase() : '';
}
