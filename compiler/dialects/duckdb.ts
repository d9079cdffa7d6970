import { T, isInteger, type PortableType } from '../schema/types.js';
import type { DateUnit } from '../expr/functions.js';
import type { SampleQuery, SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { DateFormatFlavor } from '../expr/date-format.js';
import {
  Dialect,
  asDouble,
  percentileOf,
  substrNonNegativeLength,
  typedDollarPlaceholder,
  aggregate,
  castToResult,
  nullIfAnyNull,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { DUCKDB_SPATIAL, DUCKDB_SPATIAL_WINDOWED } from './spatial-duckdb.js';

// SUM of integers is HUGEINT in DuckDB; edgeflow's sum of integers is a bigint.
const sumAsBigint = castToResult(aggregate('SUM'), (c) => isInteger(c.args[0]?.type ?? T.double));

/** DuckDB 1.x, the embedded default. https://duckdb.org/docs/sql/introduction */
export class DuckDbDialect extends Dialect {
  readonly name = 'duckdb' as const;
  readonly title = 'DuckDB';
  readonly foldUnquoted = 'none' as const; // case-insensitive, case-preserving
  protected override readonly caseInsensitiveNames = true;
  protected readonly unquotedName = /^[a-z_][a-z0-9_]*$/;
  readonly caps: DialectCapabilities = {
    qualify: true,
    qualifyNeedsWhere: false,
    createOrReplaceTable: true,
    merge: true, // MERGE INTO since 1.4
    transactionalDdl: true,
    exceptColumns: 'EXCLUDE',
    cteInlineHint: true,
    semiJoin: true,
    rangeFrameOffsets: true,
    ilike: true,
    integerDivisionTruncates: false, // `/` is true division; `//` is integer division
    createSchema: true,
    maxIdentifierLength: 1024,
    partitionHint: false,
    clusterHint: false,
    spatialPrefilter: true,
  };

  protected readonly typeNames = {
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    string: 'VARCHAR',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    geography: 'GEOMETRY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `DECIMAL(${Math.min(precision, 38)},${Math.min(scale, 38)})`;
  }

  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    return typedDollarPlaceholder(index, type, w);
  }

  // DuckDB's LIKE has no default escape character; edgeflow's patterns escape with a backslash.
  protected override readonly likeEscapeClause = " ESCAPE '\\'";

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    // DuckDB writes a whole double as `100.0`; PostgreSQL, BigQuery and Snowflake write `100`
    // (and switch to `1e+15` notation from 10^15 on, where DuckDB's own text is used).
    if (from.kind === 'double' && to.kind === 'string') {
      const x = `(${sql})`;
      return `CASE WHEN ${x} = TRUNC(${x}) AND ABS(${x}) < 1e15 THEN CAST(CAST(${x} AS BIGINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END`;
    }
    // GEOMETRY's own text is `POINT (1 2)`; geography's text is WKT as the other warehouses write it.
    if (from.kind === 'geography' && to.kind === 'string') return `edgeflow_st_astext(${sql})`;
    if (from.kind === 'string' && to.kind === 'geography')
      return `edgeflow_st_geogfromtext(${sql}, ${w.string(w.relation ?? '')})`;
    return super.cast(sql, from, to, w);
  }

  override windowOrderBy(items: string[], fn: SqlExpr & { k: 'fn' }): string[] {
    // DuckDB 1.5 rewrites a filter `row_number() OVER (… ORDER BY x) <= 1` into
    // arg_max_nulls_last(…, x) (optimizer top_n_window_elimination), which picks the wrong row
    // when x is DECIMAL and a group's first value is NULL. A constant second key changes no
    // order and keeps the plain window.
    return fn.name === 'row_number' && items.length === 1 ? [...items, 'NULL'] : items;
  }

  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    // DuckDB's date_diff('week', …) counts whole 7-day spans; edgeflow counts the Mondays crossed.
    if (unit === 'week')
      return `(DATE_DIFF('day', DATE_TRUNC('week', ${w.expr(a)}), DATE_TRUNC('week', ${w.expr(b)})) // 7)`;
    return super.dateDiff(unit, a, b, w);
  }

  protected override readonly dateFormatFlavor: DateFormatFlavor = 'strftime';

  protected override formatDate(x: SqlExpr, format: string, w: SqlWriter): string {
    return `STRFTIME(${w.expr(x)}, ${w.string(format)})`;
  }

  // regexp_matches finds a match anywhere (regexp_full_match anchors).
  protected override regexMatch(text: string, re: RegexArg): string {
    return `REGEXP_MATCHES(${text}, ${re.sql})`;
  }

  protected override regexExtract(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    // regexp_extract gives '' without a match; the portable meaning is null.
    const [text, pattern, g] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
    const re = this.regex(pattern, w);
    const x = w.expr(text);
    const group = g ? `, ${w.expr(g)}` : '';
    return `CASE WHEN ${this.regexMatch(x, re)} THEN REGEXP_EXTRACT(${x}, ${re.sql}${group}) END`;
  }

  // quantile_cont is exact (approx_quantile is the estimate).
  protected override percentile(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    return `QUANTILE_CONT(${asDouble(c.args[0]!, w)}, ${percentileOf(c)})`;
  }

  override sample(q: SampleQuery, w: SqlWriter): string {
    // Native sampling works on any relation, CTEs included.
    const seed = q.spec.seed === undefined ? '' : `, ${q.spec.seed}`;
    const how =
      'rows' in q.spec
        ? `${q.spec.rows} ROWS (reservoir${seed})`
        : `${q.spec.percent} PERCENT (bernoulli${seed})`;
    return `SELECT *\nFROM ${w.from(q.from)}\nUSING SAMPLE ${how}`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    sum: sumAsBigint.windowed,
    ...DUCKDB_SPATIAL_WINDOWED,
  };

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...DUCKDB_SPATIAL,
      sum: sumAsBigint.plain,
      // DuckDB's GREATEST/LEAST skip nulls; the portable meaning is null when any argument is null.
      greatest: nullIfAnyNull('GREATEST'),
      least: nullIfAnyNull('LEAST'),
      // A negative length is empty text (DuckDB would take the characters before start).
      substr: substrNonNegativeLength,
      div: (c, w) => {
        const [a, b] = c.args as [typeof c, typeof c];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(${w.wrap(a, 7)} // ${w.divisor(b)} AS ${w.type(T.bigint)})`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS ${w.type(T.bigint)})`;
      },
    };
  }
}
