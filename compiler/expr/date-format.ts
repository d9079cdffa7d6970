/**
 * format_date's portable pattern: a few elements every warehouse can write the same way (names
 * in English), translated to strftime (DuckDB, BigQuery) or to_char (PostgreSQL, Snowflake).
 * https://duckdb.org/docs/sql/functions/dateformat · https://www.postgresql.org/docs/15/functions-formatting.html
 * https://docs.snowflake.com/en/sql-reference/functions-conversion#date-and-time-formats-in-conversion-functions
 */

export type DateFormatFlavor = 'strftime' | 'postgres' | 'snowflake';

/** Each element's spelling per flavor; PostgreSQL pads month names to 9 characters unless FM. */
const ELEMENTS = {
  YYYY: { strftime: '%Y', postgres: 'YYYY', snowflake: 'YYYY', time: false },
  MM: { strftime: '%m', postgres: 'MM', snowflake: 'MM', time: false },
  DD: { strftime: '%d', postgres: 'DD', snowflake: 'DD', time: false },
  HH24: { strftime: '%H', postgres: 'HH24', snowflake: 'HH24', time: true },
  MI: { strftime: '%M', postgres: 'MI', snowflake: 'MI', time: true },
  SS: { strftime: '%S', postgres: 'SS', snowflake: 'SS', time: true },
  Month: { strftime: '%B', postgres: 'FMMonth', snowflake: 'MMMM', time: false },
  Mon: { strftime: '%b', postgres: 'Mon', snowflake: 'MON', time: false },
  Dy: { strftime: '%a', postgres: 'Dy', snowflake: 'DY', time: false },
} as const;
type Element = keyof typeof ELEMENTS;

/** Longest first, so `Month` is not read as `Mon` + `th`. */
const NAMES = (Object.keys(ELEMENTS) as Element[]).sort((a, b) => b.length - a.length);
const SEPARATORS = ' -/:.,';

export const DATE_FORMAT_HELP = `elements ${Object.keys(ELEMENTS).join(', ')} (Mon = Jan, Month = January, Dy = Mon); separators space - / : . , and "quoted text"`;

export type DateFormatPart = { element: Element } | { text: string };

/** The pattern's parts, or what is wrong with it. */
export function parseDateFormat(pattern: string): DateFormatPart[] | string {
  const parts: DateFormatPart[] = [];
  let i = 0;
  while (i < pattern.length) {
    const name = NAMES.find((n) => pattern.startsWith(n, i));
    if (name) {
      parts.push({ element: name });
      i += name.length;
      continue;
    }
    const c = pattern[i]!;
    if (SEPARATORS.includes(c)) {
      parts.push({ text: c });
      i++;
      continue;
    }
    if (c === '"') {
      const end = pattern.indexOf('"', i + 1);
      const text = pattern.slice(i + 1, end);
      if (end < 0) return `format_date pattern ${JSON.stringify(pattern)}: a "quoted text" is not closed`;
      if (text.includes('\\'))
        return `format_date pattern ${JSON.stringify(pattern)}: quoted text cannot hold a backslash`;
      if (text) parts.push({ text });
      i = end + 1;
      continue;
    }
    return `format_date pattern ${JSON.stringify(pattern)}: unknown element at ${JSON.stringify(pattern.slice(i, i + 5))}`;
  }
  return parts;
}

export function hasTimeElement(parts: DateFormatPart[]): boolean {
  return parts.some((p) => 'element' in p && ELEMENTS[p.element].time);
}

export function renderDateFormat(parts: DateFormatPart[], flavor: DateFormatFlavor): string {
  return parts
    .map((p) => {
      if ('element' in p) return ELEMENTS[p.element][flavor];
      if (flavor === 'strftime') return p.text.replace(/%/g, '%%');
      // to_char reads letters as elements: literal text other than separators goes in quotes.
      return [...p.text].every((c) => SEPARATORS.includes(c)) ? p.text : `"${p.text}"`;
    })
    .join('');
}
