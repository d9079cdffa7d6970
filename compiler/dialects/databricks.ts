import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SqlExpr, TableHints } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import { TIME_UNITS, type DateUnit } from '../expr/functions.js';
import { parseDateFormat } from '../expr/date-format.js';
import type { RegexFlavor } from '../expr/regex.js';
import {
  Dialect,
  aggregate,
  asDouble,
  castToResult,
  percentileOf,
  unitOf,
  unitSql,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { RESERVED_WORDS } from './reserved.js';
import { DATABRICKS_SPATIAL, DATABRICKS_SPATIAL_WINDOWED } from './spatial-databricks.js';

/**
 * The name of a parameter marker: Spark's grammar takes `:name` only where the name is not a
 * reserved word (`:table`, `:select` and `:from` are syntax errors, and a backquoted `` :`table` ``
 * would bind a name with its backquotes), so a reserved name gets a prefix. The connector
 * (connectors/databricks/params.ts) names the bound values the same way.
 */
export function databricksParamName(name: string): string {
  return RESERVED_WORDS.has(name.toLowerCase()) ? `ef_p_${name}` : name;
}

// AVG of DECIMAL is DECIMAL in Spark; edgeflow's avg is a double.
const AVG_AS_RESULT = castToResult(aggregate('AVG'), (c) => c.args[0]?.type.kind === 'decimal');

/**
 * Databricks SQL on a SQL warehouse, Unity Catalog (`catalog.schema.table`), ANSI mode on (the
 * warehouses' default: https://docs.databricks.com/sql/language-manual/sql-ref-ansi-compliance).
 * Under ANSI mode a division by zero, an overflow or a bad cast is an error, so `/` is
 * `try_divide` and `%`/`div` divide by NULLIF(b, 0); the portable `timestamp` (without time zone)
 * is TIMESTAMP_NTZ, and the date functions on it are written without a round trip through the
 * session time zone (date_trunc, date_format and date_add would convert TIMESTAMP_NTZ to
 * TIMESTAMP first). String literals take backslash escapes (`'it\'s'`; `''` would join two
 * literals). Names are case-insensitive (Unity Catalog stores them lower-case), quoted with backticks.
 *
 * Two Databricks constructs are left out on purpose so every statement also parses with Spark's
 * own grammar (compiler/dialects/databricks-grammar.test.ts): QUALIFY (top_n/dedupe use a
 * row_number() subquery, which Photon plans the same way) and `SELECT * EXCEPT (…)`.
 */
export class DatabricksDialect extends Dialect {
  readonly name = 'databricks' as const;
  readonly title = 'Databricks';
  readonly foldUnquoted = 'none' as const; // case-insensitive, case-preserving (columns)
  protected override readonly caseInsensitiveNames = true;
  protected readonly unquotedName = /^[a-z_][a-z0-9_]*$/;
  protected override readonly identQuote = '`';
  protected override randomFunction = 'RAND()';
  readonly caps: DialectCapabilities = {
    qualify: false,
    qualifyNeedsWhere: false,
    createOrReplaceTable: true, // Delta: atomic, keeps the table's history
    merge: true, // Delta MERGE INTO
    transactionalDdl: false, // each statement commits on its own
    exceptColumns: false,
    windowDistinct: false, // "Distinct window functions are not supported"
    rangeFrameOffsets: true,
    ilike: true,
    integerDivisionTruncates: false, // `/` of integers is a DOUBLE
    createSchema: true,
    maxIdentifierLength: 255,
    partitionHint: false, // Databricks recommends liquid clustering over partitioning
    clusterHint: true, // CLUSTER BY (liquid clustering)
  };

  override stringLiteral(s: string): string {
    if (s.includes('\u0000')) return super.stringLiteral(s);
    // Spark unescapes backslash sequences in '…' and joins adjacent literals, so a quote is \'.
    // eslint-disable-next-line no-control-regex
    const body = s.replace(/[\\'\x01-\x1f\x7f]/g, (c) => {
      if (c === '\\' || c === "'") return `\\${c}`;
      return CONTROL_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
    return `'${body}'`;
  }

  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `TIMESTAMP_NTZ ${w.string(iso.replace('T', ' '))}`;
  }

  protected readonly typeNames = {
    int: 'INT',
    bigint: 'BIGINT',
    double: 'DOUBLE',
    string: 'STRING',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP_NTZ',
    timestamptz: 'TIMESTAMP',
    geography: 'GEOMETRY(4326)',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `DECIMAL(${Math.min(precision, 38)},${Math.min(scale, 38)})`;
  }

  /** Named parameter markers (the Statement Execution API binds by name), typed by a CAST. */
  placeholder(_index: number, name: string, type: PortableType, w: SqlWriter): string {
    return `CAST(:${databricksParamName(name)} AS ${w.type(type)})`;
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    if (from.kind === 'geography' && to.kind === 'string') return `st_astext(${sql})`;
    if (from.kind === 'string' && to.kind === 'geography') return `st_geomfromtext(${sql}, 4326)`;
    // Spark writes a whole double as `100.0`; the portable text is `100` (see DuckDB's dialect).
    // CAST(double AS BIGINT) fails past 2^63 under ANSI mode, hence the nested CASE.
    if (from.kind === 'double' && to.kind === 'string') {
      const x = `(${sql})`;
      return `CASE WHEN isnan(${x}) OR ABS(${x}) >= 1e15 THEN CAST(${x} AS STRING) WHEN ${x} = CAST(CAST(${x} AS BIGINT) AS DOUBLE) THEN CAST(CAST(${x} AS BIGINT) AS STRING) ELSE CAST(${x} AS STRING) END`;
    }
    return super.cast(sql, from, to, w);
  }

  /** try_divide is null for a zero divisor under ANSI mode; a decimal quotient is made a double first. */
  override divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    const fractional = left.type.kind === 'double' || right.type.kind === 'double';
    const integral = isInteger(left.type) && isInteger(right.type);
    const l = fractional || integral ? w.expr(left) : this.cast(w.expr(left), left.type, T.double, w);
    return `try_divide(${l}, ${w.expr(right)})`;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `MD5(CAST(HASH(${w.ident(alias)}.*) AS STRING) || ${w.string(String(seed))})`;
  }

  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const field =
      {
        dow: 'DAYOFWEEK_ISO',
        isodow: 'DAYOFWEEK_ISO',
        doy: 'DOY',
        week: 'WEEK',
        isoyear: 'YEAROFWEEK',
      }[part] ?? part.toUpperCase();
    const inner = `EXTRACT(${field} FROM ${w.expr(arg)})`;
    return `CAST(${part === 'second' ? `FLOOR(${inner})` : inner} AS ${w.type(T.bigint)})`;
  }

  /** x truncated to `unit`, of x's own type, without going through the session time zone. */
  private truncate(unit: DateUnit, x: SqlExpr, w: SqlWriter): string {
    const v = x.type.kind === 'null' ? `CAST(NULL AS ${w.type(T.timestamp)})` : w.expr(x);
    switch (x.type.kind) {
      case 'date':
        // trunc(date, …) is date arithmetic; WEEK goes back to the Monday.
        return unit === 'day' ? v : `trunc(${v}, ${w.string(unitSql(unit))})`;
      case 'timestamptz':
        return `date_trunc(${w.string(unitSql(unit))}, ${v})`;
      default: {
        if (!TIME_UNITS.includes(unit)) {
          const day = `CAST(${v} AS DATE)`;
          const d = unit === 'day' ? day : `trunc(${day}, ${w.string(unitSql(unit))})`;
          return `CAST(${d} AS TIMESTAMP_NTZ)`;
        }
        // A TIMESTAMP_NTZ plus a day-time interval stays a wall clock: the smaller fields are
        // taken off by adding their negation.
        const sec = `EXTRACT(SECOND FROM ${v})`;
        const interval =
          unit === 'hour'
            ? `make_dt_interval(0, 0, -EXTRACT(MINUTE FROM ${v}), -${sec})`
            : unit === 'minute'
              ? `make_dt_interval(0, 0, 0, -${sec})`
              : `make_dt_interval(0, 0, 0, FLOOR(${sec}) - ${sec})`;
        return `(${v} + ${interval})`;
      }
    }
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
    if (x.type.kind === 'date' && result.kind === 'date') {
      // date_add and add_months take an INT (a BIGINT is refused, not narrowed).
      const int = n.type.kind === 'int' || n.k === 'lit' ? count : `CAST(${w.expr(n)} AS INT)`;
      // add_months keeps the day, or the month's last day (31 Jan + 1 month = 29 Feb).
      switch (unit) {
        case 'year':
          return `add_months(${v}, ${int} * 12)`;
        case 'quarter':
          return `add_months(${v}, ${int} * 3)`;
        case 'month':
          return `add_months(${v}, ${int})`;
        case 'week':
          return `date_add(${v}, ${int} * 7)`;
        default:
          return `date_add(${v}, ${int})`;
      }
    }
    // TIMESTAMPADD keeps TIMESTAMP_NTZ a wall clock (and TIMESTAMP an instant in the session zone).
    const base = x.type.kind === 'date' ? `CAST(${v} AS TIMESTAMP_NTZ)` : v;
    return `TIMESTAMPADD(${unitSql(unit)}, ${count}, ${base})`;
  }

  /** Boundaries crossed: whole units between the two values truncated to the unit. */
  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const day = (e: SqlExpr) => (e.type.kind === 'date' ? w.expr(e) : `CAST(${w.expr(e)} AS DATE)`);
    const part = (p: string, e: SqlExpr) => `EXTRACT(${p} FROM ${w.expr(e)})`;
    const years = `(${part('YEAR', b)} - ${part('YEAR', a)})`;
    let sql: string;
    switch (unit) {
      case 'year':
        sql = years;
        break;
      case 'quarter':
        sql = `${years} * 4 + ${part('QUARTER', b)} - ${part('QUARTER', a)}`;
        break;
      case 'month':
        sql = `${years} * 12 + ${part('MONTH', b)} - ${part('MONTH', a)}`;
        break;
      case 'week':
        sql = `datediff(trunc(${day(b)}, 'WEEK'), trunc(${day(a)}, 'WEEK')) DIV 7`;
        break;
      case 'day':
        sql = `datediff(${day(b)}, ${day(a)})`;
        break;
      default: {
        // Hours between two dates are counted between their midnights.
        const t = (e: SqlExpr) =>
          this.truncate(unit, e.type.kind === 'date' ? { k: 'cast', arg: e, type: T.timestamp } : e, w);
        sql = `TIMESTAMPDIFF(${unitSql(unit)}, ${t(a)}, ${t(b)})`;
      }
    }
    return `CAST(${sql} AS BIGINT)`;
  }

  protected override readonly regexFlavor: RegexFlavor = 'java';

  protected override regexMatch(text: string, re: RegexArg): string {
    return `(${text} RLIKE ${re.sql})`;
  }

  protected override regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    return `REGEXP_EXTRACT(${text}, ${this.regex(pattern, w).sql}, ${group})`;
  }

  protected override regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement})`;
  }

  /** REGEXP_EXTRACT gives '' without a match (and for a group that takes no part): null when none. */
  protected override regexExtract(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    const [text, pattern, g] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
    const group = g?.k === 'lit' && typeof g.value === 'number' ? g.value : 0;
    const re = this.regex(pattern, w);
    const x = w.expr(text);
    return `CASE WHEN ${this.regexMatch(x, re)} THEN REGEXP_EXTRACT(${x}, ${re.sql}, ${group}) END`;
  }

  /** format_date piece by piece: dates through date_format of a DATE, times from the fields. */
  private formatDateParts(x: SqlExpr, pattern: string, w: SqlWriter): string {
    const parts = parseDateFormat(pattern);
    if (typeof parts === 'string') throw new Error(`internal: ${parts}`);
    const v = x.type.kind === 'null' ? `CAST(NULL AS ${w.type(T.timestamp)})` : w.expr(x);
    const day = x.type.kind === 'date' ? v : `CAST(${v} AS DATE)`;
    const two = (f: string) => `lpad(CAST(${f}(${v}) AS STRING), 2, '0')`;
    const pieces = parts.map((p) => {
      if (!('element' in p)) return w.string(p.text);
      switch (p.element) {
        case 'HH24':
          return two('hour');
        case 'MI':
          return two('minute');
        case 'SS':
          return two('second');
        default:
          return `date_format(${day}, ${w.string(JAVA_DATE_ELEMENTS[p.element]!)})`;
      }
    });
    return pieces.length === 1 ? pieces[0]! : `(${pieces.join(' || ')})`;
  }

  /** percentile (exact, interpolated) works as an aggregate and over any window. */
  protected override percentile(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    return `PERCENTILE(${asDouble(c.args[0]!, w)}, ${percentileOf(c)})`;
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    avg: AVG_AS_RESULT.windowed,
    ...DATABRICKS_SPATIAL_WINDOWED,
  };

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...DATABRICKS_SPATIAL,
      avg: AVG_AS_RESULT.plain,
      current_date: () => 'CURRENT_DATE()',
      current_timestamp: () => 'CURRENT_TIMESTAMP()',
      length: (c, w) => `CAST(LENGTH(${w.expr(c.args[0]!)}) AS BIGINT)`,
      starts_with: (c, w) => `startswith(${w.expr(c.args[0]!)}, ${w.expr(c.args[1]!)})`,
      ends_with: (c, w) => `endswith(${w.expr(c.args[0]!)}, ${w.expr(c.args[1]!)})`,
      // Spark's GREATEST and LEAST skip nulls; the portable meaning is null when any is null.
      greatest: nullIfAny('GREATEST'),
      least: nullIfAny('LEAST'),
      // FLOOR and CEIL of a DOUBLE are BIGINT in Spark.
      floor: (c, w) => floorOrCeil('FLOOR', c, w),
      ceil: (c, w) => floorOrCeil('CEIL', c, w),
      // Spark rounds a DOUBLE through its shortest decimal text (round(0.285, 2) = 0.29); the
      // portable round works on the binary value, as DuckDB and C do. Decimals round HALF_UP.
      round: (c, w) => {
        const [x, digits] = c.args;
        if (x!.type.kind !== 'double') return `ROUND(${c.args.map((a) => w.expr(a)).join(', ')})`;
        return roundDouble(w.operand(x!), digits ? integerLiteral(digits) : 0);
      },
      mod: (c, w) => `MOD(${w.expr(c.args[0]!)}, ${w.divisor(c.args[1]!)})`,
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        // DIV truncates toward zero (integers and decimals); a double goes through try_divide.
        if (a.type.kind !== 'double' && b.type.kind !== 'double')
          return `CAST(${w.wrap(a, 7)} DIV ${w.divisor(b)} AS BIGINT)`;
        return `CAST(${this.divide(a, b, w)} AS BIGINT)`;
      },
      log10: (c, w) => `LOG10(${w.expr(c.args[0]!)})`,
      format_date: (c, w) =>
        this.formatDateParts(c.args[0]!, String((c.args[1] as { value: unknown }).value), w),
      date_trunc: (c, w) => this.truncate(unitOf(c.args[0]), c.args[1]!, w),
      // any_value(x, true) skips nulls.
      any_value: (c, w) => `any_value(${w.expr(c.args[0]!)}, true)`,
      // collect_list skips nulls; an empty group is null, as STRING_AGG's.
      string_agg: (c, w) => {
        const x = w.expr(c.args[0]!);
        return `CASE WHEN COUNT(${x}) > 0 THEN array_join(collect_list(${x}), ${w.expr(c.args[1]!)}) END`;
      },
      count_if: (c, w) => `count_if(${w.expr(c.args[0]!)})`,
    };
  }

  override unnestFrom(source: string, array: string, alias: string): string {
    return `${source}\nLATERAL VIEW explode(${array}) ${alias} AS value`;
  }

  protected override tableHints(hints: TableHints | undefined, w: SqlWriter): string {
    if (!hints?.clusterBy?.length) return '';
    return `\nCLUSTER BY (${hints.clusterBy.map((c) => w.ident(c)).join(', ')})`;
  }
}

/** Java DateTimeFormatter letters for the date elements of format_date (English names). */
const JAVA_DATE_ELEMENTS: Record<string, string> = {
  YYYY: 'yyyy',
  MM: 'MM',
  DD: 'dd',
  Month: 'MMMM',
  Mon: 'MMM',
  Dy: 'EEE',
};

const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function nullIfAny(name: string): FunctionRenderer {
  return (c, w) => {
    const anyNull = c.args.map((a) => `${w.operand(a)} IS NULL`).join(' OR ');
    return `CASE WHEN ${anyNull} THEN NULL ELSE ${name}(${c.args.map((a) => w.expr(a)).join(', ')}) END`;
  };
}

function floorOrCeil(name: string, c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
  const x = c.args[0]!;
  const sql = `${name}(${w.expr(x)})`;
  return x.type.kind === 'double' ? `CAST(${sql} AS DOUBLE)` : sql;
}

/** round() of a double on its binary value, halves away from zero (as PostgreSQL's dialect does). */
function roundDouble(x: string, digits: number): string {
  const scale = `POWER(10, ${Math.abs(digits)})`;
  const scaled = digits >= 0 ? `(${x} * ${scale})` : `(${x} / ${scale})`;
  // FLOOR of a DOUBLE is a BIGINT in Spark, and overflows past 2^63: such values are whole already.
  const rounded = `SIGN(${scaled}) * FLOOR(ABS(${scaled}) + 0.5)`;
  return `CASE WHEN ABS(${scaled}) >= 1e15 THEN ${x} ELSE ${rounded} ${digits >= 0 ? '/' : '*'} ${scale} END`;
}

function integerLiteral(e: SqlExpr): number {
  if (e.k === 'lit' && typeof e.value === 'number') return e.value;
  if (e.k === 'unary' && e.op === '-' && e.arg.k === 'lit' && typeof e.arg.value === 'number')
    return -e.arg.value;
  throw new Error('internal: round digits must be an integer literal');
}
