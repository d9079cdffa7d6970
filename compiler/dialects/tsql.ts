import { parseDateFormat } from '../expr/date-format.js';
import type { DateUnit } from '../expr/functions.js';
import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SampleQuery, SqlExpr, Statement, WithQuery } from '../sql/ast.js';
import { indent, type SqlWriter } from '../sql/writer.js';
import {
  Dialect,
  asDouble,
  leftOrRight,
  percentileOf,
  unitDomain,
  unitOf,
  type DialectCapabilities,
  type FunctionRenderer,
  type WindowedRenderer,
} from './dialect.js';
import { integerLiteral, nonNegativeLiteral, roundDouble } from './postgres.js';
import { TSQL_SPATIAL, TSQL_SPATIAL_PREDICATES, TSQL_SPATIAL_WINDOWED, methodOn } from './spatial-tsql.js';

/**
 * T-SQL's reserved keywords (https://learn.microsoft.com/sql/t-sql/language-elements/reserved-keywords-transact-sql)
 * beyond the shared list, plus `raw` (FOR XML RAW: the grammars-v4 T-SQL parser refuses it as a CTE
 * name). Bracketing a word that needs none is harmless.
 */
const TSQL_RESERVED: ReadonlySet<string> = new Set(
  `add all alter and any as asc authorization backup begin between break browse bulk by cascade case check
  checkpoint close clustered coalesce collate column commit compute constraint contains containstable continue
  convert create cross current current_date current_time current_timestamp current_user cursor database dbcc
  deallocate declare default delete deny desc disk distinct distributed double drop dump else end errlvl escape
  except exec execute exists exit external fetch file fillfactor for foreign freetext freetexttable from full
  function goto grant group having holdlock identity identity_insert identitycol if in index inner insert
  intersect into is join key kill left like lineno load merge national nocheck nonclustered not null nullif of
  off offsets on open opendatasource openquery openrowset openxml option or order outer over percent pivot plan
  precision primary print proc procedure public raiserror read readtext reconfigure references replication
  restore restrict return revert revoke right rollback rowcount rowguidcol rule save schema securityaudit select
  semantickeyphrasetable semanticsimilaritydetailstable semanticsimilaritytable session_user set setuser shutdown
  some statistics system_user table tablesample textsize then to top tran transaction trigger truncate
  try_convert tsequal union unique unpivot update updatetext use user values varying view waitfor when where
  while with within writetext raw`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * A binary collation: code-point comparison, so LIKE, REPLACE and starts_with are case-sensitive
 * whatever the database's (usually case-insensitive) default collation is.
 */
const BINARY = 'Latin1_General_100_BIN2';
/** Monday, 1 January 1900: the base for week arithmetic that does not depend on @@DATEFIRST. */
const MONDAY = "'19000101'";
const TIMESTAMP = 'DATETIME2(6)';
/** Temporary tables a Synapse INSERT or merge stages its query in (CTEs cannot precede them there). */
const STAGE = '#ef_src';

/** The number of characters, trailing spaces included (LEN ignores them). */
function charLength(sql: string): string {
  return `(LEN(${sql} + N'x') - 1)`;
}

/** Functions that need an ORDER BY in OVER (…): T-SQL refuses them without one. */
const ORDERED_WINDOW = new Set([
  'row_number',
  'rank',
  'dense_rank',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
]);

/**
 * Microsoft SQL Server 2017 and later, Azure SQL Database, and Azure Synapse dedicated SQL pools
 * (the `synapse` connection option). https://learn.microsoft.com/sql/t-sql/language-reference
 *
 * T-SQL differs from the ANSI base where edgeflow's meanings need bridging:
 * - no boolean values: a predicate used as a value is `CASE WHEN p THEN CAST(1 AS BIT) WHEN NOT (p)
 *   THEN CAST(0 AS BIT) END`, a BIT used as a condition is `x = 1` (SqlWriter.condition);
 * - `int / int` truncates (true division casts to FLOAT); `%` is the only modulo;
 * - NULLs sort first ascending and there is no NULLS FIRST/LAST: an `IS NULL` key goes first;
 * - no LIMIT: `TOP (n)`, or `OFFSET … ROWS FETCH NEXT … ROWS ONLY` (which needs an ORDER BY), and an
 *   ORDER BY inside a CTE or subquery needs one of them (`OFFSET 0 ROWS`);
 * - `+` concatenates text and is null when a part is (CONCAT would skip nulls);
 * - LEN ignores trailing spaces; LIKE and REPLACE follow the (case-insensitive) collation and LIKE
 *   reads `[…]` as a class: all bridged with a binary collation and escapes;
 * - DATEDIFF counts boundaries (as date_diff does) but weeks start on Sunday: shifted a day;
 * - no CREATE OR REPLACE TABLE: SELECT … INTO beside the target, DROP, then sp_rename, in one
 *   transaction (DDL is transactional); Synapse: CTAS, then RENAME OBJECT, not in a transaction.
 *
 * Stated differences (not bridged): `=` and GROUP BY follow the column's collation (usually
 * case-insensitive, trailing spaces ignored); doubles cast to text with 17 digits (style 3); month
 * and day names follow the session language. Checked by compiler/dialects/tsql.test.ts (exact
 * text) and tsql-grammar.test.ts (the grammars-v4 T-SQL parser); never run against a server here.
 */
export class TsqlDialect extends Dialect {
  readonly name = 'tsql' as const;
  get title(): string {
    return this.options.synapse ? 'Azure Synapse (dedicated SQL pool)' : 'Microsoft SQL Server';
  }
  readonly foldUnquoted = 'none' as const;
  protected readonly unquotedName = /^[A-Za-z_][A-Za-z0-9_]*$/;
  /** Default collations are case-insensitive: `Orders` and `orders` are one table. */
  protected override readonly caseInsensitiveNames: boolean = true;
  override readonly currentTimestampSql: string = 'SYSDATETIME()';
  override readonly booleanValues: boolean = false;
  override readonly orderedSetOperandAsSubquery: boolean = true;
  override readonly predicateFunctions: ReadonlySet<string> = new Set([
    'starts_with',
    'ends_with',
    ...TSQL_SPATIAL_PREDICATES,
  ]);

  get caps(): DialectCapabilities {
    const synapse = Boolean(this.options.synapse);
    return {
      qualify: false,
      qualifyNeedsWhere: false,
      createOrReplaceTable: false,
      merge: true,
      // SQL Server: DDL commits or rolls back with the transaction. Synapse: RENAME OBJECT and CTAS
      // cannot run inside a user transaction.
      transactionalDdl: !synapse,
      exceptColumns: false,
      windowDistinct: false,
      rangeFrameOffsets: false, // RANGE takes UNBOUNDED and CURRENT ROW only
      ilike: false,
      integerDivisionTruncates: true,
      createSchema: true,
      maxIdentifierLength: 128,
      partitionHint: false,
      clusterHint: false,
    };
  }

  // ---------------------------------------------------------------- names and literals
  override quoteIdent(name: string): string {
    const plain = super.quoteIdent(name);
    if (!plain.startsWith('"') && !TSQL_RESERVED.has(name.toLowerCase())) return plain;
    return `[${name.replace(/]/g, ']]')}]`;
  }

  /** `[dbo].[Odd ]]name]` as well as `"dbo"."x"` and `dbo.x`. */
  override parseTableName(text: string): string[] | string {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '"') {
        const end = closing(text, i, '"');
        if (end < 0) return `unterminated quote in table name ${JSON.stringify(text)}`;
        out += text.slice(i, end + 1);
        i = end;
      } else if (text[i] === '[') {
        const end = closing(text, i, ']');
        if (end < 0) return `unterminated [ in table name ${JSON.stringify(text)}`;
        const value = text.slice(i + 1, end).replace(/]]/g, ']');
        out += `"${value.replace(/"/g, '""')}"`;
        i = end;
      } else out += text[i];
    }
    return super.parseTableName(out);
  }

  /** N'…': text is NVARCHAR (a '…' literal would be VARCHAR in the database's code page). */
  override stringLiteral(s: string): string {
    return `N${super.stringLiteral(s)}`;
  }
  override dateLiteral(iso: string, w: SqlWriter): string {
    return `CAST(${w.string(iso)} AS DATE)`;
  }
  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `CAST(${w.string(iso.replace('T', ' '))} AS ${TIMESTAMP})`;
  }
  override booleanLiteral(value: boolean): string {
    return value ? 'CAST(1 AS BIT)' : 'CAST(0 AS BIT)';
  }

  protected get typeNames() {
    return {
      int: 'INT',
      bigint: 'BIGINT',
      double: 'FLOAT',
      // Synapse's clustered columnstore tables take no NVARCHAR(MAX).
      string: this.options.synapse ? 'NVARCHAR(4000)' : 'NVARCHAR(MAX)',
      bool: 'BIT',
      date: 'DATE',
      timestamp: TIMESTAMP,
      timestamptz: 'DATETIMEOFFSET(6)',
      geography: 'GEOGRAPHY',
    } as const;
  }

  protected override decimalTypeName(precision: number, scale: number): string {
    return `DECIMAL(${Math.min(precision, 38)},${Math.min(scale, 38)})`;
  }

  /** `@p1`, `@p2`…: the connector binds them by those names. */
  placeholder(index: number): string {
    return `@p${index}`;
  }

  override numberLiteral(text: string, type: PortableType, w: SqlWriter): string {
    // 1.5 is a DECIMAL and 3000000000 a NUMERIC(10,0) in T-SQL.
    if (type.kind === 'double' && !/e/i.test(text)) return `CAST(${text} AS ${w.type(type)})`;
    if (type.kind === 'bigint' && Math.abs(Number(text.replace(/[()]/g, ''))) > 2147483647)
      return `CAST(${text} AS BIGINT)`;
    return text;
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    if (this.options.synapse && (from.kind === 'geography' || to.kind === 'geography'))
      w.unsupported(
        'geography is not available on Azure Synapse dedicated SQL pools: they have no geography type',
        'run spatial workflows on a SQL Server or Azure SQL connection, or on DuckDB, PostgreSQL, BigQuery or Snowflake',
      );
    if (from.kind === 'geography' && to.kind === 'string') return methodOn(sql, 'STAsText');
    if (from.kind === 'string' && to.kind === 'geography') return `geography::STGeomFromText(${sql}, 4326)`;
    if (from.kind === 'bool' && to.kind === 'string')
      return `CASE ${sql} WHEN 1 THEN N'true' WHEN 0 THEN N'false' END`;
    if (from.kind === 'double' && to.kind === 'string') return `CONVERT(${w.type(to)}, ${sql}, 3)`;
    return super.cast(sql, from, to, w);
  }

  // ---------------------------------------------------------------- operators
  override concatOperator(parts: string[]): string {
    // `+` is null when a part is null (CONCAT_NULL_YIELDS_NULL, always on since SQL Server 2017's
    // deprecation of the OFF setting); CONCAT would treat null as ''.
    return parts.join(' + ');
  }

  override like(arg: SqlExpr, pattern: SqlExpr, negated: boolean, ci: boolean, w: SqlWriter): string {
    const not = negated ? 'NOT ' : '';
    let p: string;
    let escape = true;
    if (pattern.k === 'lit' && typeof pattern.value === 'string') {
      // `[` starts a character class in T-SQL's LIKE: escaped, as the portable pattern means it.
      const text = pattern.value.replace(/\[/g, '\\[');
      escape = text.includes('\\');
      p = w.string(text);
    } else p = `REPLACE(${w.expr(pattern)}, N'[', N'\\[')`;
    const x = ci ? `LOWER(${w.expr(arg)})` : w.operand(arg);
    if (ci) p = `LOWER(${p})`;
    return `${x} COLLATE ${BINARY} ${not}LIKE ${p}${escape ? " ESCAPE N'\\'" : ''}`;
  }

  /** NULLS LAST ascending and NULLS FIRST descending need an IS NULL key first. */
  override orderItem(sql: string, desc: boolean, nulls: 'first' | 'last'): string {
    const item = `${sql}${desc ? ' DESC' : ''}`;
    if (!desc && nulls === 'last') return `CASE WHEN ${sql} IS NULL THEN 1 ELSE 0 END, ${item}`;
    if (desc && nulls === 'first') return `CASE WHEN ${sql} IS NULL THEN 0 ELSE 1 END, ${item}`;
    return item;
  }

  /** `TOP (n)` when nothing is skipped (valid with or without ORDER BY, in a CTE too). */
  override selectTop(limit: number | undefined, offset: number | undefined): string {
    return limit !== undefined && (!offset || limit === 0) ? `TOP (${limit}) ` : '';
  }

  override limitClause(limit: number | undefined, offset: number | undefined, ordered?: boolean): string[] {
    if (limit !== undefined && (!offset || limit === 0)) return [];
    if (offset) {
      const fetch = limit !== undefined ? ` FETCH NEXT ${limit} ROWS ONLY` : '';
      // OFFSET needs an ORDER BY; without one the rows skipped are any rows, as elsewhere.
      return [...(ordered ? [] : ['ORDER BY (SELECT NULL)']), `OFFSET ${offset} ROWS${fetch}`];
    }
    // An ORDER BY inside a CTE or a subquery is refused without TOP or OFFSET.
    return ordered ? ['OFFSET 0 ROWS'] : [];
  }

  // ---------------------------------------------------------------- functions
  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const isoDow = `((DATEPART(WEEKDAY, ${x}) + @@DATEFIRST + 5) % 7 + 1)`;
    let sql: string;
    switch (part) {
      case 'dow':
      case 'isodow':
        sql = isoDow;
        break;
      case 'week':
        sql = `DATEPART(ISO_WEEK, ${x})`;
        break;
      case 'doy':
        sql = `DATEPART(DAYOFYEAR, ${x})`;
        break;
      case 'isoyear':
        // The year of the week's Thursday.
        sql = `DATEPART(YEAR, DATEADD(DAY, 4 - ${isoDow}, ${x}))`;
        break;
      default:
        sql = `DATEPART(${part.toUpperCase()}, ${x})`;
    }
    return `CAST(${sql} AS BIGINT)`;
  }

  private dateTrunc(unit: DateUnit, arg: SqlExpr, result: PortableType, w: SqlWriter): string {
    const x = w.expr(arg);
    const day = `CAST(${x} AS DATE)`;
    let sql: string;
    switch (unit) {
      case 'year':
      case 'quarter':
      case 'month': {
        const u = unit.toUpperCase();
        sql = `DATEADD(${u}, DATEDIFF(${u}, ${MONDAY}, ${x}), CAST(${MONDAY} AS ${TIMESTAMP}))`;
        break;
      }
      case 'week': {
        // 1900-01-01 was a Monday; ((n % 7) + 7) % 7 is the days since Monday, before 1900 too.
        const days = `DATEDIFF(DAY, ${MONDAY}, ${x})`;
        sql = `DATEADD(DAY, -((${days} % 7 + 7) % 7), ${day})`;
        break;
      }
      case 'day':
        sql = day;
        break;
      default: {
        // Counted from the day's start, so minutes and seconds cannot overflow DATEADD's INT.
        const u = unit.toUpperCase();
        const start = `CAST(${day} AS ${TIMESTAMP})`;
        sql = `DATEADD(${u}, DATEDIFF(${u}, ${start}, ${x}), ${start})`;
      }
    }
    return `CAST(${sql} AS ${w.type(result)})`;
  }

  protected override dateAdd(
    x: SqlExpr,
    n: SqlExpr,
    unit: DateUnit,
    result: PortableType,
    w: SqlWriter,
  ): string {
    // DATEADD takes an INT; a time unit on a DATE needs a DATETIME2 first. Months keep the day, or
    // the month's last day (31 Jan + 1 month = 29 Feb), as the other dialects do.
    const amount = n.type.kind === 'int' || n.k === 'lit' ? w.expr(n) : `CAST(${w.expr(n)} AS INT)`;
    const base =
      x.type.kind === 'date' && result.kind !== 'date' ? `CAST(${w.expr(x)} AS ${TIMESTAMP})` : w.expr(x);
    return `DATEADD(${unit.toUpperCase()}, ${amount}, ${base})`;
  }

  /** DATEDIFF counts boundaries crossed, as date_diff does; its weeks start on Sunday, so both shift a day. */
  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const big = !this.options.synapse && ['hour', 'minute', 'second'].includes(unit);
    const fn = big ? 'DATEDIFF_BIG' : 'DATEDIFF';
    if (unit === 'week')
      return `CAST(DATEDIFF(WEEK, DATEADD(DAY, -1, ${w.expr(a)}), DATEADD(DAY, -1, ${w.expr(b)})) AS BIGINT)`;
    return `CAST(${fn}(${unit.toUpperCase()}, ${w.expr(a)}, ${w.expr(b)}) AS BIGINT)`;
  }

  /** format_date element by element: FORMAT is CLR-hosted (and absent on Synapse). */
  private formatDateParts(x: SqlExpr, pattern: string, w: SqlWriter): string {
    const parts = parseDateFormat(pattern);
    if (typeof parts === 'string') throw new Error(`internal: ${parts}`);
    const v = x.type.kind === 'null' ? `CAST(NULL AS ${TIMESTAMP})` : w.expr(x);
    const padded = (part: string, n: number) =>
      `RIGHT(N'000' + CAST(DATEPART(${part}, ${v}) AS NVARCHAR(4)), ${n})`;
    const pieces = parts.map((p) => {
      if (!('element' in p)) return w.string(p.text);
      switch (p.element) {
        case 'YYYY':
          return padded('YEAR', 4);
        case 'MM':
          return padded('MONTH', 2);
        case 'DD':
          return padded('DAY', 2);
        case 'HH24':
          return padded('HOUR', 2);
        case 'MI':
          return padded('MINUTE', 2);
        case 'SS':
          return padded('SECOND', 2);
        case 'Month':
          return `DATENAME(MONTH, ${v})`;
        case 'Mon':
          return `LEFT(DATENAME(MONTH, ${v}), 3)`;
        case 'Dy':
          return `LEFT(DATENAME(WEEKDAY, ${v}), 3)`;
      }
    });
    return pieces.length === 1 ? pieces[0]! : `(${pieces.join(' + ')})`;
  }

  /** null when any argument is null (as BigQuery and Snowflake), else the largest (smallest). */
  private extreme(c: SqlExpr & { k: 'fn' }, w: SqlWriter, op: '>=' | '<='): string {
    const args = c.args.map((a) => w.operand(a));
    let best = args[0]!;
    for (const x of args.slice(1)) best = `CASE WHEN ${best} ${op} ${x} THEN ${best} ELSE ${x} END`;
    if (args.length === 1) return best;
    return `CASE WHEN ${args.map((a) => `${a} IS NULL`).join(' OR ')} THEN NULL ELSE ${best} END`;
  }

  /** MIN/MAX take no BIT (nor geography): through TINYINT (WKT). */
  private minMax(name: 'MIN' | 'MAX', c: SqlExpr & { k: 'fn' }, w: SqlWriter, over = ''): string {
    const x = c.args[0]!;
    const tail = over ? ` ${over}` : '';
    if (x.type.kind === 'bool') return `CAST(${name}(CAST(${w.expr(x)} AS TINYINT))${tail} AS BIT)`;
    if (x.type.kind === 'geography' && this.options.synapse)
      w.unsupported(
        `${c.name}() of geography is not available on Azure Synapse dedicated SQL pools: they have no geography type`,
      );
    if (x.type.kind === 'geography')
      return `geography::STGeomFromText(${name}(${this.cast(w.expr(x), x.type, T.string, w)})${tail}, 4326)`;
    return `${name}(${c.distinct ? 'DISTINCT ' : ''}${w.expr(x)})${tail}`;
  }

  private percentileWithin(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    return `PERCENTILE_CONT(${percentileOf(c)}) WITHIN GROUP (ORDER BY ${asDouble(c.args[0]!, w)})`;
  }

  /** `OVER (…)` with `ORDER BY (SELECT NULL)` where T-SQL wants an order and the window has none. */
  private orderedOver(c: SqlExpr & { k: 'fn' }, over: string, w: SqlWriter): string {
    if (!c.over || c.over.orderBy.length) return over;
    const parts: string[] = [];
    if (c.over.partitionBy.length)
      parts.push(`PARTITION BY ${c.over.partitionBy.map((x) => w.expr(x)).join(', ')}`);
    parts.push('ORDER BY (SELECT NULL)');
    const frame = this.windowFrame(c.over, c, w);
    if (frame) parts.push(frame);
    return `OVER (${parts.join(' ')})`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    ...Object.fromEntries(
      [...ORDERED_WINDOW].map((name) => [
        name,
        ((c, over, w) =>
          `${this.functions[name]!(c, w)} ${this.orderedOver(c, over, w)}`) as WindowedRenderer,
      ]),
    ),
    min: (c, over, w) => this.minMax('MIN', c, w, over),
    max: (c, over, w) => this.minMax('MAX', c, w, over),
    any_value: (c, over, w) => this.minMax('MAX', c, w, over),
    string_agg: (_c, _over, w) =>
      w.unsupported(
        'string_agg() over a window is not available on SQL Server (STRING_AGG is not a window function)',
        'aggregate with an aggregate node and join the result back',
      ),
    median: (c, over, w) => this.percentileOver(c, over, w),
    percentile_cont: (c, over, w) => this.percentileOver(c, over, w),
    ...TSQL_SPATIAL_WINDOWED,
  };

  private percentileOver(c: SqlExpr & { k: 'fn' }, over: string, w: SqlWriter): string {
    if (c.over?.orderBy.length || c.over?.frame)
      w.unsupported(
        `${c.name}() over an ordered window or a frame is not available (PERCENTILE_CONT takes a whole partition)`,
        'drop the window orderBy and frame',
      );
    return `${this.percentileWithin(c, w)} ${over}`;
  }

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    const unsupported =
      (what: string, why: string, hint: string): FunctionRenderer =>
      (_c, w) =>
        w.unsupported(`${what} is not available on SQL Server: ${why}`, hint);
    const regex = (name: string) =>
      unsupported(
        `${name}()`,
        'T-SQL has no regular-expression functions before SQL Server 2025 (and none on Synapse)',
        'use LIKE patterns, or run the step on a warehouse with regular expressions',
      );
    return {
      ...TSQL_SPATIAL,
      trim: (c, w) => `LTRIM(RTRIM(${w.expr(c.args[0]!)}))`,
      length: (c, w) => `CAST(${charLength(w.operand(c.args[0]!))} AS BIGINT)`,
      substr: (c, w) => {
        const [text, start, length] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
        const x = w.expr(text);
        const at = w.operand(start);
        // A negative start counts from the end; SUBSTRING needs a length (the rest of the text).
        const from = nonNegativeLiteral(start)
          ? at
          : `CASE WHEN ${at} < 0 THEN ${charLength(x)} + ${at} + 1 ELSE ${at} END`;
        const len = !length
          ? `LEN(${x} + N'x')`
          : nonNegativeLiteral(length)
            ? w.expr(length)
            : `CASE WHEN ${w.operand(length)} < 0 THEN 0 ELSE ${w.expr(length)} END`;
        return `SUBSTRING(${x}, ${from}, ${len})`;
      },
      // Case-sensitive (the portable meaning) whatever the collation; the result gets the database's.
      replace: (c, w) =>
        `REPLACE(${w.operand(c.args[0]!)} COLLATE ${BINARY}, ${w.expr(c.args[1]!)}, ${w.expr(c.args[2]!)}) COLLATE DATABASE_DEFAULT`,
      ceil: (c, w) => `CEILING(${w.expr(c.args[0]!)})`,
      ln: (c, w) => `LOG(${w.expr(c.args[0]!)})`,
      power: (c, w) => `POWER(${asDouble(c.args[0]!, w)}, ${w.expr(c.args[1]!)})`,
      radians: (c, w) => `RADIANS(${asDouble(c.args[0]!, w)})`,
      degrees: (c, w) => `DEGREES(${asDouble(c.args[0]!, w)})`,
      atan2: (c, w) => `ATN2(${w.expr(c.args[0]!)}, ${w.expr(c.args[1]!)})`,
      asin: unitDomain('ASIN'),
      acos: unitDomain('ACOS'),
      round: (c, w) => {
        const [x, digits] = c.args;
        const d = digits ? integerLiteral(digits) : 0;
        if (x!.type.kind === 'double') return roundDouble(w.operand(x!), d);
        // ROUND of a DECIMAL or an integer halves away from zero.
        const sql = `ROUND(${w.expr(x!)}, ${d})`;
        return c.type.kind === 'decimal' ? sql : `CAST(${sql} AS ${w.type(c.type)})`;
      },
      mod: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (a.type.kind !== 'double' && b.type.kind !== 'double') return `${w.wrap(a, 7)} % ${w.divisor(b)}`;
        // `%` takes no FLOAT: x - y * trunc(x / y).
        const x = w.operand(a);
        const y = w.divisor(b);
        return `(${x} - ${y} * ROUND(${x} / ${y}, 0, 1))`;
      },
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(${w.wrap(a, 7)} / ${w.divisor(b)} AS BIGINT)`;
        return `CAST(ROUND(${this.divide(a, b, w)}, 0, 1) AS BIGINT)`;
      },
      greatest: (c, w) => this.extreme(c, w, '>='),
      least: (c, w) => this.extreme(c, w, '<='),
      left: leftOrRight('LEFT'),
      right: leftOrRight('RIGHT'),
      starts_with: (c, w) => {
        const [text, prefix] = c.args as [SqlExpr, SqlExpr];
        const n = charLength(w.operand(prefix));
        // Equal lengths first: `=` ignores trailing spaces.
        return `${n} <= ${charLength(w.operand(text))} AND LEFT(${w.expr(text)}, ${n}) COLLATE ${BINARY} = ${w.operand(prefix)}`;
      },
      ends_with: (c, w) => {
        const [text, suffix] = c.args as [SqlExpr, SqlExpr];
        const n = charLength(w.operand(suffix));
        return `${n} <= ${charLength(w.operand(text))} AND RIGHT(${w.expr(text)}, ${n}) COLLATE ${BINARY} = ${w.operand(suffix)}`;
      },
      split_part: unsupported(
        'split_part()',
        'STRING_SPLIT gives no dependable position before SQL Server 2022 (and none on Synapse)',
        'use substr with a position found by a sql node (CHARINDEX), or run the step elsewhere',
      ),
      regexp_like: regex('regexp_like'),
      regexp_replace: regex('regexp_replace'),
      regexp_extract: regex('regexp_extract'),
      format_date: (c, w) =>
        this.formatDateParts(c.args[0]!, String((c.args[1] as { value: unknown }).value), w),
      current_date: () => 'CAST(SYSDATETIME() AS DATE)',
      current_timestamp: () => 'SYSDATETIMEOFFSET()',
      date_trunc: (c, w) => this.dateTrunc(unitOf(c.args[0]), c.args[1]!, c.type, w),
      count: (c, w) =>
        c.star
          ? 'COUNT_BIG(*)'
          : `COUNT_BIG(${c.distinct ? 'DISTINCT ' : ''}${c.args.map((a) => w.expr(a)).join(', ')})`,
      count_if: (c, w) => `COUNT_BIG(CASE WHEN ${w.condition(c.args[0]!)} THEN 1 END)`,
      // SUM of INT is an INT (overflows), AVG of integers an integer (truncated).
      sum: (c, w) => {
        const x = c.args[0]!;
        const arg = isInteger(x.type) ? `CAST(${w.expr(x)} AS BIGINT)` : w.expr(x);
        return `SUM(${c.distinct ? 'DISTINCT ' : ''}${arg})`;
      },
      avg: (c, w) => {
        const x = c.args[0]!;
        const arg = isInteger(x.type) ? `CAST(${w.expr(x)} AS FLOAT)` : w.expr(x);
        return `AVG(${c.distinct ? 'DISTINCT ' : ''}${arg})`;
      },
      stddev: (c, w) => `STDEV(${c.distinct ? 'DISTINCT ' : ''}${asDouble(c.args[0]!, w)})`,
      min: (c, w) => this.minMax('MIN', c, w),
      max: (c, w) => this.minMax('MAX', c, w),
      // MAX is one of the non-null values, and deterministic.
      any_value: (c, w) => this.minMax('MAX', c, w),
      string_agg: (c, w) => {
        if (c.distinct)
          w.unsupported(
            'string_agg(DISTINCT …) is not available on SQL Server',
            'distinct the values first (a distinct node), then aggregate',
          );
        return `STRING_AGG(${w.expr(c.args[0]!)}, ${w.expr(c.args[1]!)})`;
      },
      median: unsupported(
        'median() as an aggregate',
        'PERCENTILE_CONT is a window function only in T-SQL',
        'use a window node with partitionBy (no orderBy), then distinct',
      ),
      percentile_cont: unsupported(
        'percentile_cont() as an aggregate',
        'PERCENTILE_CONT is a window function only in T-SQL',
        'use a window node with partitionBy (no orderBy), then distinct',
      ),
    };
  }

  // ---------------------------------------------------------------- sampling
  override sample(q: SampleQuery, w: SqlWriter): string {
    const alias = w.ident('_s');
    const from = `${w.from(q.from)} AS ${alias}`;
    const seed = q.spec.seed;
    // MD5 of the row's values and the seed, as upper-case hex: repeatable for one seed.
    const hash =
      seed === undefined
        ? ''
        : `CONVERT(VARCHAR(32), HASHBYTES('MD5', CONCAT(${[...q.columns.map((c) => `${alias}.${w.ident(c)}`), w.string(String(seed))].join(", N'|', ")})), 2)`;
    if ('rows' in q.spec)
      return `SELECT TOP (${q.spec.rows}) ${alias}.*\nFROM ${from}\nORDER BY ${seed === undefined ? 'NEWID()' : hash}`;
    const fraction = q.spec.percent / 100;
    if (fraction >= 1) return `SELECT ${alias}.*\nFROM ${from}`;
    if (seed === undefined)
      return `SELECT ${alias}.*\nFROM ${from}\nWHERE RAND(CHECKSUM(NEWID())) < ${fraction}`;
    const threshold = Math.min(0xffffffff, Math.floor(fraction * 0x100000000))
      .toString(16)
      .padStart(8, '0')
      .toUpperCase();
    return `SELECT ${alias}.*\nFROM ${from}\nWHERE SUBSTRING(${hash}, 1, 8) < '${threshold}'`;
  }

  // ---------------------------------------------------------------- statements
  override statement(s: Statement, w: SqlWriter): string {
    const synapse = Boolean(this.options.synapse);
    switch (s.kind) {
      case 'create_schema': {
        const name = s.schema[s.schema.length - 1]!;
        return `IF SCHEMA_ID(${w.string(name)}) IS NULL EXEC(${w.string(`CREATE SCHEMA ${w.ident(name)}`)})`;
      }
      case 'create_table_as': {
        if (synapse)
          return `CREATE TABLE ${w.table(s.table)}\nWITH (DISTRIBUTION = ROUND_ROBIN)\nAS\n${w.withQuery(s.query)}`;
        // SQL Server has no CREATE TABLE … AS: SELECT … INTO, with the CTEs in front.
        const body = `SELECT * INTO ${w.table(s.table)}\nFROM (\n${indent(w.query(s.query.body), 2)}\n) AS ${w.ident('_ef_q')}`;
        return w.withQuery({ ctes: s.query.ctes, body: { kind: 'raw', sql: body } });
      }
      case 'create_table': {
        const cols = s.columns.map((c) => `${w.ident(c.name)} ${w.type(c.type)}`).join(',\n');
        const create = `CREATE TABLE ${w.table(s.table)} (\n${indent(cols, 2)}\n)`;
        return s.ifNotExists ? `${this.ifTable(s.table, false, w)}\n${create}` : create;
      }
      case 'insert': {
        const cols = s.columns.map((c) => w.ident(c)).join(', ');
        if (!synapse) {
          const body = `INSERT INTO ${w.table(s.table)} (${cols})\n${w.query(s.query.body)}`;
          return w.withQuery({ ctes: s.query.ctes, body: { kind: 'raw', sql: body } });
        }
        // Synapse takes no CTE before INSERT: the query is staged in a session temporary table.
        return [
          this.stage(s.query, w),
          `INSERT INTO ${w.table(s.table)} (${cols})\nSELECT ${cols} FROM ${STAGE};`,
          `DROP TABLE ${STAGE};`,
        ].join('\n');
      }
      case 'merge':
        return synapse ? this.upsert(s, w) : this.merge(s, w);
      case 'drop_table':
        return s.ifExists
          ? `${this.ifTable(s.table, true, w)}\nDROP TABLE ${w.table(s.table)}`
          : `DROP TABLE ${w.table(s.table)}`;
      case 'move_table':
        return this.moveTable(s.from, s.to, w);
    }
  }

  /** `IF OBJECT_ID(N'[s].[t]', N'U') IS [NOT] NULL` (no CREATE TABLE IF NOT EXISTS; Synapse has no DROP … IF EXISTS). */
  private ifTable(table: string[], exists: boolean, w: SqlWriter): string {
    return `IF OBJECT_ID(${w.string(w.table(table))}, N'U') IS ${exists ? 'NOT ' : ''}NULL`;
  }

  private stage(query: WithQuery, w: SqlWriter): string {
    return `CREATE TABLE ${STAGE}\nWITH (DISTRIBUTION = ROUND_ROBIN)\nAS\n${w.withQuery(query)};`;
  }

  /** MERGE with the CTEs in front; T-SQL ends a MERGE with `;`. */
  protected override merge(s: Statement & { kind: 'merge' }, w: SqlWriter): string {
    const t = w.ident('_tgt');
    const src = w.ident('_src');
    const on = s.keys.map((k) => `${t}.${w.ident(k)} = ${src}.${w.ident(k)}`).join(' AND ');
    const updates = s.columns.filter((c) => !s.keys.includes(c));
    const lines = [
      `MERGE INTO ${w.table(s.table)} AS ${t}`,
      `USING (\n${indent(w.query(s.query.body), 2)}\n) AS ${src}`,
      `ON ${on}`,
    ];
    if (updates.length)
      lines.push(
        `WHEN MATCHED THEN UPDATE SET ${updates.map((c) => `${w.ident(c)} = ${src}.${w.ident(c)}`).join(', ')}`,
      );
    lines.push(
      `WHEN NOT MATCHED THEN INSERT (${s.columns.map((c) => w.ident(c)).join(', ')}) VALUES (${s.columns.map((c) => `${src}.${w.ident(c)}`).join(', ')});`,
    );
    return w.withQuery({ ctes: s.query.ctes, body: { kind: 'raw', sql: lines.join('\n') } });
  }

  /**
   * Synapse: MERGE is refused for some table types (and takes no CTE), so a merge is an UPDATE of the
   * matches and an INSERT of the rest from the staged query, in one batch (one session).
   */
  private upsert(s: Statement & { kind: 'merge' }, w: SqlWriter): string {
    const target = w.table(s.table);
    const src = w.ident('_src');
    const match = (t: string) => s.keys.map((k) => `${t}.${w.ident(k)} = ${src}.${w.ident(k)}`).join(' AND ');
    const updates = s.columns.filter((c) => !s.keys.includes(c));
    const cols = s.columns.map((c) => w.ident(c)).join(', ');
    const statements = [this.stage(s.query, w)];
    if (updates.length)
      statements.push(
        `UPDATE ${target}\nSET ${updates.map((c) => `${w.ident(c)} = ${src}.${w.ident(c)}`).join(', ')}\nFROM ${STAGE} AS ${src}\nWHERE ${match(target)};`,
      );
    statements.push(
      `INSERT INTO ${target} (${cols})\nSELECT ${s.columns.map((c) => `${src}.${w.ident(c)}`).join(', ')}\nFROM ${STAGE} AS ${src}\nWHERE NOT EXISTS (SELECT 1 FROM ${target} AS ${w.ident('_tgt')} WHERE ${match(w.ident('_tgt'))});`,
      `DROP TABLE ${STAGE};`,
    );
    return statements.join('\n');
  }

  /** sp_rename takes the new name as plain text (brackets would become part of it). */
  protected override moveTable(from: string[], to: string[], w: SqlWriter): string {
    const name = to[to.length - 1]!;
    if (this.options.synapse) return `RENAME OBJECT ${w.table(from)} TO ${w.ident(name)}`;
    return `EXEC sp_rename ${w.string(w.table(from))}, ${w.string(name)}`;
  }
}

/** The index of the quote closing the one at `start` (a doubled quote is part of the name). */
function closing(text: string, start: number, quote: string): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] !== quote) continue;
    if (text[j + 1] === quote) {
      j++;
      continue;
    }
    return j;
  }
  return -1;
}
