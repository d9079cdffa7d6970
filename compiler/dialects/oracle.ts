import { UnsupportedError } from '../diagnostics.js';
import { parseDateFormat, type DateFormatPart } from '../expr/date-format.js';
import type { DateUnit } from '../expr/functions.js';
import { snowflakeGroupNumbers, type PortablePattern, type RegexFlavor } from '../expr/regex.js';
import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SampleQuery, SqlExpr, Statement } from '../sql/ast.js';
import { indent, type SqlWriter } from '../sql/writer.js';
import {
  Dialect,
  aggregate,
  asDouble,
  castToResult,
  percentileOverPartition,
  plain,
  typedNull,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { integerLiteral, nonNegativeLiteral } from './postgres.js';
import { RESERVED_WORDS } from './reserved.js';
import { ORACLE_PREDICATES, ORACLE_SPATIAL, ORACLE_SPATIAL_WINDOWED } from './spatial-oracle.js';

/**
 * Oracle's reserved words (SQL Language Reference 19c, "Oracle SQL Reserved Words", and
 * V$RESERVED_WORDS with RESERVED = 'Y'): a column named LEVEL, SIZE or UID is quoted.
 */
const ORACLE_RESERVED: ReadonlySet<string> = new Set(
  `ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COLUMN_VALUE COMMENT
  COMPRESS CONNECT CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE
  FLOAT FOR FROM GRANT GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT
  INTO IS LEVEL LIKE LOCK LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NESTED_TABLE_ID NOAUDIT NOCOMPRESS NOT
  NOWAIT NULL NUMBER OF OFFLINE ON ONLINE OPTION OR ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW
  ROWID ROWNUM ROWS SELECT SESSION SET SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO
  TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH`
    .split(/\s+/)
    .filter(Boolean),
);

/** The longest name Oracle keeps: 128 bytes since 12.2 (30 before; edgeflow targets 19c). */
export const ORACLE_MAX_NAME_BYTES = 128;

const BYTES = new TextEncoder();

// AVG and STDDEV_SAMP of NUMBER are NUMBER; edgeflow types them double.
const notDouble = (c: SqlExpr & { k: 'fn' }) => c.args[0]?.type.kind !== 'double';
const AS_RESULT = {
  avg: castToResult(aggregate('AVG'), notDouble),
  stddev: castToResult(aggregate('STDDEV_SAMP'), notDouble),
};

/** TRUNC's format for each unit (ISO week: IW, Monday). */
const TRUNC_FORMAT: Record<DateUnit, string> = {
  year: 'YYYY',
  quarter: 'Q',
  month: 'MM',
  week: 'IW',
  day: 'DD',
  hour: 'HH24',
  minute: 'MI',
  second: 'SS',
};

/** format_date's elements as TO_CHAR writes them; FM…FM keeps Month from padding to 9 characters. */
const DATE_ELEMENTS: Record<string, string> = {
  YYYY: 'YYYY',
  MM: 'MM',
  DD: 'DD',
  HH24: 'HH24',
  MI: 'MI',
  SS: 'SS',
  Month: 'FMMonthFM',
  Mon: 'Mon',
  Dy: 'Dy',
};

/** A distinct aggregate over an ordered window is ORA-30487 ("ORDER BY not allowed here"). */
function noDistinctOverOrder(render: FunctionRenderer, result?: WindowedRenderer): WindowedRenderer {
  return (c, over, w) => {
    if (c.distinct && (c.over?.orderBy.length || c.over?.frame))
      w.unsupported(
        `${c.name}(DISTINCT …) over an ordered window is not available`,
        'aggregate with an aggregate node, then join the result back',
      );
    return result ? result(c, over, w) : `${render(c, w)} ${over}`;
  };
}

/**
 * Oracle Database 19c and later. https://docs.oracle.com/en/database/oracle/oracle-database/19/sqlrf/
 *
 * Where Oracle differs and how edgeflow bridges it:
 * - `''` is NULL in Oracle (a stated difference: an empty text is stored and compared as null).
 *   `||` would treat a null as empty text, so `||` and `concat` test their arguments and give null.
 * - SQL has no BOOLEAN before 23ai: a bool is NUMBER(1) 1/0; a predicate used as a value is
 *   `CASE WHEN p THEN 1 WHEN NOT (p) THEN 0 END`, a bool value used as a condition `x = 1`.
 * - no LIMIT: `OFFSET n ROWS FETCH NEXT m ROWS ONLY` (12c+); no `AS` before a table alias; a
 *   SELECT without FROM reads DUAL.
 * - names: unquoted names fold to upper case; at most 128 bytes (30 before 12.2), a longer one is
 *   an UNSUPPORTED error, not a truncation; a name cannot hold a double quote.
 * - dates: DATE holds a time of day (edgeflow's `date` is a DATE at midnight); TRUNC(x, 'IW') is
 *   the ISO week; day-of-week from the IW Monday, so NLS_TERRITORY does not matter; ADD_MONTHS is
 *   bridged so the last day of a month is not carried to the last day of the next.
 * - no CREATE OR REPLACE TABLE, no IF [NOT] EXISTS (23ai): replace builds beside the target,
 *   drops it and renames (DDL commits: the swap is not atomic); IF EXISTS is a PL/SQL block that
 *   ignores ORA-00942 / ORA-00955.
 * - `/` of NUMBERs is exact; edgeflow's `/` is a BINARY_DOUBLE.
 */
export class OracleDialect extends Dialect {
  readonly name = 'oracle' as const;
  readonly title = 'Oracle';
  readonly foldUnquoted = 'upper' as const;
  protected readonly unquotedName = /^[A-Z][A-Z0-9_$#]*$/;
  protected override readonly tableNamePart = /^[A-Za-z][A-Za-z0-9_$#]*$/;
  override readonly booleanValues = false;
  override readonly predicateFunctions: ReadonlySet<string> = new Set([
    'starts_with',
    'ends_with',
    'regexp_like',
    ...ORACLE_PREDICATES,
  ]);
  override readonly fromNothing = 'DUAL';
  override readonly qualifiedStar = true;

  /** ROW_NUMBER, RANK, NTILE, LAG… need an ORDER BY in Oracle (ORA-30485): none is ORDER BY NULL. */
  override windowOrderBy(items: string[], fn: SqlExpr & { k: 'fn' }): string[] {
    return items.length || fn.fnKind !== 'window' ? items : ['NULL'];
  }
  override readonly currentTimestampSql: string = 'SYSTIMESTAMP';
  protected override randomFunction = 'DBMS_RANDOM.VALUE';
  readonly caps: DialectCapabilities = {
    qualify: false, // QUALIFY is 23ai+; a row_number() subquery means the same
    qualifyNeedsWhere: false,
    createOrReplaceTable: false,
    merge: true,
    transactionalDdl: false, // DDL commits the open transaction
    exceptColumns: false,
    rangeFrameOffsets: true,
    ilike: false,
    integerDivisionTruncates: false, // NUMBER / NUMBER is exact
    createSchema: false, // a schema is a user: created by a DBA
    maxIdentifierLength: ORACLE_MAX_NAME_BYTES,
    partitionHint: false,
    clusterHint: false,
  };

  override quoteIdent(name: string): string {
    if (name.includes('"') || name.includes('\u0000'))
      throw new UnsupportedError(
        this.name,
        `the name ${JSON.stringify(name)} holds a double quote or NUL, which Oracle names cannot hold`,
        'rename the column or table',
      );
    const bytes = BYTES.encode(name).length;
    if (bytes > ORACLE_MAX_NAME_BYTES)
      throw new UnsupportedError(
        this.name,
        `the name ${JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)} is ${bytes} bytes; Oracle names are at most ${ORACLE_MAX_NAME_BYTES} bytes (30 before 12.2)`,
        'give it a shorter name (rename, or an alias)',
      );
    if (name === '') throw new UnsupportedError(this.name, 'an empty name is not allowed');
    if (this.unquotedName.test(name) && !ORACLE_RESERVED.has(name) && !RESERVED_WORDS.has(name.toLowerCase()))
      return name;
    return `"${name}"`;
  }

  override stringLiteral(s: string): string {
    const text = super.stringLiteral(s);
    // ORA-01704: a text literal holds at most 4,000 bytes.
    if (BYTES.encode(s).length > 4000)
      throw new UnsupportedError(
        this.name,
        'a text literal longer than 4,000 bytes is not accepted by Oracle (ORA-01704)',
        'pass it as a parameter, or keep it in a table',
      );
    return text;
  }

  override aliasRelation(sql: string, alias: string): string {
    return `${sql} ${alias}`;
  }

  override limitClause(limit: number | undefined, offset: number | undefined): string[] {
    const lines: string[] = [];
    const skip = offset !== undefined && offset > 0;
    if (skip) lines.push(`OFFSET ${offset} ROWS`);
    if (limit !== undefined) lines.push(`FETCH ${skip ? 'NEXT' : 'FIRST'} ${limit} ROWS ONLY`);
    return lines;
  }

  // edgeflow's LIKE patterns escape `%`, `_` and `\` with a backslash; Oracle has no default escape.
  protected override readonly likeEscapeClause = " ESCAPE '\\'";

  protected readonly typeNames = {
    int: 'NUMBER(10)',
    bigint: 'NUMBER(19)',
    double: 'BINARY_DOUBLE',
    string: 'VARCHAR2(4000)',
    bool: 'NUMBER(1)',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMP WITH TIME ZONE',
    geography: 'SDO_GEOMETRY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `NUMBER(${Math.min(precision, 38)},${Math.min(scale, 127)})`;
  }

  /** Named binds (:p1): oracledb binds an array by position of occurrence, a repeated :1 twice. */
  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    const p = `:p${index}`;
    switch (type.kind) {
      case 'date':
        return `TO_DATE(${p}, 'YYYY-MM-DD')`;
      case 'timestamp':
        return `TO_TIMESTAMP(${p}, 'YYYY-MM-DD HH24:MI:SS.FF')`;
      case 'string':
      case 'null':
      case 'unknown':
        return p;
      default:
        return `CAST(${p} AS ${w.type(type)})`;
    }
  }

  override numberLiteral(text: string, type: PortableType, w: SqlWriter): string {
    // 1.5e3 is a NUMBER in Oracle; a double literal is a BINARY_DOUBLE.
    return type.kind === 'double' ? `CAST(${text} AS ${w.type(type)})` : text;
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    if (from.kind === to.kind && to.kind !== 'decimal') return sql;
    switch (to.kind) {
      case 'string':
        switch (from.kind) {
          case 'date':
            return `TO_CHAR(${sql}, 'YYYY-MM-DD')`;
          case 'timestamp':
            return `TO_CHAR(${sql}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
          case 'timestamptz':
            return `TO_CHAR(${sql}, 'YYYY-MM-DD HH24:MI:SS.FF6TZH:TZM')`;
          case 'bool':
            return `CASE ${sql} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END`;
          case 'geography':
            return wkt(sql);
          case 'int':
          case 'bigint':
            return `TO_CHAR(${sql})`;
          case 'double':
          case 'decimal':
            // TO_CHAR(0.5) is '.5': the leading zero is put back.
            return `REGEXP_REPLACE(TO_CHAR(${from.kind === 'double' ? `CAST(${sql} AS NUMBER)` : sql}), '^(-?)\\.', '\\10.')`;
          default:
            return `CAST(${sql} AS ${w.type(to)})`;
        }
      case 'bool':
        if (from.kind === 'string')
          return `CASE WHEN LOWER(TRIM(${sql})) IN ('true', 't', '1', 'yes', 'y') THEN 1 WHEN LOWER(TRIM(${sql})) IN ('false', 'f', '0', 'no', 'n') THEN 0 END`;
        return `CASE WHEN ${sql} <> 0 THEN 1 WHEN ${sql} = 0 THEN 0 END`;
      case 'date':
        if (from.kind === 'string') return `TO_DATE(${sql}, 'YYYY-MM-DD')`;
        return `TRUNC(${sql})`;
      case 'timestamp':
        if (from.kind === 'string') return `TO_TIMESTAMP(${sql}, 'YYYY-MM-DD HH24:MI:SS.FF')`;
        if (from.kind === 'timestamptz') return `SYS_EXTRACT_UTC(${sql})`;
        return `CAST(${sql} AS TIMESTAMP)`;
      case 'timestamptz':
        if (from.kind === 'string') return `TO_TIMESTAMP_TZ(${sql}, 'YYYY-MM-DD HH24:MI:SS.FF TZH:TZM')`;
        return `CAST(${sql} AS TIMESTAMP WITH TIME ZONE)`;
      case 'geography':
        if (from.kind === 'string') return `SDO_GEOMETRY(${sql}, 4326)`;
        return `CAST(${sql} AS SDO_GEOMETRY)`;
      case 'int':
      case 'bigint':
      case 'double':
      case 'decimal':
        if (from.kind === 'bool') return `CAST(${sql} AS ${w.type(to)})`;
        return `CAST(${sql} AS ${w.type(to)})`;
      default:
        return super.cast(sql, from, to, w);
    }
  }

  override divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    const l = left.type.kind === 'double' ? w.wrap(left, 7) : `CAST(${w.expr(left)} AS BINARY_DOUBLE)`;
    return `${l} / ${w.divisor(right)}`;
  }

  /** `a || b`, null when a part is null (Oracle's || reads null as ''); a text literal is never null. */
  override concatOperator(parts: string[], _w: SqlWriter): string {
    const joined = parts.join(' || ');
    const nullable = parts.filter((p) => !/^'(?:[^']|'')*'$/.test(p));
    if (nullable.length === 0) return joined;
    return `CASE WHEN ${nullable.map((p) => `${p} IS NULL`).join(' OR ')} THEN NULL ELSE ${joined} END`;
  }

  override orderItem(sql: string, desc: boolean, nulls: 'first' | 'last'): string {
    return `${sql}${desc ? ' DESC' : ''} NULLS ${nulls.toUpperCase()}`;
  }

  // ---------------------------------------------------------------- sampling
  /** ORA_HASH of the row's columns as text, seeded: 0 … 4294967295. */
  private rowHash(q: SampleQuery, seed: number, w: SqlWriter): string {
    const a = w.ident('_s');
    const cols = q.columns.length ? q.columns.map((c) => `${a}.${w.ident(c)}`).join(" || '|' || ") : "'x'";
    return `ORA_HASH(${cols}, 4294967295, ${Math.abs(Math.trunc(seed)) % 4294967296})`;
  }

  override sample(q: SampleQuery, w: SqlWriter): string {
    const alias = w.ident('_s');
    const from = this.aliasRelation(w.from(q.from), alias);
    const cols = `${alias}.*`;
    if ('rows' in q.spec) {
      const order = q.spec.seed === undefined ? this.randomFunction : this.rowHash(q, q.spec.seed, w);
      return `SELECT ${cols}\nFROM ${from}\nORDER BY ${order}\nFETCH FIRST ${q.spec.rows} ROWS ONLY`;
    }
    const fraction = q.spec.percent / 100;
    if (q.spec.seed === undefined)
      return `SELECT ${cols}\nFROM ${from}\nWHERE ${this.randomFunction} < ${fraction}`;
    if (fraction >= 1) return `SELECT ${cols}\nFROM ${from}`;
    const threshold = Math.floor(fraction * 4294967296);
    return `SELECT ${cols}\nFROM ${from}\nWHERE ${this.rowHash(q, q.spec.seed, w)} < ${threshold}`;
  }

  // ---------------------------------------------------------------- regular expressions
  protected override readonly regexFlavor: RegexFlavor = 'oracle';

  protected override groupNumber(pattern: PortablePattern | undefined, group: number): number {
    return (pattern && snowflakeGroupNumbers(pattern).get(group)) ?? group;
  }

  protected override regexMatch(text: string, re: RegexArg): string {
    return `REGEXP_LIKE(${text}, ${re.sql}, '${re.caseInsensitive ? 'i' : 'c'}')`;
  }

  protected override regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    const re = this.regex(pattern, w);
    const flags = `'${re.caseInsensitive ? 'i' : 'c'}'`;
    if (group > 0)
      return `REGEXP_SUBSTR(${text}, ${re.sql}, 1, 1, ${flags}, ${this.groupNumber(re.pattern, group)})`;
    return `REGEXP_SUBSTR(${text}, ${re.sql}, 1, 1, ${flags})`;
  }

  protected override regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement}, 1, 0, '${re.caseInsensitive ? 'i' : 'c'}')`;
  }

  // ---------------------------------------------------------------- dates
  private formatDateParts(parts: DateFormatPart[]): string {
    return parts
      .map((p) => {
        if ('element' in p) return DATE_ELEMENTS[p.element]!;
        return [...p.text].every((c) => ' -/:.,'.includes(c)) ? p.text : `"${p.text}"`;
      })
      .join('');
  }

  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const toChar = (f: string) => `TO_NUMBER(TO_CHAR(${x}, '${f}'))`;
    let sql: string;
    switch (part) {
      case 'quarter':
        sql = toChar('Q');
        break;
      case 'week':
        sql = toChar('IW');
        break;
      case 'isoyear':
        sql = toChar('IYYY');
        break;
      case 'doy':
        sql = toChar('DDD');
        break;
      case 'dow':
      case 'isodow':
        // Days since the ISO Monday: the same whatever NLS_TERRITORY says the first day is.
        sql = `(TRUNC(${x}) - TRUNC(${x}, 'IW') + 1)`;
        break;
      case 'second':
        sql = `FLOOR(EXTRACT(SECOND FROM ${x}))`;
        break;
      default:
        sql = `EXTRACT(${part.toUpperCase()} FROM ${x})`;
    }
    return `CAST(${sql} AS ${w.type(T.bigint)})`;
  }

  /** date_trunc: TRUNC with a format gives a DATE (seconds dropped below a minute). */
  private dateTrunc(unit: DateUnit, arg: SqlExpr, result: PortableType, w: SqlWriter): string {
    const x = w.expr(arg);
    if (unit === 'second')
      return `CAST(TRUNC(${x}, 'MI') AS ${w.type(result)}) + NUMTODSINTERVAL(FLOOR(EXTRACT(SECOND FROM ${x})), 'SECOND')`;
    const sql = `TRUNC(${x}, '${TRUNC_FORMAT[unit]}')`;
    return result.kind === 'date' ? sql : `CAST(${sql} AS ${w.type(result)})`;
  }

  /** Months added as PostgreSQL does: the day kept, or the month's last day when it has fewer. */
  private addMonths(x: string, months: string): string {
    return `LEAST(ADD_MONTHS(${x}, ${months}), ADD_MONTHS(TRUNC(${x}, 'MM'), ${months}) + (${x} - TRUNC(${x}, 'MM')))`;
  }

  protected override dateAdd(
    x: SqlExpr,
    n: SqlExpr,
    unit: DateUnit,
    result: PortableType,
    w: SqlWriter,
  ): string {
    const v = w.expr(x);
    const count = w.operand(n);
    const times = (k: number) => (k === 1 ? count : `${count} * ${k}`);
    switch (unit) {
      case 'year':
      case 'quarter':
      case 'month': {
        const months = times(unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
        if (x.type.kind === 'date') return this.addMonths(v, months);
        // A TIMESTAMP through DATE (to the minute), its seconds and fraction added back.
        const minute = `TRUNC(${v}, 'MI')`;
        return `CAST(${this.addMonths(minute, months)} AS ${w.type(result)}) + (${v} - CAST(${minute} AS ${w.type(result)}))`;
      }
      case 'week':
      case 'day': {
        const days = times(unit === 'week' ? 7 : 1);
        if (x.type.kind === 'date') return `${w.wrap(x, 6)} + ${days}`;
        return `${w.wrap(x, 6)} + NUMTODSINTERVAL(${days}, 'DAY')`;
      }
      default: {
        const base = x.type.kind === 'date' ? `CAST(${v} AS ${w.type(result)})` : w.wrap(x, 6);
        return `${base} + NUMTODSINTERVAL(${count}, '${unit.toUpperCase()}')`;
      }
    }
  }

  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const x = w.expr(a);
    const y = w.expr(b);
    const part = (p: string, v: string) => `EXTRACT(${p} FROM ${v})`;
    const years = `(${part('YEAR', y)} - ${part('YEAR', x)})`;
    const trunc = (f: string, v: string) => `TRUNC(${v}, '${f}')`;
    let sql: string;
    switch (unit) {
      case 'year':
        sql = years;
        break;
      case 'quarter':
        sql = `${years} * 4 + TO_NUMBER(TO_CHAR(${y}, 'Q')) - TO_NUMBER(TO_CHAR(${x}, 'Q'))`;
        break;
      case 'month':
        sql = `${years} * 12 + ${part('MONTH', y)} - ${part('MONTH', x)}`;
        break;
      case 'week':
        sql = `(${trunc('IW', y)} - ${trunc('IW', x)}) / 7`;
        break;
      case 'day':
        sql = `TRUNC(${y}) - TRUNC(${x})`;
        break;
      case 'hour':
        sql = `ROUND((${trunc('HH24', y)} - ${trunc('HH24', x)}) * 24)`;
        break;
      case 'minute':
        sql = `ROUND((${trunc('MI', y)} - ${trunc('MI', x)}) * 1440)`;
        break;
      case 'second': {
        const ts = (e: SqlExpr, v: string) => (e.type.kind === 'date' ? `CAST(${v} AS TIMESTAMP)` : v);
        sql = `ROUND((${trunc('MI', y)} - ${trunc('MI', x)}) * 86400) + FLOOR(${part('SECOND', ts(b, y))}) - FLOOR(${part('SECOND', ts(a, x))})`;
        break;
      }
    }
    return `CAST(${sql} AS ${w.type(T.bigint)})`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    avg: noDistinctOverOrder(AS_RESULT.avg.plain, AS_RESULT.avg.windowed),
    stddev: noDistinctOverOrder(AS_RESULT.stddev.plain, AS_RESULT.stddev.windowed),
    count: noDistinctOverOrder(aggregate('COUNT')),
    sum: noDistinctOverOrder(aggregate('SUM')),
    median: percentileOverPartition((c, w) => this.functions['median']!(c, w)),
    percentile_cont: percentileOverPartition((c, w) => this.functions['percentile_cont']!(c, w)),
    // LISTAGG's analytic form takes a PARTITION BY only.
    string_agg: percentileOverPartition((c, w) => this.functions['string_agg']!(c, w)),
    ...ORACLE_SPATIAL_WINDOWED,
  };

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    const x0 = (c: SqlExpr & { k: 'fn' }, w: SqlWriter) => w.expr(c.args[0]!);
    return {
      ...ORACLE_SPATIAL,
      avg: AS_RESULT.avg.plain,
      stddev: AS_RESULT.stddev.plain,
      length: (c, w) => `LENGTH(${x0(c, w)})`,
      // ROUND of a NUMBER halves away from zero; of a BINARY_DOUBLE it halves to even.
      round: (c, w) => {
        const [x, digits] = c.args;
        const d = digits ? integerLiteral(digits) : 0;
        if (x!.type.kind !== 'double') return plain('ROUND')(c, w);
        const scale = `POWER(CAST(10 AS BINARY_DOUBLE), ${Math.abs(d)})`;
        const scaled = d >= 0 ? `(${w.operand(x!)} * ${scale})` : `(${w.operand(x!)} / ${scale})`;
        return `(SIGN(${scaled}) * FLOOR(ABS(${scaled}) + 0.5) ${d >= 0 ? '/' : '*'} ${scale})`;
      },
      log10: (c, w) => `LOG(10, ${x0(c, w)})`,
      radians: (c, w) => `(${w.operand(c.args[0]!)} * ACOS(-1) / 180)`,
      degrees: (c, w) => `(${w.operand(c.args[0]!)} * 180 / ACOS(-1))`,
      pi: () => 'ACOS(-1)',
      // NUMBER division is exact, so div truncates it rather than a double.
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(TRUNC(${w.wrap(a, 7)} / ${w.divisor(b)}) AS ${w.type(T.bigint)})`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS ${w.type(T.bigint)})`;
      },
      substr: (c, w) => {
        const [text, start, length] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
        const args = [w.expr(text), w.expr(start)];
        // A negative length is empty text, which Oracle's SUBSTR (null) already gives.
        if (length) args.push(w.expr(length));
        return `SUBSTR(${args.join(', ')})`;
      },
      starts_with: (c, w) => {
        const [text, prefix] = c.args as [SqlExpr, SqlExpr];
        return `SUBSTR(${w.expr(text)}, 1, LENGTH(${w.expr(prefix)})) = ${w.operand(prefix)}`;
      },
      ends_with: (c, w) => {
        const [text, suffix] = c.args as [SqlExpr, SqlExpr];
        const t = w.expr(text);
        const s = w.expr(suffix);
        return `(LENGTH(${t}) >= LENGTH(${s}) AND SUBSTR(${t}, -LENGTH(${s})) = ${w.operand(suffix)})`;
      },
      // SUBSTR(x, 1, n) is null (Oracle's empty text) for n <= 0.
      left: (c, w) => `SUBSTR(${w.expr(c.args[0]!)}, 1, ${w.expr(c.args[1]!)})`,
      right: (c, w) => {
        const [text, n] = c.args as [SqlExpr, SqlExpr];
        if (n.type.kind === 'null') return typedNull(c, w);
        const t = w.expr(text);
        return nonNegativeLiteral(n)
          ? `SUBSTR(${t}, GREATEST(LENGTH(${t}) - ${w.operand(n)} + 1, 1))`
          : `CASE WHEN ${w.wrap(n, 5)} >= 0 THEN SUBSTR(${t}, GREATEST(LENGTH(${t}) - ${w.operand(n)} + 1, 1)) END`;
      },
      split_part: (c, w) => {
        const t = w.expr(c.args[0]!);
        const d = w.expr(c.args[1]!);
        const n = integerLiteral(c.args[2]!);
        const at = (k: number) => `INSTR(${t}, ${d}, 1, ${k})`;
        const start = n === 1 ? '1' : `${at(n - 1)} + LENGTH(${d})`;
        const before = n === 1 ? '' : `WHEN ${at(n - 1)} = 0 THEN NULL `;
        return `CASE ${before}WHEN ${at(n)} = 0 THEN SUBSTR(${t}, ${start}) ELSE SUBSTR(${t}, ${start}, ${at(n)} - (${start})) END`;
      },
      format_date: (c, w) => {
        const parts = parseDateFormat(String((c.args[1] as { value: unknown }).value));
        if (typeof parts === 'string') throw new Error(`internal: ${parts}`);
        const x = c.args[0]!;
        const value = x.type.kind === 'null' ? `CAST(NULL AS ${w.type(T.timestamp)})` : w.expr(x);
        return `TO_CHAR(${value}, ${w.string(this.formatDateParts(parts))}, 'NLS_DATE_LANGUAGE=ENGLISH')`;
      },
      current_date: () => 'TRUNC(CURRENT_DATE)',
      date_trunc: (c, w) => {
        const unit = String((c.args[0] as { value: unknown }).value).toLowerCase() as DateUnit;
        return this.dateTrunc(unit, c.args[1]!, c.type, w);
      },
      // ANY_VALUE is 21c (backported to some 19c updates): MIN is one of the values on every 19c.
      any_value: (c, w) => {
        if (c.args[0]!.type.kind === 'geography')
          w.unsupported(
            'any_value() of a geography is not available (SDO_GEOMETRY cannot be compared)',
            'group by a key and take the shape in a join, or use st_union_agg',
          );
        return aggregate('MIN')(c, w);
      },
      // LISTAGG needs an order; ordering by the value is as good as any (the order is not promised).
      string_agg: (c, w) => {
        const x = w.expr(c.args[0]!);
        const sep = c.args[1] ? `, ${w.expr(c.args[1])}` : '';
        return `LISTAGG(${c.distinct ? 'DISTINCT ' : ''}${x}${sep}) WITHIN GROUP (ORDER BY ${x})`;
      },
      count_if: (c, w) => `COUNT(CASE WHEN ${w.condition(c.args[0]!)} THEN 1 END)`,
      median: (c, w) => `PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ${asDouble(c.args[0]!, w)})`,
    };
  }

  // ---------------------------------------------------------------- statements
  override statement(s: Statement, w: SqlWriter): string {
    switch (s.kind) {
      case 'create_schema':
        return w.unsupported(
          'Oracle schemas are users: edgeflow does not create them',
          'ask a DBA to create the user (schema) and grant the connection CREATE TABLE in it',
        );
      case 'create_table':
        if (s.ifNotExists) return ignoring(super.statement({ ...s, ifNotExists: false }, w), -955);
        return super.statement(s, w);
      case 'drop_table':
        if (s.ifExists) return ignoring(`DROP TABLE ${w.table(s.table)} PURGE`, -942);
        return `DROP TABLE ${w.table(s.table)} PURGE`;
      default:
        return super.statement(s, w);
    }
  }

  protected override merge(s: Statement & { kind: 'merge' }, w: SqlWriter): string {
    const t = w.ident('_tgt');
    const src = w.ident('_src');
    const on = s.keys.map((k) => `${t}.${w.ident(k)} = ${src}.${w.ident(k)}`).join(' AND ');
    const updates = s.columns.filter((c) => !s.keys.includes(c));
    const lines = [
      `MERGE INTO ${w.table(s.table)} ${t}`,
      `USING (\n${indent(w.withQuery(s.query), 2)}\n) ${src}`,
      `ON (${on})`,
    ];
    if (updates.length)
      lines.push(
        `WHEN MATCHED THEN UPDATE SET ${updates.map((c) => `${t}.${w.ident(c)} = ${src}.${w.ident(c)}`).join(', ')}`,
      );
    lines.push(
      `WHEN NOT MATCHED THEN INSERT (${s.columns.map((c) => `${t}.${w.ident(c)}`).join(', ')}) VALUES (${s.columns.map((c) => `${src}.${w.ident(c)}`).join(', ')})`,
    );
    return lines.join('\n');
  }

  protected override moveTable(from: string[], to: string[], w: SqlWriter): string {
    // RENAME keeps the schema (the new name is not qualified): the replacement is built beside its target.
    return `ALTER TABLE ${w.table(from)} RENAME TO ${w.ident(to[to.length - 1]!)}`;
  }
}

/** A DDL statement run by PL/SQL, ignoring one error code (ORA-00942 no table, ORA-00955 exists). */
function ignoring(ddl: string, sqlcode: number): string {
  return [
    'BEGIN',
    // Written by hand: a PL/SQL text literal may hold 32,767 bytes (SQL's limit is 4,000).
    `  EXECUTE IMMEDIATE '${ddl.replace(/'/g, "''")}';`,
    'EXCEPTION',
    '  WHEN OTHERS THEN',
    `    IF SQLCODE != ${sqlcode} THEN`,
    '      RAISE;',
    '    END IF;',
    'END;',
  ].join('\n');
}

/** WKT as rows carry it: `POINT(1 2)`, where Oracle writes `POINT (1 2)`. */
export function wkt(sql: string): string {
  return `REGEXP_REPLACE(TO_CHAR(SDO_UTIL.TO_WKTGEOMETRY(${sql})), '^([A-Z]+) ', '\\1')`;
}
