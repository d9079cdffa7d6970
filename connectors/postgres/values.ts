/**
 * How result values are parsed: the same choices as the DuckDB connector (connectors/duckdb/
 * values.ts), so a preview reads the same on both engines.
 * - int8: a number when exact, else its decimal text (pg's default is always text);
 * - numeric: a number (pg's default is text);
 * - date and timestamp (without time zone): their text, `2024-01-31`, `2024-01-31 10:00:00[.ffffff]`
 *   (pg's default makes a Date in the daemon's time zone, shifting the wall clock);
 * - timestamptz: a Date (pg's default); everything else as pg parses it.
 */
import pg from 'pg';

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114 } as const;

function parserFor(oid: number, format?: string): (value: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (v: string) => unknown;
  switch (oid) {
    case OID.int8:
      return (v) => {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      };
    case OID.numeric:
      return (v) => Number(v);
    case OID.date:
    case OID.timestamp:
      return (v) => v;
    default:
      return pg.types.getTypeParser(oid, 'text') as (v: string) => unknown;
  }
}

export const edgeflowTypes: pg.CustomTypesConfig = {
  getTypeParser: parserFor as pg.CustomTypesConfig['getTypeParser'],
};
