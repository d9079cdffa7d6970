import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SqlExpr } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import { Dialect, nullIfAnyNull, type DialectCapabilities, type FunctionRenderer } from './dialect.js';
import type { DateUnit } from '../expr/functions.js';

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

  typeName(t: PortableType): string {
    switch (t.kind) {
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE PRECISION';
      case 'decimal':
        return `NUMERIC(${t.precision},${t.scale})`;
      case 'string':
        return 'TEXT';
      case 'bool':
        return 'BOOLEAN';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'geography':
        return 'GEOGRAPHY';
      case 'other':
        return t.native;
      case 'null':
      case 'unknown':
        return 'TEXT';
    }
  }

  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    return `CAST($${index} AS ${w.type(type)})`;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `MD5(CAST(ROW(${w.ident(alias)}.*) AS TEXT) || ${w.string(String(seed))})`;
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
      greatest: nullIfAnyNull('GREATEST'),
      least: nullIfAnyNull('LEAST'),
      // round(double) in PostgreSQL rounds half to even; numeric rounds half away from zero.
      round: (c, w) => {
        const [x, digits] = c.args;
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
          return `CAST(${w.wrap(a, 7)} / NULLIF(${w.expr(b)}, 0) AS BIGINT)`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS BIGINT)`;
      },
      // PostgreSQL 15 has no any_value (it arrives in 16).
      any_value: (c, w) => {
        const x = w.expr(c.args[0]!);
        return `(ARRAY_AGG(${x}) FILTER (WHERE ${x} IS NOT NULL))[1]`;
      },
      sign: (c, w) => `CAST(SIGN(${w.expr(c.args[0]!)}) AS ${w.type(T.int)})`,
    };
  }

  protected override moveTable(from: string[], to: string[], w: SqlWriter): string {
    // RENAME keeps the schema: the replacement is built beside its target.
    return `ALTER TABLE ${w.table(from)} RENAME TO ${w.ident(to[to.length - 1]!)}`;
  }
}
