import type { PortableType } from '../../compiler/schema/types.js';

/**
 * INFORMATION_SCHEMA.COLUMNS.DATA_TYPE (with NUMERIC_PRECISION / NUMERIC_SCALE) to portable types.
 * Snowflake reports every fixed-point type (INT, BIGINT, DECIMAL…) as NUMBER(p,s):
 * https://docs.snowflake.com/en/sql-reference/data-types-numeric
 * so an integer column is NUMBER(38,0) and maps to bigint whatever it was declared as.
 */
export function snowflakeToPortable(
  dataType: string,
  precision?: number | null,
  scale?: number | null,
): PortableType {
  const t = dataType.trim().toUpperCase();
  switch (t) {
    case 'NUMBER':
    case 'DECIMAL':
    case 'NUMERIC':
      return scale ? { kind: 'decimal', precision: precision ?? 38, scale } : { kind: 'bigint' };
    case 'FLOAT':
    case 'DOUBLE':
    case 'REAL':
      return { kind: 'double' };
    case 'TEXT':
    case 'VARCHAR':
    case 'STRING':
      return { kind: 'string' };
    case 'BOOLEAN':
      return { kind: 'bool' };
    case 'DATE':
      return { kind: 'date' };
    case 'TIMESTAMP_NTZ':
      return { kind: 'timestamp' };
    case 'TIMESTAMP_TZ':
    case 'TIMESTAMP_LTZ':
      return { kind: 'timestamptz' };
    case 'GEOGRAPHY':
      return { kind: 'geography' };
    default:
      return { kind: 'other', native: t };
  }
}

/** A result column's native type as values.ts names it (`NUMBER(12,2)`, `TEXT`…) to a portable type. */
export function snowflakeNativeToPortable(native: string): PortableType {
  const m = /^NUMBER\((\d+),(\d+)\)$/.exec(native.trim().toUpperCase());
  return m ? snowflakeToPortable('NUMBER', Number(m[1]), Number(m[2])) : snowflakeToPortable(native);
}
