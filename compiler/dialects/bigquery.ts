import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SqlExpr, TableHints } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import { TIME_UNITS, type DateUnit } from '../expr/functions.js';
import type { DateFormatFlavor } from '../expr/date-format.js';
import {
  Dialect,
  asDouble,
  percentileOf,
  percentileOverPartition,
  substrNonNegativeLength,
  typedNull,
  aggregate,
  castToResult,
  plain,
  unitOf,
  unitSql,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { BIGQUERY_SPATIAL, BIGQUERY_SPATIAL_WINDOWED } from './spatial-bigquery.js';

// AVG of NUMERIC is NUMERIC in BigQuery; edgeflow types avg as double everywhere.
const AVG_AS_RESULT = castToResult(
  distinctUnordered(aggregate('AVG')),
  (c) => c.args[0]?.type.kind === 'decimal',
);

/**
 * BigQuery GoogleSQL. https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical
 * TIMESTAMP is zone-aware here, so the portable `timestamp` (without time zone) is DATETIME.
 */
export class BigQueryDialect extends Dialect {
  readonly name = 'bigquery' as const;
  readonly title = 'BigQuery';
  readonly foldUnquoted = 'none' as const;
  protected readonly unquotedName = /^[A-Za-z_][A-Za-z0-9_]*$/;
  protected override readonly identQuote = '`';
  protected override readonly tableNamePart = /^[A-Za-z_][A-Za-z0-9_-]*$/; // project ids contain '-'
  override readonly unionDistinct = 'UNION DISTINCT';
  // A node (CTE) or table whose name is also one of its columns: `FROM revenue` would make
  // `revenue` the whole row (a STRUCT), so reads get an alias no column is expected to have.
  override readonly implicitAlias = '_ef_in';
  protected override randomFunction = 'RAND()';
  readonly caps: DialectCapabilities = {
    qualify: true,
    // "QUALIFY clause requires WHERE, GROUP BY or HAVING" on older query engines; WHERE TRUE is free.
    qualifyNeedsWhere: true,
    createOrReplaceTable: true,
    merge: true,
    transactionalDdl: false,
    exceptColumns: 'EXCEPT',
    rangeFrameOffsets: true,
    ilike: false,
    integerDivisionTruncates: false, // `/` returns FLOAT64
    createSchema: false, // a dataset needs its location; create datasets outside edgeflow
    maxIdentifierLength: 300,
    partitionHint: true,
    clusterHint: true,
  };

  override quoteIdent(name: string): string {
    const q = super.quoteIdent(name);
    // Quoted identifiers take the same backslash escapes as strings (a raw newline ends them).
    return q.startsWith('`') ? quoted(name, '`') : q;
  }

  override stringLiteral(s: string): string {
    if (s.includes('\u0000')) return super.stringLiteral(s);
    return quoted(s, "'");
  }

  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `DATETIME ${w.string(iso.replace('T', ' '))}`;
  }

  protected readonly typeNames = {
    int: 'INT64',
    bigint: 'INT64',
    double: 'FLOAT64',
    string: 'STRING',
    bool: 'BOOL',
    date: 'DATE',
    timestamp: 'DATETIME',
    timestamptz: 'TIMESTAMP',
    geography: 'GEOGRAPHY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return scale <= 9 && precision - scale <= 29
      ? `NUMERIC(${precision},${scale})`
      : `BIGNUMERIC(${precision},${scale})`;
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    // GEOGRAPHY has no CAST to or from STRING: its text form is WKT.
    if (from.kind === 'geography' && to.kind === 'string') return `ST_ASTEXT(${sql})`;
    if (from.kind === 'string' && to.kind === 'geography') return `ST_GEOGFROMTEXT(${sql})`;
    return super.cast(sql, from, to, w);
  }

  placeholder(_index: number, name: string): string {
    return `@${name}`;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `TO_HEX(MD5(CONCAT(TO_JSON_STRING(${w.ident(alias)}), ${w.string(String(seed))})))`;
  }

  private part(unit: DateUnit): string {
    return unit === 'week' ? 'WEEK(MONDAY)' : unitSql(unit);
  }

  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    if (part === 'dow' || part === 'isodow') return `MOD(EXTRACT(DAYOFWEEK FROM ${x}) + 5, 7) + 1`; // DAYOFWEEK: 1 = Sunday
    const field = { week: 'ISOWEEK', doy: 'DAYOFYEAR' }[part] ?? part.toUpperCase();
    return `EXTRACT(${field} FROM ${x})`;
  }

  protected override dateAdd(
    x: SqlExpr,
    n: SqlExpr,
    unit: DateUnit,
    result: PortableType,
    w: SqlWriter,
  ): string {
    const interval = `INTERVAL ${w.expr(n)} ${unitSql(unit)}`;
    const small = unit === 'hour' || unit === 'minute' || unit === 'second' || unit === 'day';
    switch (x.type.kind) {
      case 'date':
        return result.kind === 'date'
          ? `DATE_ADD(${w.expr(x)}, ${interval})`
          : `DATETIME_ADD(DATETIME(${w.expr(x)}), ${interval})`;
      case 'timestamptz':
        // TIMESTAMP_ADD stops at DAY; months and years go through DATETIME in UTC.
        return small
          ? `TIMESTAMP_ADD(${w.expr(x)}, ${interval})`
          : `TIMESTAMP(DATETIME_ADD(DATETIME(${w.expr(x)}), ${interval}))`;
      default:
        return `DATETIME_ADD(${w.expr(x)}, ${interval})`;
    }
  }

  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const kind = a.type.kind === 'null' ? b.type.kind : a.type.kind;
    // DATE_DIFF stops at DAY: hours between dates are counted between their midnights.
    if (kind === 'date' && !TIME_UNITS.includes(unit))
      return `DATE_DIFF(${w.expr(b)}, ${w.expr(a)}, ${this.part(unit)})`;
    // DATETIME_DIFF counts boundaries like DATE_DIFF; TIMESTAMP_DIFF counts whole intervals, so avoid it.
    const dt = (e: SqlExpr) =>
      e.type.kind === 'timestamptz' || e.type.kind === 'date' ? `DATETIME(${w.expr(e)})` : w.expr(e);
    return `DATETIME_DIFF(${dt(b)}, ${dt(a)}, ${this.part(unit)})`;
  }

  protected override readonly dateFormatFlavor: DateFormatFlavor = 'strftime';

  protected override formatDate(x: SqlExpr, format: string, w: SqlWriter): string {
    const fn = x.type.kind === 'date' ? 'FORMAT_DATE' : 'FORMAT_DATETIME';
    return `${fn}(${w.string(format)}, ${w.expr(x)})`;
  }

  protected override regexMatch(text: string, re: RegexArg): string {
    return `REGEXP_CONTAINS(${text}, ${re.sql})`;
  }

  protected override regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement})`;
  }

  /**
   * REGEXP_EXTRACT returns the pattern's only capturing group, or the whole match when it has
   * none: a literal pattern is re-written with just the wanted group capturing.
   */
  protected override regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    if (pattern.k === 'lit' && typeof pattern.value === 'string')
      return `REGEXP_EXTRACT(${text}, ${this.regex(pattern, w, { onlyGroup: group }).sql})`;
    if (group > 0)
      w.unsupported(
        'regexp_extract of a group needs the pattern written as a literal (REGEXP_EXTRACT takes the only group of its pattern)',
        'write the pattern in the expression, or extract the whole match (no group argument)',
      );
    // A pattern with a group of its own then fails in BigQuery ("more than 1 capturing group").
    return `REGEXP_EXTRACT(${text}, CONCAT('(', ${w.expr(pattern)}, ')'))`;
  }

  /**
   * BigQuery's PERCENTILE_CONT is analytic only; as an aggregate the group's sorted values go into
   * one array and the two nearest are interpolated as PostgreSQL and DuckDB do (exact, but a group
   * must fit in one row, about 100 MB).
   */
  protected override percentile(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    const x = asDouble(c.args[0]!, w);
    const sorted = `ARRAY_AGG(${x} IGNORE NULLS ORDER BY ${x})`;
    const pos = `(${percentileOf(c)} * (COUNT(${x}) - 1))`;
    const at = (round: string) => `${sorted}[SAFE_OFFSET(CAST(${round}(${pos}) AS INT64))]`;
    return `(${at('FLOOR')} + (${at('CEIL')} - ${at('FLOOR')}) * (${pos} - FLOOR(${pos})))`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    avg: AVG_AS_RESULT.windowed,
    median: percentileOverPartition(analyticPercentile),
    percentile_cont: percentileOverPartition(analyticPercentile),
    ...BIGQUERY_SPATIAL_WINDOWED,
  };

  override concatOperator(parts: string[], w: SqlWriter): string {
    // `||` rejects an untyped NULL operand ("Operands of || cannot be literal NULL").
    return super.concatOperator(
      parts.map((p) => (p === 'NULL' ? `CAST(NULL AS ${w.type(T.string)})` : p)),
      w,
    );
  }

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...BIGQUERY_SPATIAL,
      current_date: () => 'CURRENT_DATE()',
      current_timestamp: () => 'CURRENT_TIMESTAMP()',
      date_trunc: (c, w) => {
        const unit = unitOf(c.args[0]);
        const x = c.args[1]!;
        const fn =
          x.type.kind === 'date'
            ? 'DATE_TRUNC'
            : x.type.kind === 'timestamptz'
              ? 'TIMESTAMP_TRUNC'
              : 'DATETIME_TRUNC';
        return `${fn}(${w.expr(x)}, ${this.part(unit)})`;
      },
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (isInteger(a.type) && isInteger(b.type)) return `DIV(${w.expr(a)}, ${w.divisor(b)})`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS INT64)`;
      },
      sign: (c, w) => `CAST(SIGN(${w.expr(c.args[0]!)}) AS ${w.type(T.int)})`,
      power: plain('POWER'),
      // No PI() or RADIANS/DEGREES in BigQuery; ACOS(-1) is π to the last bit.
      pi: () => 'ACOS(-1)',
      radians: (c, w) =>
        c.args[0]!.type.kind === 'null' ? typedNull(c, w) : `(${w.operand(c.args[0]!)} * (ACOS(-1) / 180))`,
      degrees: (c, w) =>
        c.args[0]!.type.kind === 'null' ? typedNull(c, w) : `(${w.operand(c.args[0]!)} * (180 / ACOS(-1)))`,
      count_if: aggregate('COUNTIF'),
      // Appending n - 1 delimiters makes the n-th field exist ('' past the end, like SPLIT_PART).
      split_part: (c, w) => {
        const [text, delim, n] = c.args as [SqlExpr, SqlExpr, SqlExpr & { value: number }];
        const d = String((delim as { value: unknown }).value);
        const padded =
          n.value > 1 ? `CONCAT(${w.expr(text)}, ${w.string(d.repeat(n.value - 1))})` : w.expr(text);
        return `SPLIT(${padded}, ${w.expr(delim)})[OFFSET(${n.value - 1})]`;
      },
      // SUBSTR fails on a negative length; the portable meaning is empty text.
      substr: substrNonNegativeLength,
      mod: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (a.type.kind !== 'double' && b.type.kind !== 'double') return `MOD(${w.expr(a)}, ${w.divisor(b)})`;
        // MOD takes INT64, NUMERIC and BIGNUMERIC only; the remainder keeps the sign of a.
        const x = w.operand(a);
        const y = `${w.divisor(b)}`;
        return `(${x} - ${y} * TRUNC(${x} / ${y}))`;
      },
      // DISTINCT aggregates over a window may not have an ORDER BY (so no running distinct count).
      count: distinctUnordered(aggregate('COUNT')),
      sum: distinctUnordered(aggregate('SUM')),
      avg: AVG_AS_RESULT.plain,
    };
  }

  override unnestFrom(source: string, array: string, alias: string): string {
    return `${source}\nCROSS JOIN UNNEST(${array}) AS ${alias}`;
  }

  override unnestedValue(alias: string): string {
    return alias;
  }

  protected override tableHints(hints: TableHints | undefined, w: SqlWriter): string {
    if (!hints) return '';
    let out = '';
    const p = hints.partitionBy;
    if (p) {
      const col = w.ident(p.name);
      if (p.type.kind === 'date') out += `\nPARTITION BY ${col}`;
      else if (p.type.kind === 'timestamp') out += `\nPARTITION BY DATETIME_TRUNC(${col}, DAY)`;
      else if (p.type.kind === 'timestamptz') out += `\nPARTITION BY DATE(${col})`;
      else w.unsupported(`partitionBy needs a date or timestamp column; "${p.name}" is ${p.type.kind}`);
    }
    if (hints.clusterBy?.length) out += `\nCLUSTER BY ${hints.clusterBy.map((c) => w.ident(c)).join(', ')}`;
    return out;
  }
}

const analyticPercentile: FunctionRenderer = (c, w) =>
  `PERCENTILE_CONT(${asDouble(c.args[0]!, w)}, ${percentileOf(c)})`;

function distinctUnordered(render: FunctionRenderer): FunctionRenderer {
  return (c, w) => {
    if (c.distinct && c.over?.orderBy.length)
      w.unsupported(
        `${c.name}(DISTINCT …) over an ordered window is not available`,
        'drop the window orderBy, or count with an aggregate node and join the result back',
      );
    return render(c, w);
  };
}

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * GoogleSQL quoting: a backslash escapes the quote and itself, and a quoted string or identifier
 * may not contain a raw line break, so control characters are written as escapes.
 */
function quoted(text: string, quote: "'" | '`'): string {
  // eslint-disable-next-line no-control-regex
  const body = text.replace(/[\\'`\x01-\x1f\x7f]/g, (c) => {
    if (c === '\\' || c === quote) return `\\${c}`;
    if (c === "'" || c === '`') return c;
    return CONTROL_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `${quote}${body}${quote}`;
}
