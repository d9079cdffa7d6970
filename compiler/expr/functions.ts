/**
 * The portable function allow-list: arity, argument checks and result types. Dialect renderers
 * map each name to SQL; this file decides what is valid before any SQL exists.
 */
import type { FunctionKind } from '../sql/ast.js';
import { DATE_FORMAT_HELP, hasTimeElement, parseDateFormat } from './date-format.js';
import { PatternError, parsePattern, parseReplacement } from './regex.js';
import { SPATIAL_FUNCTIONS } from './spatial-functions.js';
import {
  T,
  commonType,
  comparable,
  decimal,
  formatType,
  isInteger,
  isNumeric,
  isTemporal,
  isWildcard,
  type PortableType,
} from '../schema/types.js';

export const DATE_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;
export type DateUnit = (typeof DATE_UNITS)[number];
export const TIME_UNITS: readonly DateUnit[] = ['hour', 'minute', 'second'];
/** The parts `extract(part from x)` takes (the parser checks them). */
export const EXTRACT_PARTS = [
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'dow',
  'doy',
  'isodow',
  'isoyear',
] as const;
export type ExtractPart = (typeof EXTRACT_PARTS)[number];

export interface ArgInfo {
  type: PortableType;
  /** The value when the argument is written as a literal (always set for `literalArgs`). */
  literal?: string | number | boolean | null;
}

/** What is wrong with one argument's value (a pattern, a format), beyond its type. */
export interface ArgProblem {
  index: number;
  message: string;
  hint?: string;
}

export interface FunctionSig {
  name: string;
  kind: FunctionKind;
  minArgs: number;
  maxArgs: number;
  /** e.g. `round(x [, digits])` */
  signature: string;
  /**
   * A call as a workflow would write it, over the columns of the reference's example table
   * (compiler/expr/reference.ts): shown to users and agents, and rendered for every dialect to
   * find where the function is UNSUPPORTED.
   */
  example: string;
  doc: string;
  allowStar?: boolean;
  allowDistinct?: boolean;
  /** Indexes of arguments that must be literals (units, separators, offsets). */
  literalArgs?: number[];
  /** The result type, or a message saying what is wrong with the arguments. */
  returns(args: ArgInfo[], call: { star: boolean; distinct: boolean }): PortableType | string;
  /** Checks literal argument values (patterns, formats) once the types are right. */
  checkValues?(args: ArgInfo[]): ArgProblem | undefined;
}

const fmt = (t: PortableType) => formatType(t);
const num = (a: ArgInfo | undefined) => a === undefined || isNumeric(a.type) || isWildcard(a.type);
const str = (a: ArgInfo | undefined) => a === undefined || a.type.kind === 'string' || isWildcard(a.type);
const temporal = (a: ArgInfo | undefined) => a === undefined || isTemporal(a.type) || isWildcard(a.type);

function numericSame(name: string) {
  return (args: ArgInfo[]) =>
    num(args[0]) ? args[0]!.type : `${name} expects a number, got ${fmt(args[0]!.type)}`;
}
function stringFn(name: string, ret: PortableType = T.string) {
  return (args: ArgInfo[]) => {
    const bad = args.findIndex((a) => !str(a));
    return bad < 0 ? ret : `${name} expects text, got ${fmt(args[bad]!.type)} as argument ${bad + 1}`;
  };
}
function numericDouble(name: string) {
  return (args: ArgInfo[]) => {
    const bad = args.findIndex((a) => !num(a));
    return bad < 0 ? T.double : `${name} expects a number, got ${fmt(args[bad]!.type)}`;
  };
}
function unify(name: string) {
  return (args: ArgInfo[]) => {
    let t: PortableType = T.null;
    for (const a of args) {
      const next = commonType(t, a.type);
      if (!next)
        return `${name} arguments must have one type, got ${args.map((x) => fmt(x.type)).join(', ')}`;
      t = next;
    }
    return t;
  };
}
function unitArg(args: ArgInfo[], index: number, name: string): DateUnit | string {
  const u = args[index]?.literal;
  if (typeof u !== 'string' || !(DATE_UNITS as readonly string[]).includes(u.toLowerCase())) {
    return `${name} unit must be one of ${DATE_UNITS.map((x) => `'${x}'`).join(', ')}`;
  }
  return u.toLowerCase() as DateUnit;
}

function integerLiteral(a: ArgInfo | undefined): number | undefined {
  return typeof a?.literal === 'number' && Number.isInteger(a.literal) ? a.literal : undefined;
}

/** The problem with a literal regular expression (argument `index`), if any. */
function patternProblem(args: ArgInfo[], index: number): ArgProblem | undefined {
  const text = args[index]?.literal;
  if (typeof text !== 'string') return undefined;
  try {
    parsePattern(text);
    return undefined;
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
    return { index, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
}

function groupCount(args: ArgInfo[], index: number): number | undefined {
  const text = args[index]?.literal;
  return typeof text === 'string' ? parsePattern(text).groups : undefined;
}

const REGEX_RULES =
  "the pattern is RE2's portable subset (see Regular expressions); . does not match a line break";

const SIGS: FunctionSig[] = [
  // text
  {
    name: 'lower',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'lower(text)',
    example: 'lower(name)',
    doc: 'lower-case text',
    returns: stringFn('lower'),
  },
  {
    name: 'upper',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'upper(text)',
    example: 'upper(status)',
    doc: 'upper-case text',
    returns: stringFn('upper'),
  },
  {
    name: 'trim',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'trim(text)',
    example: 'trim(name)',
    doc: 'remove leading and trailing spaces',
    returns: stringFn('trim'),
  },
  {
    name: 'ltrim',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'ltrim(text)',
    example: 'ltrim(name)',
    doc: 'remove leading spaces',
    returns: stringFn('ltrim'),
  },
  {
    name: 'rtrim',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'rtrim(text)',
    example: 'rtrim(name)',
    doc: 'remove trailing spaces',
    returns: stringFn('rtrim'),
  },
  {
    name: 'length',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'length(text)',
    example: 'length(name)',
    doc: 'number of characters',
    returns: stringFn('length', T.bigint),
  },
  {
    name: 'substr',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 3,
    signature: 'substr(text, start [, length])',
    example: 'substr(name, 1, 3)',
    doc: 'part of a text; start counts from 1',
    returns: (args) =>
      !str(args[0])
        ? `substr expects text, got ${fmt(args[0]!.type)}`
        : args.slice(1).every((a) => isInteger(a.type) || isWildcard(a.type))
          ? T.string
          : 'substr start and length must be integers',
  },
  {
    name: 'replace',
    kind: 'scalar',
    minArgs: 3,
    maxArgs: 3,
    signature: 'replace(text, from, to)',
    example: "replace(status, '_', ' ')",
    doc: 'replace every occurrence of from with to',
    returns: stringFn('replace'),
  },
  {
    name: 'starts_with',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'starts_with(text, prefix)',
    example: "starts_with(email, 'admin@')",
    doc: 'true when text begins with prefix (case-sensitive)',
    returns: stringFn('starts_with', T.bool),
  },
  {
    name: 'ends_with',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'ends_with(text, suffix)',
    example: "ends_with(email, '.org')",
    doc: 'true when text ends with suffix (case-sensitive)',
    returns: stringFn('ends_with', T.bool),
  },
  {
    name: 'left',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'left(text, n)',
    example: 'left(code, 2)',
    doc: 'the first n characters; empty text when n < 0',
    returns: (args) => textAndCount('left', args),
  },
  {
    name: 'right',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'right(text, n)',
    example: 'right(code, 4)',
    doc: 'the last n characters; empty text when n < 0',
    returns: (args) => textAndCount('right', args),
  },
  {
    name: 'split_part',
    kind: 'scalar',
    minArgs: 3,
    maxArgs: 3,
    signature: "split_part(text, ',', n)",
    example: "split_part(email, '@', 2)",
    doc: "the n-th field (from 1) of text split at a delimiter; '' when there is no n-th field; delimiter and n are literals",
    literalArgs: [1, 2],
    returns: (args) => {
      if (!str(args[0])) return `split_part expects text, got ${fmt(args[0]!.type)}`;
      const d = args[1]?.literal;
      if (typeof d !== 'string' || d === '') return 'split_part delimiter must be a non-empty text literal';
      const n = integerLiteral(args[2]);
      if (n === undefined || n < 1) return 'split_part field number must be an integer literal, 1 or more';
      return T.string;
    },
  },
  {
    name: 'regexp_like',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: "regexp_like(text, 'pattern')",
    example: "regexp_like(email, '^[a-z]+@')",
    doc: `true when the pattern matches somewhere in text; ${REGEX_RULES}`,
    returns: stringFn('regexp_like', T.bool),
    checkValues: (args) => patternProblem(args, 1),
  },
  {
    name: 'regexp_replace',
    kind: 'scalar',
    minArgs: 3,
    maxArgs: 3,
    signature: "regexp_replace(text, 'pattern', 'replacement')",
    example: "regexp_replace(name, '\\s+', ' ')",
    doc: 'replaces every match; in the replacement `\\1`…`\\9` insert a group, `\\0` the whole match, `\\\\` a backslash',
    returns: stringFn('regexp_replace'),
    checkValues: (args) => {
      const bad = patternProblem(args, 1);
      if (bad) return bad;
      const text = args[2]?.literal;
      if (typeof text !== 'string') return undefined;
      try {
        const groups = groupCount(args, 1);
        const refs = parseReplacement(text).flatMap((p) => ('group' in p ? [p.group] : []));
        const over = groups === undefined ? undefined : refs.find((g) => g > groups);
        if (over !== undefined)
          return {
            index: 2,
            message: `the replacement refers to group ${over}, but the pattern has ${groups}`,
          };
        return undefined;
      } catch (e) {
        if (!(e instanceof PatternError)) throw e;
        return { index: 2, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
      }
    },
  },
  {
    name: 'regexp_extract',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 3,
    signature: "regexp_extract(text, 'pattern' [, group])",
    example: "regexp_extract(email, '@(.+)$', 1)",
    doc: "the first match, or the given capturing group of it (a literal number); null when nothing matches, '' for a group that takes no part",
    literalArgs: [2],
    returns: (args) => {
      const bad = stringFn('regexp_extract')(args.slice(0, 2));
      if (typeof bad === 'string') return bad;
      if (args.length > 2) {
        const g = integerLiteral(args[2]);
        if (g === undefined || g < 0) return 'regexp_extract group must be an integer literal, 0 or more';
      }
      return T.string;
    },
    checkValues: (args) => {
      const bad = patternProblem(args, 1);
      if (bad) return bad;
      const groups = groupCount(args, 1);
      const g = integerLiteral(args[2]) ?? 0;
      if (groups !== undefined && g > groups)
        return { index: 2, message: `regexp_extract asks for group ${g}, but the pattern has ${groups}` };
      return undefined;
    },
  },
  {
    name: 'concat',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 100,
    signature: 'concat(a, b, …)',
    example: "concat(name, ' <', email, '>')",
    doc: 'joins values as text; null if any argument is null (like ||)',
    returns: (args) =>
      args.some((a) => a.type.kind === 'other' || a.type.kind === 'geography')
        ? 'concat cannot join values of this type; cast them to string first'
        : T.string,
  },
  // null handling
  {
    name: 'coalesce',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 100,
    signature: 'coalesce(a, b, …)',
    example: "coalesce(email, 'unknown')",
    doc: 'the first argument that is not null',
    returns: unify('coalesce'),
  },
  {
    name: 'nullif',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'nullif(a, b)',
    example: "nullif(status, '')",
    doc: 'null when a = b, else a',
    returns: (args) =>
      comparable(args[0]!.type, args[1]!.type)
        ? args[0]!.type
        : `nullif cannot compare ${fmt(args[0]!.type)} with ${fmt(args[1]!.type)}`,
  },
  // numbers
  {
    name: 'abs',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'abs(x)',
    example: 'abs(amount)',
    doc: 'absolute value',
    returns: numericSame('abs'),
  },
  {
    name: 'sign',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'sign(x)',
    example: 'sign(amount)',
    doc: '-1, 0 or 1',
    returns: (args) => (num(args[0]) ? T.int : `sign expects a number, got ${fmt(args[0]!.type)}`),
  },
  {
    name: 'round',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 2,
    signature: 'round(x [, digits])',
    example: 'round(price, 2)',
    doc: 'rounds half away from zero in every dialect',
    literalArgs: [1],
    returns: (args) => {
      if (!num(args[0])) return `round expects a number, got ${fmt(args[0]!.type)}`;
      const digits = args[1]?.literal;
      if (args.length > 1 && (typeof digits !== 'number' || !Number.isInteger(digits)))
        return 'round digits must be an integer literal';
      const t = args[0]!.type;
      if (t.kind === 'decimal' && typeof digits === 'number')
        return decimal(t.precision, Math.max(0, Math.min(t.scale, digits)));
      return t;
    },
  },
  {
    name: 'floor',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'floor(x)',
    example: 'floor(price)',
    doc: 'largest integer not greater than x',
    returns: numericSame('floor'),
  },
  {
    name: 'ceil',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'ceil(x)',
    example: 'ceil(price)',
    doc: 'smallest integer not less than x',
    returns: numericSame('ceil'),
  },
  {
    name: 'sqrt',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'sqrt(x)',
    example: 'sqrt(price)',
    doc: 'square root',
    returns: numericDouble('sqrt'),
  },
  {
    name: 'power',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'power(x, y)',
    example: 'power(price, 2)',
    doc: 'x to the power y',
    returns: numericDouble('power'),
  },
  {
    name: 'ln',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'ln(x)',
    example: 'ln(price)',
    doc: 'natural logarithm',
    returns: numericDouble('ln'),
  },
  {
    name: 'log10',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'log10(x)',
    example: 'log10(price)',
    doc: 'base-10 logarithm',
    returns: numericDouble('log10'),
  },
  {
    name: 'exp',
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: 'exp(x)',
    example: 'exp(rate)',
    doc: 'e to the power x',
    returns: numericDouble('exp'),
  },
  ...(
    [
      ['sin', 'sine of x (radians)', 'sin(radians(lat))'],
      ['cos', 'cosine of x (radians)', 'cos(radians(lat))'],
      ['tan', 'tangent of x (radians)', 'tan(radians(lat))'],
      ['asin', 'arc sine in radians; null when x is outside [-1, 1]', 'asin(rate)'],
      ['acos', 'arc cosine in radians; null when x is outside [-1, 1]', 'acos(rate)'],
      ['atan', 'arc tangent in radians', 'atan(rate)'],
      ['radians', 'degrees to radians', 'radians(lat)'],
      ['degrees', 'radians to degrees', 'degrees(atan2(lat, lon))'],
    ] as const
  ).map(([name, doc, example]): FunctionSig => ({
    name,
    kind: 'scalar',
    minArgs: 1,
    maxArgs: 1,
    signature: `${name}(x)`,
    example,
    doc,
    returns: numericDouble(name),
  })),
  {
    name: 'atan2',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'atan2(y, x)',
    example: 'atan2(lat, lon)',
    doc: 'the angle in radians of the point (x, y) from the x axis, in [-π, π]',
    returns: numericDouble('atan2'),
  },
  {
    name: 'pi',
    kind: 'scalar',
    minArgs: 0,
    maxArgs: 0,
    signature: 'pi()',
    example: 'pi()',
    doc: 'π',
    returns: () => T.double,
  },
  {
    name: 'mod',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'mod(a, b)',
    example: 'mod(qty, 7)',
    doc: 'remainder of a / b (sign of a); same as a % b',
    returns: (args) =>
      num(args[0]) && num(args[1])
        ? (commonType(args[0]!.type, args[1]!.type) ?? T.unknown)
        : 'mod expects numbers',
  },
  {
    name: 'div',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'div(a, b)',
    example: 'div(qty, 7)',
    doc: 'integer division, truncated toward zero; null when b is 0',
    returns: (args) => (num(args[0]) && num(args[1]) ? T.bigint : 'div expects numbers'),
  },
  {
    name: 'greatest',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 100,
    signature: 'greatest(a, b, …)',
    example: 'greatest(price, 0)',
    doc: 'the largest argument; null if any argument is null',
    returns: unify('greatest'),
  },
  {
    name: 'least',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 100,
    signature: 'least(a, b, …)',
    example: 'least(price, 100)',
    doc: 'the smallest argument; null if any argument is null',
    returns: unify('least'),
  },
  // dates
  {
    name: 'date_trunc',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: "date_trunc('month', ts)",
    example: "date_trunc('month', created_at)",
    doc: 'truncates a date or timestamp to the unit; weeks start on Monday',
    literalArgs: [0],
    returns: (args) => {
      const unit = unitArg(args, 0, 'date_trunc');
      if (!(DATE_UNITS as readonly string[]).includes(unit)) return unit;
      if (!temporal(args[1])) return `date_trunc expects a date or timestamp, got ${fmt(args[1]!.type)}`;
      if (args[1]!.type.kind === 'date' && TIME_UNITS.includes(unit as DateUnit))
        return `a date has no ${unit}; cast it to timestamp first`;
      return args[1]!.type;
    },
  },
  {
    name: 'extract',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: 'extract(hour from ts)',
    example: 'extract(week from order_date)',
    doc: 'a part of a date or timestamp as an integer: year, quarter, month, week (ISO), day, hour, minute, second, dow and isodow (1 = Monday … 7 = Sunday), doy, isoyear (the year its ISO week belongs to)',
    literalArgs: [0],
    returns: (args) => {
      if (!temporal(args[1])) return `extract expects a date or timestamp, got ${fmt(args[1]!.type)}`;
      const field = String(args[0]?.literal);
      if (args[1]!.type.kind === 'date' && ['hour', 'minute', 'second'].includes(field))
        return `a date has no ${field}`;
      return T.bigint;
    },
  },
  {
    name: 'date_add',
    kind: 'scalar',
    minArgs: 3,
    maxArgs: 3,
    signature: "date_add(d, 3, 'day')",
    example: "date_add(order_date, 3, 'day')",
    doc: 'adds a whole number of units (negative subtracts)',
    literalArgs: [2],
    returns: (args) => {
      const unit = unitArg(args, 2, 'date_add');
      if (!(DATE_UNITS as readonly string[]).includes(unit)) return unit;
      if (!temporal(args[0])) return `date_add expects a date or timestamp, got ${fmt(args[0]!.type)}`;
      if (!isInteger(args[1]!.type) && !isWildcard(args[1]!.type))
        return 'date_add amount must be an integer';
      if (args[0]!.type.kind === 'date' && TIME_UNITS.includes(unit as DateUnit)) return T.timestamp;
      return args[0]!.type;
    },
  },
  {
    name: 'date_diff',
    kind: 'scalar',
    minArgs: 3,
    maxArgs: 3,
    signature: "date_diff('day', a, b)",
    example: "date_diff('day', order_date, current_date)",
    doc: 'the number of unit boundaries crossed from a to b (b - a)',
    literalArgs: [0],
    returns: (args) => {
      const unit = unitArg(args, 0, 'date_diff');
      if (!(DATE_UNITS as readonly string[]).includes(unit)) return unit;
      if (!temporal(args[1]) || !temporal(args[2])) return 'date_diff expects two dates or timestamps';
      const kinds = new Set(
        [args[1]!.type.kind, args[2]!.type.kind].filter((k) => k !== 'null' && k !== 'unknown'),
      );
      if (kinds.size > 1)
        return `date_diff arguments must have one type, got ${fmt(args[1]!.type)} and ${fmt(args[2]!.type)}; cast one`;
      return T.bigint;
    },
  },
  {
    name: 'format_date',
    kind: 'scalar',
    minArgs: 2,
    maxArgs: 2,
    signature: "format_date(d, 'YYYY-MM-DD')",
    example: "format_date(order_date, 'YYYY-MM-DD')",
    doc: `a date or timestamp as text; the pattern (a literal) has ${DATE_FORMAT_HELP}`,
    literalArgs: [1],
    returns: (args) => {
      const t = args[0]!.type;
      if (t.kind === 'timestamptz')
        return 'format_date formats a date or a timestamp without time zone; cast it first: CAST(x AS timestamp)';
      if (!temporal(args[0])) return `format_date expects a date or timestamp, got ${fmt(t)}`;
      return typeof args[1]?.literal === 'string' ? T.string : 'format_date pattern must be a text literal';
    },
    checkValues: (args) => {
      const parts = parseDateFormat(String(args[1]!.literal));
      if (typeof parts === 'string') return { index: 1, message: parts, hint: DATE_FORMAT_HELP };
      if (args[0]!.type.kind === 'date' && hasTimeElement(parts))
        return {
          index: 1,
          message: 'a date has no hours, minutes or seconds',
          hint: 'cast it to timestamp first',
        };
      return undefined;
    },
  },
  {
    name: 'current_date',
    kind: 'scalar',
    minArgs: 0,
    maxArgs: 0,
    signature: 'current_date()',
    example: 'current_date()',
    doc: "today's date in the warehouse's time zone",
    returns: () => T.date,
  },
  {
    name: 'current_timestamp',
    kind: 'scalar',
    minArgs: 0,
    maxArgs: 0,
    signature: 'current_timestamp()',
    example: 'current_timestamp()',
    doc: 'now, with time zone',
    returns: () => T.timestamptz,
  },
  // aggregates
  {
    name: 'count',
    kind: 'aggregate',
    minArgs: 0,
    maxArgs: 1,
    signature: 'count(*) | count(x) | count(distinct x)',
    example: 'count(customer_id)',
    doc: 'number of rows, of non-null values, or of distinct non-null values',
    allowStar: true,
    allowDistinct: true,
    returns: (args, call) => (call.star || args.length === 1 ? T.bigint : 'count needs * or one argument'),
  },
  {
    name: 'sum',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'sum(x)',
    example: 'sum(amount)',
    doc: 'sum of non-null values',
    allowDistinct: true,
    returns: (args) => {
      const t = args[0]!.type;
      if (!num(args[0])) return `sum expects a number, got ${fmt(t)}`;
      if (isInteger(t)) return T.bigint;
      if (t.kind === 'decimal') return decimal(38, t.scale);
      return t;
    },
  },
  {
    name: 'avg',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'avg(x)',
    example: 'avg(price)',
    doc: 'mean of non-null values',
    allowDistinct: true,
    returns: (args) => (num(args[0]) ? T.double : `avg expects a number, got ${fmt(args[0]!.type)}`),
  },
  {
    name: 'min',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'min(x)',
    example: 'min(order_date)',
    doc: 'smallest non-null value',
    returns: (args) => (orderable(args[0]!.type) ? args[0]!.type : `min cannot order ${fmt(args[0]!.type)}`),
  },
  {
    name: 'max',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'max(x)',
    example: 'max(created_at)',
    doc: 'largest non-null value',
    returns: (args) => (orderable(args[0]!.type) ? args[0]!.type : `max cannot order ${fmt(args[0]!.type)}`),
  },
  {
    name: 'stddev',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'stddev(x)',
    example: 'stddev(price)',
    doc: 'sample standard deviation',
    returns: numericDouble('stddev'),
  },
  {
    name: 'any_value',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'any_value(x)',
    example: 'any_value(name)',
    doc: 'any one non-null value of the group',
    returns: (args) => args[0]!.type,
  },
  {
    name: 'string_agg',
    kind: 'aggregate',
    minArgs: 2,
    maxArgs: 2,
    signature: "string_agg(x, ', ')",
    example: "string_agg(name, ', ')",
    doc: 'joins the non-null values of a group with a separator (order not guaranteed)',
    literalArgs: [1],
    returns: (args) =>
      !str(args[0])
        ? `string_agg expects text, got ${fmt(args[0]!.type)}; cast it to string`
        : typeof args[1]?.literal === 'string'
          ? T.string
          : 'string_agg separator must be a text literal',
  },
  {
    name: 'count_if',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'count_if(condition)',
    example: 'count_if(is_paid)',
    doc: 'number of rows where the condition is true',
    returns: (args) =>
      args[0]!.type.kind === 'bool' || isWildcard(args[0]!.type)
        ? T.bigint
        : `count_if expects a condition, got ${fmt(args[0]!.type)}`,
  },
  {
    name: 'median',
    kind: 'aggregate',
    minArgs: 1,
    maxArgs: 1,
    signature: 'median(x)',
    example: 'median(price)',
    doc: 'the exact middle of the non-null values: percentile_cont(x, 0.5)',
    returns: numericDouble('median'),
  },
  {
    name: 'percentile_cont',
    kind: 'aggregate',
    minArgs: 2,
    maxArgs: 2,
    signature: 'percentile_cont(x, 0.9)',
    example: 'percentile_cont(price, 0.9)',
    doc: 'the exact value at fraction p (a literal, 0…1) of the sorted non-null values, interpolated between the two nearest (BigQuery: from the group sorted into one array, at most ~100 MB); over a window only a whole partition (PostgreSQL: none)',
    literalArgs: [1],
    returns: (args) => {
      if (!num(args[0])) return `percentile_cont expects a number, got ${fmt(args[0]!.type)}`;
      const p = args[1]?.literal;
      return typeof p === 'number' && p >= 0 && p <= 1
        ? T.double
        : 'percentile_cont fraction must be a number literal from 0 to 1';
    },
  },
  // window functions
  {
    name: 'row_number',
    kind: 'window',
    minArgs: 0,
    maxArgs: 0,
    signature: 'row_number()',
    example: 'row_number()',
    doc: '1, 2, 3… within the partition',
    returns: () => T.bigint,
  },
  {
    name: 'rank',
    kind: 'window',
    minArgs: 0,
    maxArgs: 0,
    signature: 'rank()',
    example: 'rank()',
    doc: 'rank with gaps after ties',
    returns: () => T.bigint,
  },
  {
    name: 'dense_rank',
    kind: 'window',
    minArgs: 0,
    maxArgs: 0,
    signature: 'dense_rank()',
    example: 'dense_rank()',
    doc: 'rank without gaps',
    returns: () => T.bigint,
  },
  {
    name: 'ntile',
    kind: 'window',
    minArgs: 1,
    maxArgs: 1,
    signature: 'ntile(4)',
    example: 'ntile(4)',
    doc: 'bucket number 1…n',
    literalArgs: [0],
    returns: (args) =>
      typeof args[0]?.literal === 'number' && Number.isInteger(args[0].literal) && args[0].literal > 0
        ? T.bigint
        : 'ntile needs a positive integer literal',
  },
  {
    name: 'lag',
    kind: 'window',
    minArgs: 1,
    maxArgs: 3,
    signature: 'lag(x [, offset [, default]])',
    example: 'lag(amount)',
    doc: 'the value offset rows before (default 1)',
    literalArgs: [1],
    returns: (args) => offsetFn('lag', args),
  },
  {
    name: 'lead',
    kind: 'window',
    minArgs: 1,
    maxArgs: 3,
    signature: 'lead(x [, offset [, default]])',
    example: 'lead(amount, 1, 0)',
    doc: 'the value offset rows after (default 1)',
    literalArgs: [1],
    returns: (args) => offsetFn('lead', args),
  },
  {
    name: 'first_value',
    kind: 'window',
    minArgs: 1,
    maxArgs: 1,
    signature: 'first_value(x)',
    example: 'first_value(status)',
    doc: 'the first value of the window frame',
    returns: (args) => args[0]!.type,
  },
  {
    name: 'last_value',
    kind: 'window',
    minArgs: 1,
    maxArgs: 1,
    signature: 'last_value(x)',
    example: 'last_value(status)',
    doc: 'the last value of the window frame',
    returns: (args) => args[0]!.type,
  },
  ...SPATIAL_FUNCTIONS,
];

function textAndCount(name: string, args: ArgInfo[]): PortableType | string {
  if (!str(args[0])) return `${name} expects text, got ${fmt(args[0]!.type)}`;
  return isInteger(args[1]!.type) || isWildcard(args[1]!.type)
    ? T.string
    : `${name} count must be an integer`;
}

function orderable(t: PortableType): boolean {
  return t.kind !== 'geography' && t.kind !== 'other';
}

function offsetFn(name: string, args: ArgInfo[]): PortableType | string {
  if (args.length > 1) {
    const off = args[1]!.literal;
    if (typeof off !== 'number' || !Number.isInteger(off) || off < 0)
      return `${name} offset must be a non-negative integer literal`;
  }
  if (args.length > 2) {
    const t = commonType(args[0]!.type, args[2]!.type);
    if (!t) return `${name} default must have the type of its value (${fmt(args[0]!.type)})`;
    return t;
  }
  return args[0]!.type;
}

export const FUNCTIONS: ReadonlyMap<string, FunctionSig> = new Map(SIGS.map((s) => [s.name, s]));

/** Functions that may appear without parentheses, as in SQL. */
export const NILADIC_FUNCTIONS = new Set(['current_date', 'current_timestamp']);

/** Value functions over a window frame (ranking functions take no frame). */
export const FRAMED_WINDOW_FUNCTIONS = new Set(['first_value', 'last_value']);
