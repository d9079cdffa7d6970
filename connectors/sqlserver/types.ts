import type { PortableType } from '../../compiler/schema/types.js';

/**
 * A SQL Server type, as INFORMATION_SCHEMA.COLUMNS (`DATA_TYPE` with its precision and scale) or
 * sp_describe_first_result_set (`system_type_name`: `decimal(12,2)`, `nvarchar(max)`) writes it.
 * https://learn.microsoft.com/sql/t-sql/data-types/data-types-transact-sql
 */
export function sqlServerToPortable(typeText: string, precision?: number, scale?: number): PortableType {
  const t = typeText.trim().toLowerCase();
  const m = /^([a-z0-9_]+)(?:\((\d+|max)\s*(?:,\s*(\d+))?\))?$/.exec(t);
  const base = m?.[1] ?? t;
  switch (base) {
    case 'bit':
      return { kind: 'bool' };
    case 'tinyint':
    case 'smallint':
    case 'int':
      return { kind: 'int' };
    case 'bigint':
      return { kind: 'bigint' };
    case 'float':
    case 'real':
      return { kind: 'double' };
    case 'decimal':
    case 'numeric': {
      const p = m?.[2] !== undefined ? Number(m[2]) : (precision ?? 18);
      const s = m?.[3] !== undefined ? Number(m[3]) : (scale ?? 0);
      return { kind: 'decimal', precision: p, scale: s };
    }
    case 'money':
      return { kind: 'decimal', precision: 19, scale: 4 };
    case 'smallmoney':
      return { kind: 'decimal', precision: 10, scale: 4 };
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
    case 'text':
    case 'ntext':
    case 'uniqueidentifier':
    case 'sysname':
      return { kind: 'string' };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
      return { kind: 'timestamp' };
    case 'datetimeoffset':
      return { kind: 'timestamptz' };
    case 'geography':
      return { kind: 'geography' };
    default:
      return { kind: 'other', native: typeText.trim().toUpperCase() };
  }
}
