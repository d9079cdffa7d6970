import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { RegexFlavor } from '../expr/regex.js';
import {
  Dialect,
  leftOrRight,
  typedDollarPlaceholder,
  aggregate,
  castToResult,
  nullIfAnyNull,
  type DialectCapabilities,
  type FunctionRenderer,
  type WindowedRenderer,
} from './dialect.js';
import type { DateUnit } from '../expr/functions.js';
import { POSTGRES_SPATIAL, POSTGRES_SPATIAL_WINDOWED } from './spatial-postgres.js';

// avg and stddev_samp of integers and NUMERIC are NUMERIC, and sum of bigint is NUMERIC, in
// PostgreSQL; edgeflow types them double and bigint.
const AS_RESULT = {
  avg: castToResult(aggregate('AVG')),
  stddev: castToResult(aggregate('STDDEV_SAMP')),
  sum: castToResult(aggregate('SUM'), (c) => c.args[0]?.type.kind === 'bigint'),
};

/** PostgreSQL 15+ (and PostGIS). https://www.postgresql.org/docs/15/sql.html */
export class PostgresDialect extends Dialect {
  readonly name = 'postgres' as const;
  readonly title = 'PostgreSQL';
  readonly foldUnquoted = 'lower' as const;
  protected readonly unquotedName = /^[a-z_][a-z0-9_]*$/;
  readonly caps: DialectCapabilities = {
    qualify: false,
    qualifyNeedsWhere: false,
    createOrReplaceTable: false,
    merge: true, // MERGE since 15
    transactionalDdl: true,
    exceptColumns: false,
    cteInlineHint: true,
    windowDistinct: false, // "DISTINCT is not implemented for window functions"
    rangeFrameOffsets: true,
    ilike: true,
    integerDivisionTruncates: true,
    createSchema: true,
    maxIdentifierLength: 63, // NAMEDATALEN - 1; longer names are silently truncated
    partitionHint: false,
    clusterHint: false,
  };

  override stringLiteral(s: string): string {
    const base = super.stringLiteral(s);
    // E'' strings mean the same whatever standard_conforming_strings is set to.
    return s.includes('\\') ? `E${base.replace(/\\/g, '\\\\')}` : base;
  }

  protected readonly typeNames = {
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE PRECISION',
    string: 'TEXT',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    geography: 'GEOGRAPHY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `NUMERIC(${precision},${scale})`;
  }

  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    return typedDollarPlaceholder(index, type, w);
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    // geography's text is its WKT (a cast would give hex EWKB).
    if (from.kind === 'geography' && to.kind === 'string') return `ST_AsText(${sql})`;
    return super.cast(sql, from, to, w);
  }

  override divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    // `/` is typed double: int / int would truncate, and NUMERIC / NUMERIC would stay NUMERIC.
    const l = left.type.kind === 'double' ? w.wrap(left, 7) : this.cast(w.expr(left), left.type, T.double, w);
    return `${l} / ${w.divisor(right)}`;
  }

  override numberLiteral(text: string, type: PortableType, w: SqlWriter): string {
    // `1.5e3` is NUMERIC in PostgreSQL, not double precision.
    return type.kind === 'double' ? `CAST(${text} AS ${w.type(type)})` : text;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `MD5(CAST(ROW(${w.ident(alias)}.*) AS TEXT) || ${w.string(String(seed))})`;
  }

  protected override readonly regexFlavor: RegexFlavor = 'postgres';

  protected override formatDate(x: SqlExpr, format: string, w: SqlWriter): string {
    // to_char has date-less overloads (timestamp, timestamptz, interval…): say which.
    const value = x.type.kind === 'timestamp' ? w.expr(x) : `CAST(${w.expr(x)} AS TIMESTAMP)`;
    return `TO_CHAR(${value}, ${w.string(format)})`;
  }

  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const x = w.expr(a);
    const y = w.expr(b);
    const part = (p: string, v: string) => `EXTRACT(${p} FROM ${v})`;
    const years = `(${part('YEAR', y)} - ${part('YEAR', x)})`;
    const epoch = (u: string, secs: number) =>
      `FLOOR(EXTRACT(EPOCH FROM (DATE_TRUNC('${u}', ${y}) - DATE_TRUNC('${u}', ${x}))) / ${secs})`;
    let sql: string;
    switch (unit) {
      case 'year':
        sql = years;
        break;
      case 'quarter':
        sql = `${years} * 4 + ${part('QUARTER', y)} - ${part('QUARTER', x)}`;
        break;
      case 'month':
        sql = `${years} * 12 + ${part('MONTH', y)} - ${part('MONTH', x)}`;
        break;
      case 'week':
        sql = `(CAST(DATE_TRUNC('week', ${y}) AS DATE) - CAST(DATE_TRUNC('week', ${x}) AS DATE)) / 7`;
        break;
      case 'day':
        sql = `CAST(${y} AS DATE) - CAST(${x} AS DATE)`;
        break;
      case 'hour':
        sql = epoch('hour', 3600);
        break;
      case 'minute':
        sql = epoch('minute', 60);
        break;
      case 'second':
        sql = epoch('second', 1);
        break;
    }
    return `CAST(${sql} AS BIGINT)`;
  }

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...POSTGRES_SPATIAL,
      avg: AS_RESULT.avg.plain,
      stddev: AS_RESULT.stddev.plain,
      sum: AS_RESULT.sum.plain,
      length: (c, w) => `CAST(LENGTH(${w.expr(c.args[0]!)}) AS BIGINT)`,
      greatest: nullIfAnyNull('GREATEST'),
      least: nullIfAnyNull('LEAST'),
      // round(double) in PostgreSQL rounds half to even; numeric rounds half away from zero.
      round: (c, w) => {
        const [x, digits] = c.args;
        if (x!.type.kind === 'double') return roundDouble(w.operand(x!), digits ? integerLiteral(digits) : 0);
        const args = [`CAST(${w.expr(x!)} AS NUMERIC)`, ...(digits ? [w.expr(digits)] : [])];
        const sql = `ROUND(${args.join(', ')})`;
        return c.type.kind === 'decimal' ? sql : `CAST(${sql} AS ${w.type(c.type)})`;
      },
      mod: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        const num = (e: SqlExpr) => (e.type.kind === 'double' ? `CAST(${w.expr(e)} AS NUMERIC)` : w.expr(e));
        const sql = `MOD(${num(a)}, NULLIF(${num(b)}, 0))`;
        return a.type.kind === 'double' || b.type.kind === 'double'
          ? `CAST(${sql} AS DOUBLE PRECISION)`
          : sql;
      },
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(${w.wrap(a, 7)} / ${w.divisor(b)} AS BIGINT)`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS BIGINT)`;
      },
      // A negative start counts from the end (DuckDB, BigQuery, Snowflake); PostgreSQL would read
      // it as a position before the text. A negative length is empty text, not an error.
      // SUBSTR takes integer (not bigint) positions.
      substr: (c, w) => {
        const [text, start, length] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
        const int = (e: SqlExpr) => (e.type.kind === 'int' ? w.operand(e) : `CAST(${w.expr(e)} AS INTEGER)`);
        const x = w.expr(text);
        const at = int(start);
        const from = nonNegativeLiteral(start)
          ? at
          : `CASE WHEN ${at} < 0 THEN LENGTH(${x}) + ${at} + 1 ELSE ${at} END`;
        if (!length) return `SUBSTR(${x}, ${from})`;
        const len = nonNegativeLiteral(length) ? int(length) : `GREATEST(${int(length)}, 0)`;
        return `SUBSTR(${x}, ${from}, ${len})`;
      },
      // PostgreSQL 15 has no any_value (it arrives in 16).
      any_value: (c, w) => {
        const x = w.expr(c.args[0]!);
        return `(ARRAY_AGG(${x}) FILTER (WHERE ${x} IS NOT NULL))[1]`;
      },
      sign: (c, w) => `CAST(SIGN(${w.expr(c.args[0]!)}) AS ${w.type(T.int)})`,
      // LEFT and RIGHT take an integer count.
      left: leftOrRight('LEFT', integerArg),
      right: leftOrRight('RIGHT', integerArg),
      // PostgreSQL 15 has starts_with but no ends_with.
      ends_with: (c, w) => {
        const [text, suffix] = c.args as [SqlExpr, SqlExpr];
        return `(RIGHT(${w.expr(text)}, LENGTH(${w.expr(suffix)})) = ${w.operand(suffix)})`;
      },
    };
  }

  // The any_value emulation indexes the aggregate's array, so OVER goes inside the brackets.
  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    median: noOrderedSetWindow,
    percentile_cont: noOrderedSetWindow,
    avg: AS_RESULT.avg.windowed,
    stddev: AS_RESULT.stddev.windowed,
    sum: AS_RESULT.sum.windowed,
    any_value: (c, over, w) => {
      const x = w.expr(c.args[0]!);
      return `(ARRAY_AGG(${x}) FILTER (WHERE ${x} IS NOT NULL) ${over})[1]`;
    },
    ...POSTGRES_SPATIAL_WINDOWED,
  };

  protected override moveTable(from: string[], to: string[], w: SqlWriter): string {
    // RENAME keeps the schema: the replacement is built beside its target.
    return `ALTER TABLE ${w.table(from)} RENAME TO ${w.ident(to[to.length - 1]!)}`;
  }
}

export function integerArg(e: SqlExpr, w: SqlWriter): string {
  return e.type.kind === 'int' || e.type.kind === 'null' ? w.expr(e) : `CAST(${w.expr(e)} AS INTEGER)`;
}

// "OVER is not supported for ordered-set aggregate percentile_cont".
const noOrderedSetWindow: WindowedRenderer = (c, _over, w) =>
  w.unsupported(
    `${c.name}() over a window is not available (PostgreSQL has no ordered-set aggregates over windows)`,
    'aggregate with an aggregate node, then join the result back',
  );

/**
 * round() of a double as DuckDB (and C's round) computes it: halves away from zero on the binary
 * value scaled by 10^digits. A NUMERIC detour would round the 15-digit decimal text instead, so
 * round(0.285, 2) would be 0.29 here while the double 0.28499… is 0.28 elsewhere.
 */
export function roundDouble(x: string, digits: number): string {
  const scale = `POWER(CAST(10 AS DOUBLE PRECISION), ${Math.abs(digits)})`;
  const scaled = digits >= 0 ? `(${x} * ${scale})` : `(${x} / ${scale})`;
  const rounded = `SIGN(${scaled}) * FLOOR(ABS(${scaled}) + 0.5)`;
  return `(${rounded} ${digits >= 0 ? '/' : '*'} ${scale})`;
}

/** The value of an integer literal argument (`2`, or `-2` parsed as unary minus). */
export function integerLiteral(e: SqlExpr): number {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  throw new Error('internal: round digits must be an integer literal');
}

export function nonNegativeLiteral(e: SqlExpr): boolean {
  return e.k === 'lit' && typeof e.value === 'number' && e.value >= 0;
}
