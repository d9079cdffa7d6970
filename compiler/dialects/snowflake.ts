import { T, type PortableType } from '../schema/types.js';
import type { SqlExpr, TableHints } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { DateUnit } from '../expr/functions.js';
import type { DateFormatFlavor } from '../expr/date-format.js';
import { snowflakeGroupNumbers, type PortablePattern, type RegexFlavor } from '../expr/regex.js';
import {
  Dialect,
  aggregate,
  castToResult,
  percentileOverPartition,
  plain,
  unitSql,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { SNOWFLAKE_SPATIAL, SNOWFLAKE_SPATIAL_WINDOWED } from './spatial-snowflake.js';

// AVG and STDDEV_SAMP of NUMBER are NUMBER in Snowflake; edgeflow types them double everywhere.
const notDouble = (c: SqlExpr & { k: 'fn' }) => c.args[0]?.type.kind !== 'double';
const AS_RESULT = {
  avg: castToResult(aggregate('AVG'), notDouble),
  stddev: castToResult(aggregate('STDDEV_SAMP'), notDouble),
};

/**
 * Snowflake. https://docs.snowflake.com/en/sql-reference/identifiers-syntax
 * Unquoted names are stored upper-case, so `amount` is the column AMOUNT. Weeks start on Monday
 * and DAYOFWEEKISO is ISO only with the session parameter WEEK_START = 0 or 1 (the default 0
 * behaves as ISO); the connector pins WEEK_START = 1.
 */
export class SnowflakeDialect extends Dialect {
  readonly name = 'snowflake' as const;
  readonly title = 'Snowflake';
  readonly foldUnquoted = 'upper' as const;
  protected readonly unquotedName = /^[A-Z_][A-Z0-9_]*$/;
  protected override randomFunction = 'UNIFORM(0::FLOAT, 1::FLOAT, RANDOM())';
  readonly caps: DialectCapabilities = {
    qualify: true,
    qualifyNeedsWhere: false,
    createOrReplaceTable: true,
    merge: true,
    transactionalDdl: false, // DDL commits the open transaction
    exceptColumns: 'EXCLUDE',
    rangeFrameOffsets: false,
    ilike: true,
    integerDivisionTruncates: false, // `/` of integers returns a NUMBER with scale
    createSchema: true,
    maxIdentifierLength: 255,
    partitionHint: false,
    clusterHint: true,
  };

  override stringLiteral(s: string): string {
    // Single-quoted strings interpret backslash escapes; line breaks and tabs are written as
    // escapes too, so a statement stays one line per line of SQL.
    const escaped = s.replace(/[\\\n\r\t]/g, (c) => SNOWFLAKE_ESCAPES[c]!);
    return super.stringLiteral(escaped);
  }

  // edgeflow's LIKE patterns escape `%`, `_` and `\` with a backslash; ESCAPE says so whatever
  // Snowflake's default (the backslash is written '\\' in a Snowflake string).
  protected override readonly likeEscapeClause = " ESCAPE '\\\\'";

  override divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    // NUMBER / NUMBER keeps only a few decimals (1 / 3 is 0.333333); `/` is a double.
    if (left.type.kind === 'double' || right.type.kind === 'double') return super.divide(left, right, w);
    return `${this.cast(w.expr(left), left.type, T.double, w)} / ${w.divisor(right)}`;
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    // GEOGRAPHY's text is GeoJSON by default (GEOGRAPHY_OUTPUT_FORMAT); the portable text is WKT.
    if (from.kind === 'geography' && to.kind === 'string') return `ST_ASWKT(${sql})`;
    if (from.kind === 'string' && to.kind === 'geography') return `TO_GEOGRAPHY(${sql})`;
    return super.cast(sql, from, to, w);
  }

  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `CAST(${w.string(iso.replace('T', ' '))} AS TIMESTAMP_NTZ)`;
  }

  protected readonly typeNames = {
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    string: 'VARCHAR',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP_NTZ',
    timestamptz: 'TIMESTAMP_TZ',
    geography: 'GEOGRAPHY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `NUMBER(${Math.min(precision, 38)},${Math.min(scale, 37)})`;
  }

  placeholder(index: number): string {
    return `:${index}`;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `MD5(TO_VARCHAR(HASH(${w.ident(alias)}.*)) || ${w.string(String(seed))})`;
  }

  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const fn = {
      week: 'WEEKISO',
      dow: 'DAYOFWEEKISO',
      isodow: 'DAYOFWEEKISO',
      isoyear: 'YEAROFWEEKISO',
      doy: 'DAYOFYEAR',
    }[part];
    return fn ? `${fn}(${x})` : `EXTRACT(${part.toUpperCase()} FROM ${x})`;
  }

  protected override dateAdd(
    x: SqlExpr,
    n: SqlExpr,
    unit: DateUnit,
    result: PortableType,
    w: SqlWriter,
  ): string {
    const sql = `DATEADD(${unitSql(unit)}, ${w.expr(n)}, ${w.expr(x)})`;
    return result.kind === x.type.kind ? sql : `CAST(${sql} AS ${w.type(result)})`;
  }

  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    return `DATEDIFF(${unitSql(unit)}, ${w.expr(a)}, ${w.expr(b)})`;
  }

  protected override readonly dateFormatFlavor: DateFormatFlavor = 'snowflake';
  protected override readonly regexFlavor: RegexFlavor = 'snowflake';

  // REGEXP_LIKE anchors the pattern at both ends; REGEXP_INSTR finds it anywhere. (?i) is the 'i' parameter.
  protected override regexMatch(text: string, re: RegexArg): string {
    return `(REGEXP_INSTR(${text}, ${re.sql}${re.caseInsensitive ? ", 1, 1, 0, 'i'" : ''}) > 0)`;
  }

  protected override groupNumber(pattern: PortablePattern | undefined, group: number): number {
    return (pattern && snowflakeGroupNumbers(pattern).get(group)) ?? group;
  }

  protected override regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    const re = this.regex(pattern, w);
    const i = re.caseInsensitive ? 'i' : '';
    if (group > 0)
      return `REGEXP_SUBSTR(${text}, ${re.sql}, 1, 1, '${i}e', ${this.groupNumber(re.pattern, group)})`;
    return `REGEXP_SUBSTR(${text}, ${re.sql}${i ? ", 1, 1, 'i'" : ''})`;
  }

  protected override regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement}${re.caseInsensitive ? ", 1, 0, 'i'" : ''})`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    avg: AS_RESULT.avg.windowed,
    stddev: AS_RESULT.stddev.windowed,
    median: percentileOverPartition((c, w) => this.functions['median']!(c, w)),
    percentile_cont: percentileOverPartition((c, w) => this.functions['percentile_cont']!(c, w)),
    ...SNOWFLAKE_SPATIAL_WINDOWED,
  };

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...SNOWFLAKE_SPATIAL,
      avg: AS_RESULT.avg.plain,
      stddev: AS_RESULT.stddev.plain,
      string_agg: aggregate('LISTAGG'),
      // NUMBER division is exact in its integer part, so div truncates it rather than a double.
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (a.type.kind === 'double' || b.type.kind === 'double')
          return `CAST(TRUNC(${this.divide(a, b, w)}) AS ${w.type(T.bigint)})`;
        return `CAST(TRUNC(${w.wrap(a, 7)} / ${w.divisor(b)}) AS ${w.type(T.bigint)})`;
      },
      log10: (c, w) => `LOG(10, ${w.expr(c.args[0]!)})`,
      starts_with: plain('STARTSWITH'),
      ends_with: plain('ENDSWITH'),
      count_if: aggregate('COUNT_IF'),
    };
  }

  override unnestFrom(source: string, array: string, alias: string): string {
    return `${source},\nLATERAL FLATTEN(input => ${array}) AS ${alias}`;
  }

  override unnestedValue(alias: string, type: PortableType, w: SqlWriter): string {
    // FLATTEN's value is a VARIANT.
    return `CAST(${alias}.value AS ${w.type(type)})`;
  }

  protected override tableHints(hints: TableHints | undefined, w: SqlWriter): string {
    if (!hints?.clusterBy?.length) return '';
    return `\nCLUSTER BY (${hints.clusterBy.map((c) => w.ident(c)).join(', ')})`;
  }
}

const SNOWFLAKE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
