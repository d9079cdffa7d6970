import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SampleQuery, SqlExpr, Statement, TableHints, WindowSpec } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { DateUnit } from '../expr/functions.js';
import { parseDateFormat } from '../expr/date-format.js';
import type { PortablePattern, RegexFlavor } from '../expr/regex.js';
import {
  Dialect,
  aggregate,
  asDouble,
  castToResult,
  frameClause,
  leftOrRight,
  nullIfAnyNull,
  percentileOf,
  percentileOverPartition,
  typedDollarPlaceholder,
  type DialectCapabilities,
  type FunctionRenderer,
  type RegexArg,
  type WindowedRenderer,
} from './dialect.js';
import { integerArg, integerLiteral, nonNegativeLiteral, roundDouble } from './postgres.js';
import { REDSHIFT_SPATIAL, REDSHIFT_SPATIAL_WINDOWED } from './spatial-redshift.js';

/**
 * Words Redshift reserves beyond the shared list (https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html):
 * a column named `tag` or `open` is quoted.
 */
const REDSHIFT_RESERVED: ReadonlySet<string> = new Set(
  `aes128 aes256 allowoverwrite az64 backup blanksasnull bytedict bzip2 credentials current_user_id defrag delta
  delta32k disable emptyasnull enable encode encrypt encryption explicit globaldict256 globaldict64k gzip identity
  language lun luns lzo lzop mostly16 mostly32 mostly8 off offline oid old open parallel percent permissions raw
  readratio recover rejectlog resort restore snapshot sysdate system tag tdes text255 text32k top truncatecolumns
  wallet without`
    .split(/\s+/)
    .filter(Boolean),
);

// SUM of BIGINT is NUMERIC(38,0) in Redshift; AVG and STDDEV of integers are integers (truncated):
// their argument is made a double first.
const SUM_AS_RESULT = castToResult(aggregate('SUM'), (c) => c.args[0]?.type.kind === 'bigint');
const doubleArg =
  (name: string): FunctionRenderer =>
  (c, w) =>
    `${name}(${c.distinct ? 'DISTINCT ' : ''}${asDouble(c.args[0]!, w)})`;

/** The temporary table a merge reads: Redshift's MERGE takes a table, not a query, as its source. */
const MERGE_SOURCE = '_ef_merge_src';

/**
 * Amazon Redshift (provisioned and Serverless). https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_reference.html
 *
 * Redshift speaks PostgreSQL 8's wire protocol and much of its SQL, and differs where it matters:
 * unquoted and quoted names alike are stored lower-case (enable_case_sensitive_identifier off, the
 * default); `'…'` strings read backslash escapes (standard_conforming_strings off); TEXT is
 * VARCHAR(256), so text is VARCHAR(65535); AVG of integers is an integer; there is no CREATE OR
 * REPLACE TABLE (replace builds beside the target and swaps in a transaction, as on PostgreSQL);
 * MERGE reads a table, not a query; window frames are ROWS only, and an aggregate over an ordered
 * window needs one; SUBSTR, LOG and CURRENT_TIMESTAMP are leader-node functions, which fail on
 * tables (SUBSTRING, DLOG10 and SYSDATE are used).
 *
 * What Redshift shares with PostgreSQL is run on PostgreSQL 15 by
 * test/execution/redshift-on-postgres.test.ts; the rest is pinned as exact text by
 * compiler/dialects/redshift.test.ts.
 */
export class RedshiftDialect extends Dialect {
  readonly name = 'redshift' as const;
  readonly title = 'Amazon Redshift';
  readonly foldUnquoted = 'lower' as const;
  protected readonly unquotedName = /^[a-z_][a-z0-9_$]*$/;
  override readonly currentTimestampSql: string = 'GETDATE()';
  readonly caps: DialectCapabilities = {
    qualify: false, // QUALIFY exists since 2023; a row_number() subquery means the same and runs on PostgreSQL too
    qualifyNeedsWhere: false,
    createOrReplaceTable: false,
    merge: true,
    mergeSource: 'table',
    transactionalDdl: true, // DDL commits or rolls back with the transaction
    exceptColumns: false,
    windowDistinct: false,
    rangeFrameOffsets: false, // ROWS frames only
    ilike: true,
    integerDivisionTruncates: true,
    createSchema: true,
    maxIdentifierLength: 127,
    partitionHint: false,
    clusterHint: true, // SORTKEY
  };

  /**
   * Every name is written lower-case, as Redshift stores it (enable_case_sensitive_identifier off,
   * its default, folds quoted names too): the SQL then means the same whether or not a session or
   * parameter group turned that setting on. `"Mixed Case"` is the column `mixed case`.
   */
  override quoteIdent(name: string): string {
    const lower = name.toLowerCase();
    const q = super.quoteIdent(lower);
    if (q.startsWith('"') || !REDSHIFT_RESERVED.has(lower)) return q;
    return `"${lower}"`;
  }

  /** Redshift stores every name lower-case, quoted or not. */
  override newColumnName(name: string): string {
    return name.toLowerCase();
  }

  override sameName(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
  }

  /** Backslashes are escapes inside '…' (as PostgreSQL with standard_conforming_strings off). */
  override stringLiteral(s: string): string {
    return super.stringLiteral(s.replace(/\\/g, '\\\\'));
  }

  protected readonly typeNames = {
    int: 'INTEGER',
    bigint: 'BIGINT',
    double: 'DOUBLE PRECISION',
    string: 'VARCHAR(65535)',
    bool: 'BOOLEAN',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    geography: 'GEOMETRY',
  } as const;

  protected override decimalTypeName(precision: number, scale: number): string {
    return `NUMERIC(${Math.min(precision, 38)},${Math.min(scale, 37)})`;
  }

  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    return typedDollarPlaceholder(index, type, w);
  }

  override cast(sql: string, from: PortableType, to: PortableType, w: SqlWriter): string {
    if (from.kind === 'geography' && to.kind === 'string') return `ST_AsText(${sql})`;
    if (from.kind === 'string' && to.kind === 'geography') return `ST_GeomFromText(${sql}, 4326)`;
    return super.cast(sql, from, to, w);
  }

  override divide(left: SqlExpr, right: SqlExpr, w: SqlWriter): string {
    const l = left.type.kind === 'double' ? w.wrap(left, 7) : this.cast(w.expr(left), left.type, T.double, w);
    return `${l} / ${w.divisor(right)}`;
  }

  override numberLiteral(text: string, type: PortableType, w: SqlWriter): string {
    return type.kind === 'double' ? `CAST(${text} AS ${w.type(type)})` : text;
  }

  /** The extract parts Redshift lacks (isodow, isoyear) come from DOW and TO_CHAR. */
  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = arg.type.kind === 'date' ? `CAST(${w.expr(arg)} AS TIMESTAMP)` : w.expr(arg);
    let sql: string;
    switch (part) {
      case 'dow':
      case 'isodow':
        sql = `MOD(CAST(EXTRACT(DOW FROM ${x}) AS INTEGER) + 6, 7) + 1`;
        break;
      case 'week':
        sql = `TO_CHAR(${x}, 'IW')`;
        break;
      case 'isoyear':
        sql = `TO_CHAR(${x}, 'IYYY')`;
        break;
      case 'second':
        sql = `FLOOR(EXTRACT(SECOND FROM ${x}))`;
        break;
      default:
        sql = `EXTRACT(${part.toUpperCase()} FROM ${x})`;
    }
    return `CAST(${sql} AS BIGINT)`;
  }

  protected override dateAdd(
    x: SqlExpr,
    n: SqlExpr,
    unit: DateUnit,
    result: PortableType,
    w: SqlWriter,
  ): string {
    // DATEADD keeps the day, or the month's last day (31 Jan + 1 month = 29 Feb).
    const sql = `DATEADD(${unit}, ${w.expr(n)}, ${w.expr(x)})`;
    return result.kind === 'timestamptz' ? sql : `CAST(${sql} AS ${w.type(result)})`;
  }

  /** Boundaries crossed, from fields and epochs that PostgreSQL reads alike. */
  protected override dateDiff(unit: DateUnit, a: SqlExpr, b: SqlExpr, w: SqlWriter): string {
    const ts = (e: SqlExpr) => (e.type.kind === 'date' ? `CAST(${w.expr(e)} AS TIMESTAMP)` : w.expr(e));
    const day = (e: SqlExpr) => (e.type.kind === 'date' ? w.expr(e) : `CAST(${w.expr(e)} AS DATE)`);
    const part = (p: string, e: SqlExpr) => `EXTRACT(${p} FROM ${ts(e)})`;
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
        sql = `(CAST(DATE_TRUNC('week', ${ts(b)}) AS DATE) - CAST(DATE_TRUNC('week', ${ts(a)}) AS DATE)) / 7`;
        break;
      case 'day':
        sql = `${day(b)} - ${day(a)}`;
        break;
      default: {
        const secs = { hour: 3600, minute: 60, second: 1 }[unit as 'hour' | 'minute' | 'second'];
        const epoch = (e: SqlExpr) => `EXTRACT(EPOCH FROM DATE_TRUNC('${unit}', ${ts(e)}))`;
        sql = `FLOOR((${epoch(b)} - ${epoch(a)}) / ${secs})`;
      }
    }
    return `CAST(${sql} AS BIGINT)`;
  }

  protected override readonly regexFlavor: RegexFlavor = 'pcre';

  // The 'p' parameter reads the pattern as PCRE (RE2's syntax, leftmost-first like RE2).
  protected override regexMatch(text: string, re: RegexArg): string {
    return `(REGEXP_INSTR(${text}, ${re.sql}, 1, 1, 0, 'p') > 0)`;
  }

  protected override regexReplace(text: string, re: RegexArg, replacement: string): string {
    return `REGEXP_REPLACE(${text}, ${re.sql}, ${replacement}, 1, 'p')`;
  }

  /** REGEXP_SUBSTR's 'e' gives the first group only: a literal pattern keeps only the wanted group. */
  protected override regexSubstr(text: string, pattern: SqlExpr, group: number, w: SqlWriter): string {
    if (group === 0) return `REGEXP_SUBSTR(${text}, ${this.regex(pattern, w).sql}, 1, 1, 'p')`;
    if (pattern.k !== 'lit')
      w.unsupported(
        'regexp_extract of a group needs the pattern written as a literal (REGEXP_SUBSTR extracts the first group of its pattern)',
        'write the pattern in the expression, or extract the whole match (no group argument)',
      );
    const re = this.regex(pattern, w, { onlyGroup: group });
    return `REGEXP_SUBSTR(${text}, ${re.sql}, 1, 1, 'pe')`;
  }

  /** REGEXP_SUBSTR gives '' without a match: null then, as the portable meaning says. */
  protected override regexExtract(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    const [text, pattern, g] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
    const group = g?.k === 'lit' && typeof g.value === 'number' ? g.value : 0;
    const x = w.expr(text);
    const sub = this.regexSubstr(x, pattern, group, w);
    return `CASE WHEN ${this.regexMatch(x, this.regex(pattern, w))} THEN ${sub} END`;
  }

  protected override groupNumber(_pattern: PortablePattern | undefined, group: number): number {
    return group;
  }

  /** format_date element by element: Redshift's TO_CHAR pads month names and knows no FM. */
  private formatDateParts(x: SqlExpr, pattern: string, w: SqlWriter): string {
    const parts = parseDateFormat(pattern);
    if (typeof parts === 'string') throw new Error(`internal: ${parts}`);
    const v = x.type.kind === 'timestamp' ? w.expr(x) : `CAST(${w.expr(x)} AS TIMESTAMP)`;
    const pieces = parts.map((p) => {
      if (!('element' in p)) return w.string(p.text);
      const sql = `TO_CHAR(${v}, '${p.element}')`;
      return p.element === 'Month' ? `RTRIM(${sql})` : sql;
    });
    return pieces.length === 1 ? pieces[0]! : `(${pieces.join(' || ')})`;
  }

  protected override percentile(c: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    return `PERCENTILE_CONT(${percentileOf(c)}) WITHIN GROUP (ORDER BY ${asDouble(c.args[0]!, w)})`;
  }

  /**
   * Frames are ROWS only, and Redshift wants one for an aggregate (or first/last_value) over an
   * ordered window. The SQL default, RANGE UNBOUNDED PRECEDING to the current row, counts tied
   * rows together, which ROWS cannot say: an aggregate then needs an explicit rows frame.
   */
  override windowFrame(spec: WindowSpec, fn: SqlExpr & { k: 'fn' }, w: SqlWriter): string {
    if (!this.takesFrame(fn)) return '';
    const frame = spec.frame;
    if (frame) {
      if (frame.unit === 'range') {
        const whole = frame.from === null && frame.to === null;
        if (whole || !spec.orderBy.length) return 'ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING';
        w.unsupported(
          'RANGE window frames are not available on Redshift (ROWS only)',
          'use a rows frame: {"unit": "rows", "from": …, "to": …}',
        );
      }
      return frameClause(frame);
    }
    if (!spec.orderBy.length) return '';
    // first_value over the default frame is the partition's first row: a rows frame says the same.
    if (fn.name === 'first_value') return 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW';
    return w.unsupported(
      `${fn.name}() over an ordered window without a frame counts tied rows together (RANGE), which Redshift cannot (ROWS frames only)`,
      'give the window a frame, e.g. "frame": {"unit": "rows", "from": "unbounded", "to": 0} for a running total that counts tied rows one at a time',
    );
  }

  override readonly windowedFunctions: Readonly<Record<string, WindowedRenderer>> = {
    sum: SUM_AS_RESULT.windowed,
    median: percentileOverPartition((c, w) => this.functions['median']!(c, w)),
    percentile_cont: percentileOverPartition((c, w) => this.functions['percentile_cont']!(c, w)),
    ...REDSHIFT_SPATIAL_WINDOWED,
  };

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      ...REDSHIFT_SPATIAL,
      sum: SUM_AS_RESULT.plain,
      avg: doubleArg('AVG'),
      stddev: doubleArg('STDDEV_SAMP'),
      // MAX is one of the non-null values, deterministic, and runs on PostgreSQL too;
      // ANY_VALUE for what cannot be ordered.
      any_value: (c, w) =>
        c.args[0]!.type.kind === 'geography' || c.args[0]!.type.kind === 'other'
          ? `ANY_VALUE(${w.expr(c.args[0]!)})`
          : `MAX(${w.expr(c.args[0]!)})`,
      string_agg: aggregate('LISTAGG'),
      length: (c, w) => `CAST(LENGTH(${w.expr(c.args[0]!)}) AS BIGINT)`,
      greatest: nullIfAnyNull('GREATEST'),
      least: nullIfAnyNull('LEAST'),
      current_timestamp: () => 'CAST(SYSDATE AS TIMESTAMPTZ)',
      // LOG is a leader-node function; DLOG10 runs on the compute nodes.
      log10: (c, w) => `DLOG10(${w.expr(c.args[0]!)})`,
      round: (c, w) => {
        const [x, digits] = c.args;
        if (x!.type.kind === 'double') return roundDouble(w.operand(x!), digits ? integerLiteral(digits) : 0);
        // ROUND of a DECIMAL halves away from zero; NUMERIC without a precision would be NUMERIC(18,0).
        const sql = `ROUND(${[w.expr(x!), ...(digits ? [w.expr(digits)] : [])].join(', ')})`;
        return c.type.kind === 'decimal' ? sql : `CAST(${sql} AS ${w.type(c.type)})`;
      },
      mod: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (a.type.kind !== 'double' && b.type.kind !== 'double') return `MOD(${w.expr(a)}, ${w.divisor(b)})`;
        const x = w.operand(a);
        const y = w.divisor(b);
        return `(${x} - ${y} * TRUNC(${x} / ${y}))`;
      },
      div: (c, w) => {
        const [a, b] = c.args as [SqlExpr, SqlExpr];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(${w.wrap(a, 7)} / ${w.divisor(b)} AS BIGINT)`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS BIGINT)`;
      },
      // SUBSTR is a leader-node function; SUBSTRING runs anywhere. A negative start counts from
      // the end, a negative length is empty text (as the other dialects).
      substr: (c, w) => {
        const [text, start, length] = c.args as [SqlExpr, SqlExpr, SqlExpr | undefined];
        const int = (e: SqlExpr) => (e.type.kind === 'int' ? w.operand(e) : `CAST(${w.expr(e)} AS INTEGER)`);
        const x = w.expr(text);
        const at = int(start);
        const from = nonNegativeLiteral(start)
          ? at
          : `CASE WHEN ${at} < 0 THEN LENGTH(${x}) + ${at} + 1 ELSE ${at} END`;
        // SUBSTRING needs a length; past the end is the rest of the text.
        const len = !length
          ? `LENGTH(${x}) + 1`
          : nonNegativeLiteral(length)
            ? int(length)
            : `GREATEST(${int(length)}, 0)`;
        return `SUBSTRING(${x}, ${from}, ${len})`;
      },
      left: leftOrRight('LEFT', integerArg),
      right: leftOrRight('RIGHT', integerArg),
      starts_with: (c, w) => {
        const [text, prefix] = c.args as [SqlExpr, SqlExpr];
        return `(LEFT(${w.expr(text)}, LENGTH(${w.expr(prefix)})) = ${w.operand(prefix)})`;
      },
      ends_with: (c, w) => {
        const [text, suffix] = c.args as [SqlExpr, SqlExpr];
        return `(RIGHT(${w.expr(text)}, LENGTH(${w.expr(suffix)})) = ${w.operand(suffix)})`;
      },
      format_date: (c, w) =>
        this.formatDateParts(c.args[0]!, String((c.args[1] as { value: unknown }).value), w),
    };
  }

  /** Seeded sampling hashes the row's columns as text (Redshift has no row-to-text). */
  override sample(q: SampleQuery, w: SqlWriter): string {
    if (q.spec.seed === undefined || ('percent' in q.spec && q.spec.percent >= 100))
      return super.sample(q, w);
    const alias = '_s';
    const text = q.columns.length
      ? q.columns
          .map((c) => `COALESCE(CAST(${w.ident(alias)}.${w.ident(c)} AS VARCHAR(65535)), '')`)
          .join(` || '|' || `)
      : "''";
    const hash = `MD5(${text} || ${w.string(String(q.spec.seed))})`;
    const from = `${w.from(q.from)} AS ${w.ident(alias)}`;
    if ('rows' in q.spec)
      return `SELECT ${w.ident(alias)}.*\nFROM ${from}\nORDER BY ${hash}\nLIMIT ${q.spec.rows}`;
    const threshold = Math.min(0xffffffff, Math.floor((q.spec.percent / 100) * 0x100000000))
      .toString(16)
      .padStart(8, '0');
    return `SELECT ${w.ident(alias)}.*\nFROM ${from}\nWHERE SUBSTRING(${hash}, 1, 8) < ${w.string(threshold)}`;
  }

  override statement(s: Statement, w: SqlWriter): string {
    if (s.kind !== 'merge' || !s.step) return super.statement(s, w);
    const src = w.ident(MERGE_SOURCE);
    switch (s.step) {
      case 'stage':
        return `CREATE TEMP TABLE ${src} AS\n${w.withQuery(s.query)}`;
      case 'unstage':
        return `DROP TABLE ${src}`;
      case 'merge':
        return this.merge(s, w);
    }
  }

  /** MERGE from the staged table; Redshift wants both WHEN clauses and no alias on the target. */
  protected override merge(s: Statement & { kind: 'merge' }, w: SqlWriter): string {
    const t = w.ident(s.table[s.table.length - 1]!);
    const src = w.ident('_src');
    const on = s.keys.map((k) => `${t}.${w.ident(k)} = ${src}.${w.ident(k)}`).join(' AND ');
    const updates = s.columns.filter((c) => !s.keys.includes(c));
    const set = (updates.length ? updates : s.keys.slice(0, 1))
      .map((c) => `${w.ident(c)} = ${src}.${w.ident(c)}`)
      .join(', ');
    return [
      `MERGE INTO ${w.table(s.table)}`,
      `USING ${w.ident(MERGE_SOURCE)} AS ${src}`,
      `ON ${on}`,
      `WHEN MATCHED THEN UPDATE SET ${set}`,
      `WHEN NOT MATCHED THEN INSERT (${s.columns.map((c) => w.ident(c)).join(', ')}) VALUES (${s.columns.map((c) => `${src}.${w.ident(c)}`).join(', ')})`,
    ].join('\n');
  }

  protected override moveTable(from: string[], to: string[], w: SqlWriter): string {
    return `ALTER TABLE ${w.table(from)} RENAME TO ${w.ident(to[to.length - 1]!)}`;
  }

  /** clusterBy is the table's sort key. */
  protected override tableHints(hints: TableHints | undefined, w: SqlWriter): string {
    if (!hints?.clusterBy?.length) return '';
    return `\nSORTKEY (${hints.clusterBy.map((c) => w.ident(c)).join(', ')})`;
  }
}
