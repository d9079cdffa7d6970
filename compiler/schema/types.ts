/**
 * Portable column types. Every dialect maps these to its own names; schema propagation and type
 * checking happen on these, so `sum(name)` is an error before any SQL runs.
 */
export type PortableType =
  | { kind: 'int' }
  | { kind: 'bigint' }
  | { kind: 'double' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'timestamptz' }
  | { kind: 'geography' }
  /** A warehouse type edgeflow passes through but does not compute with (JSON, arrays, bytes…). */
  | { kind: 'other'; native: string }
  /** The type of a bare `null` literal: fits anywhere. */
  | { kind: 'null' }
  /** Used after an error so one mistake does not cascade into many. */
  | { kind: 'unknown' };

export type TypeKind = PortableType['kind'];

export const T = {
  int: { kind: 'int' },
  bigint: { kind: 'bigint' },
  double: { kind: 'double' },
  string: { kind: 'string' },
  bool: { kind: 'bool' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  timestamptz: { kind: 'timestamptz' },
  geography: { kind: 'geography' },
  null: { kind: 'null' },
  unknown: { kind: 'unknown' },
} as const satisfies Record<string, PortableType>;

export function decimal(precision: number, scale: number): PortableType {
  return { kind: 'decimal', precision, scale };
}

export function formatType(t: PortableType): string {
  switch (t.kind) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'other':
      return t.native.toLowerCase();
    default:
      return t.kind;
  }
}

const TYPE_ALIASES: Record<string, TypeKind> = {
  int: 'int',
  integer: 'int',
  int32: 'int',
  bigint: 'bigint',
  int64: 'bigint',
  long: 'bigint',
  double: 'double',
  float: 'double',
  float64: 'double',
  real: 'double',
  string: 'string',
  text: 'string',
  varchar: 'string',
  bool: 'bool',
  boolean: 'bool',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  timestamptz: 'timestamptz',
  geography: 'geography',
  geometry: 'geography',
};

export const PORTABLE_TYPE_NAMES = [
  'int',
  'bigint',
  'double',
  'decimal(p,s)',
  'string',
  'bool',
  'date',
  'timestamp',
  'timestamptz',
  'geography',
] as const;

/** Parses a portable type name (`int`, `decimal(12,2)`, `string`…); undefined when unknown. */
export function parseTypeName(text: string): PortableType | undefined {
  const s = text.trim().toLowerCase();
  const dec = /^(?:decimal|numeric)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(s);
  if (dec) {
    const precision = dec[1] === undefined ? 38 : Number(dec[1]);
    const scale = dec[2] === undefined ? (dec[1] === undefined ? 9 : 0) : Number(dec[2]);
    if (precision < 1 || precision > 76 || scale > precision) return undefined;
    return { kind: 'decimal', precision, scale };
  }
  const kind = Object.hasOwn(TYPE_ALIASES, s) ? TYPE_ALIASES[s] : undefined;
  if (kind === undefined) return undefined;
  return { kind } as PortableType;
}

export function isNumeric(t: PortableType): boolean {
  return t.kind === 'int' || t.kind === 'bigint' || t.kind === 'double' || t.kind === 'decimal';
}
export function isInteger(t: PortableType): boolean {
  return t.kind === 'int' || t.kind === 'bigint';
}
export function isTemporal(t: PortableType): boolean {
  return t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'timestamptz';
}
/** `null` and `unknown` fit anywhere; they never cause a type error themselves. */
export function isWildcard(t: PortableType): boolean {
  return t.kind === 'null' || t.kind === 'unknown';
}

export function sameType(a: PortableType, b: PortableType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'decimal' && b.kind === 'decimal') return a.precision === b.precision && a.scale === b.scale;
  if (a.kind === 'other' && b.kind === 'other') return a.native.toLowerCase() === b.native.toLowerCase();
  return true;
}

const NUMERIC_RANK: Partial<Record<TypeKind, number>> = { int: 1, bigint: 2, decimal: 3, double: 4 };

/**
 * The common supertype of two types (for CASE branches, UNION columns, IN lists, comparisons),
 * or undefined when they do not mix (a string and a number).
 */
export function commonType(a: PortableType, b: PortableType): PortableType | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return T.unknown;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.kind === 'decimal' && b.kind === 'decimal') {
      const scale = Math.max(a.scale, b.scale);
      const integerDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
      return decimal(Math.min(38, integerDigits + scale), scale);
    }
    if (a.kind === 'decimal' && isInteger(b)) return widenDecimalForInteger(a, b);
    if (b.kind === 'decimal' && isInteger(a)) return widenDecimalForInteger(b, a);
    return NUMERIC_RANK[a.kind]! >= NUMERIC_RANK[b.kind]! ? a : b;
  }
  if (isTemporal(a) && isTemporal(b)) {
    if (a.kind === 'timestamptz' || b.kind === 'timestamptz') return undefined; // zone-aware vs naive: make it explicit
    return T.timestamp;
  }
  return undefined;
}

function widenDecimalForInteger(d: PortableType & { kind: 'decimal' }, i: PortableType): PortableType {
  const digits = i.kind === 'int' ? 10 : 19;
  return decimal(Math.min(38, Math.max(d.precision - d.scale, digits) + d.scale), d.scale);
}

/** Whether values of the two types can be compared with `=`/`<` (or joined on). */
export function comparable(a: PortableType, b: PortableType): boolean {
  if (isWildcard(a) || isWildcard(b)) return true;
  if (a.kind === 'geography' || b.kind === 'geography') return false;
  if (a.kind === 'other' || b.kind === 'other') return a.kind === b.kind && sameType(a, b);
  return commonType(a, b) !== undefined;
}
