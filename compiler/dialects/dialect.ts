/**
 * A dialect is data plus a few hooks over ANSI behaviour: how names are quoted and folded, how
 * literals and types are written, how each portable function is spelled, and capability flags.
 * Differences are data (tables and flags), not `if (dialect === 'x')` branches in components.
 */
import { UnsupportedError } from '../diagnostics.js';
import { DATE_UNITS, FRAMED_WINDOW_FUNCTIONS, type DateUnit } from '../expr/functions.js';
import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SampleQuery, SqlExpr, Statement, TableHints } from '../sql/ast.js';
import { indent, type SqlWriter } from '../sql/writer.js';
import { RESERVED_WORDS } from './reserved.js';

export type DialectName = 'duckdb' | 'postgres' | 'bigquery' | 'snowflake';

/** Portable types whose warehouse name is a plain word (decimal takes precision and scale). */
export type SimpleTypeKind = Exclude<PortableType['kind'], 'decimal' | 'other' | 'null' | 'unknown'>;
export const DIALECT_NAMES: readonly DialectName[] = ['duckdb', 'postgres', 'bigquery', 'snowflake'];

export interface DialectCapabilities {
  /** QUALIFY filters on window results without a subquery. */
  qualify: boolean;
  /** BigQuery wants a WHERE (or GROUP BY/HAVING) beside QUALIFY. */
  qualifyNeedsWhere: boolean;
  /** `CREATE OR REPLACE TABLE … AS` swaps a table atomically. */
  createOrReplaceTable: boolean;
  merge: boolean;
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
    const escape = this.likeEscapeClause;
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
      row_number: () => 'ROW_NUMBER()',
      rank: () => 'RANK()',
      dense_rank: () => 'DENSE_RANK()',
      ntile: plain('NTILE'),
      lag: plain('LAG'),
      lead: plain('LEAD'),
      first_value: plain('FIRST_VALUE'),
      last_value: plain('LAST_VALUE'),
    };
  }

  /** `extract(part from x)` as an integer; `dow` is ISO (1 = Monday … 7 = Sunday). */
  protected extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const field = { dow: 'ISODOW', doy: 'DOY', week: 'WEEK' }[part] ?? part.toUpperCase();
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

function unitOrPart(e: SqlExpr | undefined): string {
  return e && e.k === 'lit' ? String(e.value).toLowerCase() : '';
}
