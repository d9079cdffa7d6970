import { T, isInteger, type PortableType } from '../schema/types.js';
import type { SampleQuery } from '../sql/ast.js';
import type { SqlWriter } from '../sql/writer.js';
import { Dialect, nullIfAnyNull, type DialectCapabilities, type FunctionRenderer } from './dialect.js';

/** DuckDB 1.x, the embedded default. https://duckdb.org/docs/sql/introduction */
export class DuckDbDialect extends Dialect {
  readonly name = 'duckdb' as const;
  readonly title = 'DuckDB';
  readonly foldUnquoted = 'none' as const; // case-insensitive, case-preserving
  protected readonly unquotedName = /^[a-z_][a-z0-9_]*$/;
  readonly caps: DialectCapabilities = {
    qualify: true,
    qualifyNeedsWhere: false,
    createOrReplaceTable: true,
    merge: true, // MERGE INTO since 1.4
    transactionalDdl: true,
    exceptColumns: 'EXCLUDE',
    rangeFrameOffsets: true,
    ilike: true,
    integerDivisionTruncates: false, // `/` is true division; `//` is integer division
    createSchema: true,
    maxIdentifierLength: 1024,
    partitionHint: false,
    clusterHint: false,
  };

  typeName(t: PortableType): string {
    switch (t.kind) {
      case 'int':
        return 'INTEGER';
      case 'bigint':
        return 'BIGINT';
      case 'double':
        return 'DOUBLE';
      case 'decimal':
        return `DECIMAL(${Math.min(t.precision, 38)},${Math.min(t.scale, 38)})`;
      case 'string':
        return 'VARCHAR';
      case 'bool':
        return 'BOOLEAN';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'timestamptz':
        return 'TIMESTAMPTZ';
      case 'geography':
        return 'GEOMETRY';
      case 'other':
        return t.native;
      case 'null':
      case 'unknown':
        return 'VARCHAR';
    }
  }

  placeholder(index: number, _name: string, type: PortableType, w: SqlWriter): string {
    return `CAST($${index} AS ${w.type(type)})`;
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

  protected override functionOverrides(): Record<string, FunctionRenderer> {
    return {
      // DuckDB's GREATEST/LEAST skip nulls; the portable meaning is null when any argument is null.
      greatest: nullIfAnyNull('GREATEST'),
      least: nullIfAnyNull('LEAST'),
      div: (c, w) => {
        const [a, b] = c.args as [typeof c, typeof c];
        if (isInteger(a.type) && isInteger(b.type))
          return `CAST(${w.wrap(a, 7)} // NULLIF(${w.expr(b)}, 0) AS ${w.type(T.bigint)})`;
        return `CAST(TRUNC(${this.divide(a, b, w)}) AS ${w.type(T.bigint)})`;
      },
    };
  }
}
