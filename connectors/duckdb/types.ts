import type { PortableType } from '../../compiler/schema/types.js';

/** DuckDB type names (as information_schema spells them) to portable types. */
export function duckdbToPortable(native: string): PortableType {
  const t = native.trim().toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return { kind: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) };
  switch (t) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'UTINYINT':
    case 'USMALLINT':
      return { kind: 'int' };
    case 'BIGINT':
    case 'UINTEGER':
      return { kind: 'bigint' };
    case 'UBIGINT':
    case 'HUGEINT':
    case 'UHUGEINT':
      return { kind: 'decimal', precision: 38, scale: 0 };
    case 'FLOAT':
    case 'DOUBLE':
      return { kind: 'double' };
    case 'VARCHAR':
      return { kind: 'string' };
    case 'BOOLEAN':
      return { kind: 'bool' };
    case 'DATE':
      return { kind: 'date' };
    case 'TIMESTAMP':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_MS':
    case 'TIMESTAMP_NS':
      return { kind: 'timestamp' };
    case 'TIMESTAMP WITH TIME ZONE':
    case 'TIMESTAMPTZ':
      return { kind: 'timestamptz' };
    case 'GEOMETRY':
      return { kind: 'geography' };
    default:
      return { kind: 'other', native: t };
  }
}
