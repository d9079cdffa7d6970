import type { PortableType } from '../../compiler/schema/types.js';

/**
 * BigQuery column types, as `INFORMATION_SCHEMA.COLUMNS.data_type` spells them (`INT64`,
 * `NUMERIC(10, 2)`, `STRING(20)`, `ARRAY<INT64>`…), to portable types.
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types
 */
export function bigqueryToPortable(dataType: string): PortableType {
  const t = dataType.trim().toUpperCase();
  const parameterised = /^(NUMERIC|DECIMAL|BIGNUMERIC|BIGDECIMAL)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(
    t,
  );
  if (parameterised) {
    return { kind: 'decimal', precision: Number(parameterised[2]), scale: Number(parameterised[3] ?? 0) };
  }
  switch (t.replace(/\(\s*\d+\s*\)$/, '')) {
    case 'INT64':
    case 'INTEGER':
    case 'INT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'TINYINT':
    case 'BYTEINT':
      return { kind: 'bigint' };
    case 'FLOAT64':
    case 'FLOAT':
      return { kind: 'double' };
    // Unparameterised NUMERIC is NUMERIC(38, 9); BIGNUMERIC holds 76.76 digits, 38 after the point.
    case 'NUMERIC':
    case 'DECIMAL':
      return { kind: 'decimal', precision: 38, scale: 9 };
    case 'BIGNUMERIC':
    case 'BIGDECIMAL':
      return { kind: 'decimal', precision: 76, scale: 38 };
    case 'STRING':
      return { kind: 'string' };
    case 'BOOL':
    case 'BOOLEAN':
      return { kind: 'bool' };
    case 'DATE':
      return { kind: 'date' };
    case 'DATETIME': // civil time, no zone: the portable `timestamp`
      return { kind: 'timestamp' };
    case 'TIMESTAMP': // an instant: the portable `timestamptz`
      return { kind: 'timestamptz' };
    case 'GEOGRAPHY':
      return { kind: 'geography' };
    default:
      return { kind: 'other', native: dataType.trim() };
  }
}
