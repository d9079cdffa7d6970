import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SqlExpr, TableHints } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { DateUnit } from '../expr/functions.js';
import {
  Dialect,
  plain,
  unitOf,
  unitSql,
  type DialectCapabilities,
  type FunctionRenderer,
} from './dialect.js';

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
    return q.startsWith('`') ? '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`' : q;
  }

  override stringLiteral(s: string): string {
    if (s.includes('\u0000')) return super.stringLiteral(s);
    // GoogleSQL strings use backslash escapes, and a quoted string may not contain a raw newline.
    const escaped = s.replace(
      /[\\'\n\r\t]/g,
      (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!,
    );
    return `'${escaped}'`;
  }

  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `DATETIME ${w.string(iso.replace('T', ' '))}`;
  }

  typeName(t: PortableType): string {
    switch (t.kind) {
      case 'int':
      case 'bigint':
        return 'INT64';
      case 'double':
        return 'FLOAT64';
      case 'decimal':
        return t.scale <= 9 && t.precision - t.scale <= 29
          ? `NUMERIC(${t.precision},${t.scale})`
          : `BIGNUMERIC(${t.precision},${t.scale})`;
      case 'string':
        return 'STRING';
      case 'bool':
        return 'BOOL';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'DATETIME';
      case 'timestamptz':
        return 'TIMESTAMP';
      case 'geography':
        return 'GEOGRAPHY';
      case 'other':
        return t.native;
      case 'null':
      case 'unknown':
        return 'STRING';
    }
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
    if (part === 'dow') return `MOD(EXTRACT(DAYOFWEEK FROM ${x}) + 5, 7) + 1`; // DAYOFWEEK: 1 = Sunday
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
    if (kind === 'date') return `DATE_DIFF(${w.expr(b)}, ${w.expr(a)}, ${this.part(unit)})`;
    // DATETIME_DIFF counts boundaries like DATE_DIFF; TIMESTAMP_DIFF counts whole intervals, so avoid it.
    const dt = (e: SqlExpr) => (e.type.kind === 'timestamptz' ? `DATETIME(${w.expr(e)})` : w.expr(e));
    return `DATETIME_DIFF(${dt(b)}, ${dt(a)}, ${this.part(unit)})`;
  }

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
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
        if (isInteger(a.type) && isInteger(b.type)) return `DIV(${w.expr(a)}, NULLIF(${w.expr(b)}, 0))`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS INT64)`;
      },
      sign: (c, w) => `CAST(SIGN(${w.expr(c.args[0]!)}) AS ${w.type(T.int)})`,
      power: plain('POWER'),
    };
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
