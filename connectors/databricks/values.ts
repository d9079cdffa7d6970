/**
 * Row values of the Statement Execution API's JSON_ARRAY format (every value is a string, or null)
 * to the convention of connector.ts, by each column's type in the result manifest. Spark writes
 * values as CAST(x AS STRING) does: decimals exactly, doubles as `1.5`/`NaN`/`Infinity`, dates
 * `2024-01-31`, TIMESTAMP_NTZ as a wall clock and TIMESTAMP as an instant (ISO-8601 with its
 * offset or `Z`; one without an offset is read in UTC, the SQL warehouses' default session time
 * zone), arrays, maps and structs as JSON text. https://docs.databricks.com/api/workspace/statementexecution
 */
import { epochMicros, exactValue, instantText, timestampText, wkbToWkt } from '../values.js';

/** A column of the result manifest (`manifest.schema.columns`). */
export interface ManifestColumn {
  name: string;
  position?: number;
  type_name?: string;
  type_text?: string;
  type_precision?: number;
  type_scale?: number;
}

/** The column's type in lower case, `decimal(12,2)`, `timestamp_ntz`, `array<string>`. */
export function columnType(c: ManifestColumn): string {
  return (c.type_text ?? c.type_name ?? 'string').trim().toLowerCase();
}

type Converter = (text: string) => unknown;

function converterFor(type: string): Converter {
  const base = type.replace(/[(<].*$/, '').trim();
  switch (base) {
    case 'tinyint':
    case 'byte':
    case 'smallint':
    case 'short':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'long':
    case 'decimal':
    case 'dec':
    case 'numeric':
      return exactValue;
    case 'float':
    case 'real':
    case 'double':
      return doubleValue;
    case 'boolean':
      return (t) => t.trim().toLowerCase() === 'true';
    case 'date':
      return (t) => t.trim().slice(0, 10);
    case 'timestamp_ntz':
      return (t) => {
        const p = parseStamp(t);
        return p ? timestampText(epochMicros(p, p.fraction)) : t;
      };
    case 'timestamp':
    case 'timestamp_ltz':
      return (t) => {
        const p = parseStamp(t);
        return p ? instantText(epochMicros(p, p.fraction, p.offsetSeconds)) : t;
      };
    case 'array':
    case 'map':
    case 'struct':
    case 'variant':
      return (t) => {
        try {
          return JSON.parse(t) as unknown;
        } catch {
          return t;
        }
      };
    case 'geometry':
    case 'geography':
      return geometryText;
    default:
      return (t) => t;
  }
}

function doubleValue(text: string): number | string {
  const t = text.trim();
  if (/^[+-]?nan$/i.test(t)) return 'NaN';
  if (/^\+?inf(inity)?$/i.test(t)) return 'Infinity';
  if (/^-inf(inity)?$/i.test(t)) return '-Infinity';
  const n = Number(t);
  return Number.isNaN(n) ? text : n;
}

/** WKT as written, EWKT without its SRID, or (E)WKB in hex decoded. */
function geometryText(text: string): string {
  const t = text.trim();
  const ewkt = /^SRID=\d+;(.*)$/is.exec(t);
  if (ewkt) return ewkt[1]!;
  if (/^(?:[0-9a-f]{2})+$/i.test(t) && t.length >= 10) return wkbToWkt(Buffer.from(t, 'hex')) ?? t;
  return t;
}

interface Stamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
  offsetSeconds: number;
}

/** `2024-01-31 10:00:00.123456`, `2024-01-31T08:00:00.123456Z`, `…+02:00`, `…+0200`. */
function parseStamp(text: string): Stamp | undefined {
  const m =
    /^(-?\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  let offsetSeconds = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetSeconds = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 3600 + Number(z[3] ?? 0) * 60);
  }
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    fraction: m[7] ?? '',
    offsetSeconds,
  };
}

/** Converts rows of strings to objects keyed by column name, by the manifest's types. */
export function rowsToObjects(
  columns: readonly ManifestColumn[],
  data: ReadonlyArray<ReadonlyArray<string | null>>,
): Array<Record<string, unknown>> {
  const converters = columns.map((c) => converterFor(columnType(c)));
  return data.map((row) => {
    const out: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const v = row[i];
      out[c.name] = v === null || v === undefined ? null : converters[i]!(v);
    });
    return out;
  });
}
