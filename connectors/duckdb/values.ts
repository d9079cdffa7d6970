/**
 * DuckDB values to plain JS, by the convention of connectors/connector.ts (above `ExecuteResult`),
 * from DuckDB's exact representations (@duckdb/node-api value objects), never its lossy JS ones:
 * - BIGINT, HUGEINT, the unsigned 64/128-bit types, BIGNUM: the integer rule (number or exact text);
 * - DECIMAL: from its unscaled integer and scale (DuckDB's own JS conversion makes a double);
 * - FLOAT, DOUBLE: numbers, NaN/±Infinity as text;
 * - DATE, TIME, TIMESTAMP (_S, _MS, _NS: nanoseconds truncated): text; TIMESTAMPTZ: the instant in
 *   UTC as ISO text (not a Date); ±infinity as DuckDB writes it;
 * - INTERVAL: ISO-8601 duration when no part is negative, else DuckDB's text;
 * - BLOB: base64; GEOMETRY (WKB, in core DuckDB, no spatial extension needed): WKT, or the WKB as
 *   hex when it holds a type the decoder does not read; BIT, TIME WITH TIME ZONE: DuckDB's text;
 * - LIST, ARRAY, STRUCT, MAP (an array of `{key, value}`), UNION (`{tag, value}`), VARIANT: as
 *   @duckdb/node-api shapes them, their members converted by these rules.
 */
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBGeometryValue,
  type DuckDBIntervalValue,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBTimeNSValue,
  type DuckDBTimeValue,
  type DuckDBValue,
  type DuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';
import {
  bytesText,
  dateText,
  floatValue,
  instantText,
  integerValue,
  isoDuration,
  scaledValue,
  timestampText,
  timeText,
  wkbToWkt,
} from '../values.js';

type Finite = { readonly isFinite: boolean };
const DATE_INFINITY = 2 ** 31 - 1;

/** Epoch microseconds of any TIMESTAMP flavour, or undefined for ±infinity. */
function micros(value: DuckDBValue, typeId: DuckDBTypeId): bigint | undefined {
  if (!(value as unknown as Finite).isFinite) return undefined;
  switch (typeId) {
    case DuckDBTypeId.TIMESTAMP_S:
      return (value as DuckDBTimestampSecondsValue).seconds * 1_000_000n;
    case DuckDBTypeId.TIMESTAMP_MS:
      return (value as DuckDBTimestampMillisecondsValue).millis * 1_000n;
    case DuckDBTypeId.TIMESTAMP_NS: {
      const nanos = (value as DuckDBTimestampNanosecondsValue).nanos;
      const q = nanos / 1_000n;
      return nanos < 0n && q * 1_000n !== nanos ? q - 1n : q; // truncate toward the past
    }
    default:
      return (value as DuckDBTimestampValue | DuckDBTimestampTZValue).micros;
  }
}

export const toPlainJs: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return typeof value === 'bigint' ? integerValue(value) : Number(value);
    case DuckDBTypeId.DECIMAL: {
      const d = value as DuckDBDecimalValue;
      return scaledValue(d.value, d.scale);
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return floatValue(Number(value));
    case DuckDBTypeId.DATE: {
      // ±infinity are the extreme day counts (the bindings' is_finite_date does not say so).
      const days = (value as DuckDBDateValue).days;
      return Math.abs(days) >= DATE_INFINITY ? (days > 0 ? 'infinity' : '-infinity') : dateText(days);
    }
    case DuckDBTypeId.TIME:
      return timeText(Number((value as DuckDBTimeValue).micros));
    case DuckDBTypeId.TIME_NS:
      return timeText(Number((value as DuckDBTimeNSValue).nanos / 1_000n));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: {
      const us = micros(value, type.typeId);
      return us === undefined ? String(value) : timestampText(us);
    }
    case DuckDBTypeId.TIMESTAMP_TZ: {
      const us = micros(value, type.typeId);
      return us === undefined ? String(value) : instantText(us);
    }
    case DuckDBTypeId.INTERVAL: {
      const i = value as DuckDBIntervalValue;
      return isoDuration(i.months, i.days, i.micros) ?? String(i);
    }
    case DuckDBTypeId.BLOB:
      return bytesText((value as DuckDBBlobValue).bytes);
    case DuckDBTypeId.GEOMETRY: {
      const wkb = (value as DuckDBGeometryValue).bytes;
      return wkbToWkt(wkb) ?? Buffer.from(wkb).toString('hex').toUpperCase();
    }
    case DuckDBTypeId.BIT:
    case DuckDBTypeId.TIME_TZ:
      return String(value);
    default:
      return JSDuckDBValueConverter(value, type, converter);
  }
};

/**
 * Parameters as DuckDB binds them: `undefined` is NULL; a Date is bound as its ISO text (DuckDB
 * cannot infer a type for a JS Date; the SQL's cast or comparison gives the text its type).
 */
export function toDuckDbParam(v: unknown): DuckDBValue {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return v as DuckDBValue;
}
