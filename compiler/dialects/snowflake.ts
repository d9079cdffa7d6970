import { type PortableType } from '../schema/types.js';
import type { SqlExpr, TableHints } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import type { DateUnit } from '../expr/functions.js';
import { Dialect, aggregate, unitSql, type DialectCapabilities, type FunctionRenderer } from './dialect.js';

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
    // Single-quoted strings interpret backslash escapes.
    return super.stringLiteral(s.replace(/\\/g, '\\\\'));
  }

  override timestampLiteral(iso: string, w: SqlWriter): string {
    return `CAST(${w.string(iso.replace('T', ' '))} AS TIMESTAMP_NTZ)`;
  }

  typeName(t: PortableType): string {
    switch (t.kind) {
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'decimal':
        return `NUMBER(${Math.min(t.precision, 38)},${Math.min(t.scale, 37)})`;
      case 'string':
        return 'VARCHAR';
      case 'bool':
        return 'BOOLEAN';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP_NTZ';
      case 'timestamptz':
        return 'TIMESTAMP_TZ';
      case 'geography':
        return 'GEOGRAPHY';
      case 'other':
        return t.native;
      case 'null':
      case 'unknown':
        return 'VARCHAR';
    }
  }

  placeholder(index: number): string {
    return `:${index}`;
  }

  protected override rowHashHex(alias: string, seed: number, w: SqlWriter): string {
    return `MD5(TO_VARCHAR(HASH(${w.ident(alias)}.*)) || ${w.string(String(seed))})`;
  }

  protected override extract(part: string, arg: SqlExpr, w: SqlWriter): string {
    const x = w.expr(arg);
    const fn = { week: 'WEEKISO', dow: 'DAYOFWEEKISO', doy: 'DAYOFYEAR' }[part];
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

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      string_agg: aggregate('LISTAGG'),
      log10: (c, w) => `LOG(10, ${w.expr(c.args[0]!)})`,
    };
  }

  protected override tableHints(hints: TableHints | undefined, w: SqlWriter): string {
    if (!hints?.clusterBy?.length) return '';
    return `\nCLUSTER BY (${hints.clusterBy.map((c) => w.ident(c)).join(', ')})`;
  }
}
