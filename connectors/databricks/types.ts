import type { PortableType } from '../../compiler/schema/types.js';

/**
 * A Databricks type as information_schema (`full_data_type`), DESCRIBE QUERY (`data_type`) or the
 * Statement Execution API's manifest (`type_text`) write it — `int`, `decimal(12,2)`,
 * `timestamp_ntz`, `array<string>`, `geometry(4326)` — to a portable type.
 * https://docs.databricks.com/en/sql/language-manual/sql-ref-datatypes.html
 */
export function databricksToPortable(typeText: string): PortableType {
  const t = typeText.trim().toLowerCase();
  const decimal = /^(?:decimal|dec|numeric)(?:\((\d+)\s*(?:,\s*(\d+))?\))?$/.exec(t);
  if (decimal) {
    const precision = decimal[1] ? Number(decimal[1]) : 10;
    const scale = decimal[2] ? Number(decimal[2]) : 0;
    return { kind: 'decimal', precision, scale };
  }
  switch (t) {
    case 'tinyint':
    case 'byte':
    case 'smallint':
    case 'short':
    case 'int':
    case 'integer':
      return { kind: 'int' };
    case 'bigint':
    case 'long':
      return { kind: 'bigint' };
    case 'float':
    case 'real':
    case 'double':
      return { kind: 'double' };
    case 'string':
      return { kind: 'string' };
    case 'boolean':
      return { kind: 'bool' };
    case 'date':
      return { kind: 'date' };
    case 'timestamp_ntz':
      return { kind: 'timestamp' };
    case 'timestamp':
    case 'timestamp_ltz':
      return { kind: 'timestamptz' };
    case 'void':
      return { kind: 'null' };
    default:
      if (/^(?:var)?char\(\d+\)$/.test(t)) return { kind: 'string' };
      // The spatial pack holds geography as GEOMETRY(4326) (compiler/dialects/spatial-databricks.ts).
      if (/^geometry\(\s*4326\s*\)$/.test(t) || /^geography(\(\s*4326\s*\))?$/.test(t))
        return { kind: 'geography' };
      return { kind: 'other', native: typeText.trim().toUpperCase() };
  }
}
