import type { PortableType } from '../../compiler/schema/types.js';

/**
 * PostgreSQL types (information_schema data_type / udt_name, numeric precision and scale) to
 * portable types.
 */
export function postgresToPortable(
  dataType: string,
  udtName: string,
  precision?: number | null,
  scale?: number | null,
): PortableType {
  switch (dataType) {
    case 'smallint':
    case 'integer':
      return { kind: 'int' };
    case 'bigint':
      return { kind: 'bigint' };
    case 'real':
    case 'double precision':
      return { kind: 'double' };
    case 'numeric':
      return precision
        ? { kind: 'decimal', precision, scale: scale ?? 0 }
        : { kind: 'decimal', precision: 38, scale: 9 };
    case 'text':
    case 'character varying':
    case 'character':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'bool' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp without time zone':
      return { kind: 'timestamp' };
    case 'timestamp with time zone':
      return { kind: 'timestamptz' };
    case 'USER-DEFINED':
      return udtName === 'geography' || udtName === 'geometry'
        ? { kind: 'geography' }
        : { kind: 'other', native: udtName };
    default:
      return { kind: 'other', native: dataType === 'ARRAY' ? `${udtName.replace(/^_/, '')}[]` : dataType };
  }
}
