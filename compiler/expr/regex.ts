/**
 * The portable regular-expression syntax: the part of RE2 that DuckDB and BigQuery (RE2),
 * PostgreSQL (ARE) and Snowflake (POSIX ERE with Perl classes) read the same way, or can be made
 * to by a rewrite. A pattern written as a literal is parsed here once for its meaning (an error
 * for what no dialect reads alike) and re-written per warehouse; the dialect reports what it
 * cannot express as UNSUPPORTED. PostgreSQL: https://www.postgresql.org/docs/15/functions-matching.html
 * Snowflake: https://docs.snowflake.com/en/sql-reference/functions-regexp
 */

/**
 * How a warehouse reads patterns: RE2 (DuckDB, BigQuery), PostgreSQL's ARE, Snowflake's POSIX ERE,
 * Java's java.util.regex (Databricks: https://docs.oracle.com/javase/8/docs/api/java/util/regex/Pattern.html)
 * and PCRE (Redshift's REGEXP_* functions with the 'p' parameter).
 */
export type RegexFlavor = 're2' | 'postgres' | 'snowflake' | 'java' | 'pcre' | 'oracle';

/** POSIX ERE flavors (Snowflake, Oracle): every group captures, no escapes in brackets, (?i) is a parameter. */
const POSIX: ReadonlySet<RegexFlavor> = new Set(['snowflake', 'oracle']);
const posixName = (flavor: RegexFlavor) => (flavor === 'oracle' ? 'Oracle' : 'Snowflake');

/** Java and PCRE read `\v` as a class of vertical space and `$` as "before a final line break" too. */
const BACKTRACKING = new Set<RegexFlavor>(['java', 'pcre']);

type ClassItem = { from: string; to: string };
type Atom =
  | { k: 'char'; c: string }
  | { k: 'any' }
  | { k: 'class'; negated: boolean; items: ClassItem[] }
  | { k: 'group'; capture: number | undefined; alts: Node[][] };
type Node =
  | Atom
  | { k: 'start' }
  | { k: 'end' }
  | { k: 'word'; negated: boolean }
  | { k: 'repeat'; atom: Atom; min: number; max: number | undefined; lazy: boolean };

export interface PortablePattern {
  /** The pattern began with `(?i)`. */
  caseInsensitive: boolean;
  alts: Node[][];
  /** Number of capturing groups. */
  groups: number;
  /** Capturing groups that may take no part in a match (inside an alternative or an optional repeat). */
  optionalGroups: ReadonlySet<number>;
}

export class PatternError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** RE2's repetition limit is 1000, PostgreSQL's 255. */
const MAX_REPEAT = 255;
const META = new Set([...'\\^$.|?*+()[]{}']);
const CONTROL: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };
const CONTROL_ESCAPE: Record<string, string> = Object.fromEntries(
  Object.entries(CONTROL).map(([k, v]) => [v, `\\${k}`]),
);
const DIGIT: ClassItem[] = [{ from: '0', to: '9' }];
const WORD: ClassItem[] = [...DIGIT, { from: 'A', to: 'Z' }, { from: 'a', to: 'z' }, { from: '_', to: '_' }];
// RE2's \s is [\t\n\f\r ]; PostgreSQL's and Snowflake's also match \v (and, in PostgreSQL, more).
const SPACE: ClassItem[] = [...'\t\n\f\r '].map((c) => ({ from: c, to: c }));
const SHORTHAND: Record<string, ClassItem[]> = { d: DIGIT, w: WORD, s: SPACE };
const SIMPLE_QUANTIFIERS: Record<string, { min: number; max: number | undefined }> = {
  '*': { min: 0, max: undefined },
  '+': { min: 1, max: undefined },
  '?': { min: 0, max: 1 },
};
const SIMPLE_ATOMS: Record<string, Node> = { '.': { k: 'any' }, '^': { k: 'start' }, $: { k: 'end' } };

const SYNTAX_HINT =
  'portable patterns: characters, \\ before punctuation, . ^ $ | ( ) (?: ) [ ] [^ ] \\d \\w \\s \\D \\W \\S \\b \\B * + ? {n,m}, and (?i) at the start';

/** Parses a portable pattern; throws PatternError naming what is not portable and why. */
export function parsePattern(text: string): PortablePattern {
  const chars = [...text];
  let i = 0;
  let groups = 0;
  let caseInsensitive = false;
  if (text.startsWith('(?i)')) {
    caseInsensitive = true;
    i = 4;
  }
  const fail = (message: string, hint = SYNTAX_HINT): never => {
    throw new PatternError(`pattern ${JSON.stringify(text)}: ${message}`, hint);
  };
  const peek = (k = 0) => chars[i + k];

  function escape(inClass: boolean): ClassItem[] | Node {
    const c = chars[i + 1];
    if (c === undefined) fail('ends with a lone \\');
    i += 2;
    if (CONTROL[c!]) return { k: 'char', c: CONTROL[c!]! };
    const lower = c!.toLowerCase();
    if (SHORTHAND[lower]) {
      const negated = c !== lower;
      if (!inClass) return { k: 'class', negated, items: SHORTHAND[lower]! };
      if (negated)
        fail(`\\${c} inside [ ] is not portable`, 'write the complement as its own class, e.g. [^0-9]');
      return SHORTHAND[lower]!;
    }
    if ((c === 'b' || c === 'B') && !inClass) return { k: 'word', negated: c === 'B' };
    if (/[1-9]/.test(c!))
      fail(
        'backreferences (\\1…) are not available in RE2 (DuckDB, BigQuery)',
        'match the text again explicitly',
      );
    if (/[AzZG]/.test(c!))
      fail(`\\${c} is not portable`, 'use ^ for the start and $ for the end of the text');
    if (/[pP]/.test(c!)) fail('Unicode classes (\\p{…}) are not portable', 'write the ranges, e.g. [A-Za-z]');
    if (/[0xuUQEC]/.test(c!)) fail(`\\${c} is not portable`, 'write the character itself');
    if (/[A-Za-z0-9]/.test(c!)) fail(`unknown escape \\${c}`);
    return { k: 'char', c: c! };
  }

  function charClass(): Atom {
    i++; // [
    const negated = peek() === '^';
    if (negated) i++;
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) fail('a [ is not closed', 'write \\[ for a literal [');
      if (c === ']' && !first) break;
      first = false;
      let from: string;
      if (c === '\\') {
        const e = escape(true);
        if (Array.isArray(e)) {
          if (peek() === '-' && peek(1) !== ']') fail(`a range cannot start at a class like \\d`);
          items.push(...e);
          continue;
        }
        from = (e as { c: string }).c;
      } else if (c === '[') {
        if (peek(1) === ':' || peek(1) === '.' || peek(1) === '=')
          fail(
            'POSIX classes like [:alpha:] are not portable (locale-dependent in PostgreSQL)',
            'write the ranges, e.g. [A-Za-z]',
          );
        fail('write \\[ for a literal [ inside [ ]');
      } else {
        from = c!;
        i++;
      }
      if (peek() === '-' && peek(1) !== ']' && peek(1) !== undefined) {
        i++;
        let to: string;
        if (peek() === '\\') {
          const e = escape(true);
          if (Array.isArray(e) || e.k !== 'char') fail('a range must end with a character');
          to = (e as { c: string }).c;
        } else to = chars[i++]!;
        if (to.codePointAt(0)! < from!.codePointAt(0)!) fail(`the range ${from!}-${to} is backwards`);
        items.push({ from: from!, to });
      } else items.push({ from: from!, to: from! });
    }
    i++; // ]
    return { k: 'class', negated, items };
  }

  function quantifier(): { min: number; max: number | undefined } | undefined {
    const simple = SIMPLE_QUANTIFIERS[peek() ?? ''];
    if (simple) {
      i++;
      return simple;
    }
    if (peek() !== '{') return undefined;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 12).join(''));
    if (!m) return fail('write \\{ for a literal {, or a repetition as {n}, {n,} or {n,m}');
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] ? Number(m[3]) : undefined;
    if (min > MAX_REPEAT || (max ?? 0) > MAX_REPEAT)
      fail(`repetition counts above ${MAX_REPEAT} are not portable (PostgreSQL's limit)`);
    if (max !== undefined && max < min) fail(`the repetition {${min},${max}} is backwards`);
    i += m[0].length;
    return { min, max };
  }

  function sequence(): Node[][] {
    const alts: Node[][] = [[]];
    for (;;) {
      const c = peek();
      if (c === undefined || c === ')') return alts;
      let node: Node;
      if (c === '|') {
        i++;
        alts.push([]);
        continue;
      } else if (c === '(') {
        if (peek(1) === '?') {
          const rest = chars.slice(i, i + 4).join('');
          if (rest.startsWith('(?:')) i += 3;
          else if (/^\(\?<?[=!]/.test(rest))
            fail('lookaround ((?=…), (?!…), (?<=…), (?<!…)) is not available in RE2 (DuckDB, BigQuery)');
          else if (/^\(\?P?</.test(rest)) fail('named groups are not portable', 'use (…) and its number');
          else fail('inline flags are portable only as (?i) at the very start of the pattern');
          node = group(undefined);
        } else {
          i++;
          node = group(++groups);
        }
      } else if (c === '[') node = charClass();
      else if (c === '\\') {
        const e = escape(false);
        node = Array.isArray(e) ? { k: 'class', negated: false, items: e } : e;
      } else if (c === '*' || c === '+' || c === '?') return fail(`${c} has nothing to repeat`);
      else if (c === ']' || c === '}' || c === '{') return fail(`write \\${c} for a literal ${c}`);
      else {
        i++;
        node = SIMPLE_ATOMS[c] ?? { k: 'char', c };
      }
      const q = quantifier();
      if (q) {
        if (node.k === 'start' || node.k === 'end' || node.k === 'word') fail('an anchor cannot be repeated');
        const lazy = peek() === '?';
        if (lazy) i++;
        if (peek() === '+') fail('possessive quantifiers (*+) are not available in RE2 (DuckDB, BigQuery)');
        if (quantifier()) fail('a repetition of a repetition must be grouped, e.g. (a*)+');
        node = { k: 'repeat', atom: node as Atom, ...q, lazy };
      }
      alts[alts.length - 1]!.push(node);
    }
  }

  function group(capture: number | undefined): Atom {
    const alts = sequence();
    if (peek() !== ')') fail('a ( is not closed', 'write \\( for a literal (');
    i++;
    return { k: 'group', capture, alts };
  }

  const alts = sequence();
  if (i < chars.length) fail('a ) has no (', 'write \\) for a literal )');
  const optionalGroups = new Set<number>();
  const walk = (nodes: Node[], optional: boolean) => {
    for (const n of nodes) {
      const atom = n.k === 'repeat' ? n.atom : n;
      const opt = optional || (n.k === 'repeat' && n.min === 0);
      if (atom.k !== 'group') continue;
      if (atom.capture !== undefined && opt) optionalGroups.add(atom.capture);
      for (const alt of atom.alts) walk(alt, opt || atom.alts.length > 1);
    }
  };
  for (const alt of alts) walk(alt, alts.length > 1);
  return { caseInsensitive, alts, groups, optionalGroups };
}

export interface RenderOptions {
  /**
   * BigQuery's REGEXP_EXTRACT returns its pattern's only capturing group: keep this group
   * capturing and make every other one non-capturing (0: capture the whole match).
   */
  onlyGroup?: number;
}

/**
 * The pattern as `flavor` reads it, with `(?i)` left to the caller on Snowflake (a parameter
 * there). Throws PatternError with the reason when the flavor cannot express it.
 */
export function renderPattern(p: PortablePattern, flavor: RegexFlavor, opts: RenderOptions = {}): string {
  const W = '[0-9A-Za-z_]';
  const alts = (a: Node[][]) => a.map((seq) => seq.map(node).join('')).join('|');
  // Line breaks and tabs as escapes where the flavor documents them, else as themselves.
  const control = (c: string) =>
    POSIX.has(flavor) ? undefined : c === '\v' && BACKTRACKING.has(flavor) ? '\\x0B' : CONTROL_ESCAPE[c];
  function node(n: Node): string {
    switch (n.k) {
      case 'char':
        return META.has(n.c) ? `\\${n.c}` : (control(n.c) ?? n.c);
      // RE2's and Snowflake's . stops at a line break; PostgreSQL's does not, Java's also stops
      // at \r, \u0085, \u2028 and \u2029, and PCRE's depends on how it was built.
      case 'any':
        return flavor === 'postgres' || BACKTRACKING.has(flavor) ? '[^\\n]' : '.';
      case 'class':
        return charClass(n.negated, n.items);
      case 'start':
        return '^';
      case 'end':
        // Java's and PCRE's $ also matches before a line break that ends the text; \z does not.
        return BACKTRACKING.has(flavor) ? '\\z' : '$';
      case 'word':
        if (flavor === 'oracle')
          throw new PatternError(
            'Oracle has no word boundary (\\b, \\B)',
            'match the characters around it, e.g. (^|[^0-9A-Za-z_])word([^0-9A-Za-z_]|$)',
          );
        if (flavor === 're2' || flavor === 'snowflake') return n.negated ? '\\B' : '\\b';
        // PostgreSQL's \y and Java's \b count every Unicode letter as a word character (PCRE's
        // depends on its build); RE2's \b only [0-9A-Za-z_].
        return n.negated
          ? `(?:(?<=${W})(?=${W})|(?<!${W})(?!${W}))`
          : `(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`;
      case 'repeat': {
        if (n.lazy && flavor === 'snowflake')
          throw new PatternError(
            'Snowflake has no non-greedy quantifiers (*?, +?, ??)',
            'use a greedy quantifier over a narrower class, e.g. [^,]* instead of .*?',
          );
        if (n.lazy && flavor === 'postgres')
          throw new PatternError(
            'PostgreSQL gives the whole pattern the greediness of its first quantifier, so a non-greedy quantifier changes what the rest matches',
            'use a greedy quantifier over a narrower class, e.g. [^,]* instead of .*?',
          );
        const q =
          n.min === 0 && n.max === undefined
            ? '*'
            : n.min === 1 && n.max === undefined
              ? '+'
              : n.min === 0 && n.max === 1
                ? '?'
                : n.max === n.min
                  ? `{${n.min}}`
                  : `{${n.min},${n.max ?? ''}}`;
        return `${node(n.atom)}${q}${n.lazy ? '?' : ''}`;
      }
      case 'group': {
        const keep = opts.onlyGroup === undefined || opts.onlyGroup === n.capture;
        // POSIX has no (?:…): on Snowflake every group captures (see snowflakeGroupNumbers).
        if ((n.capture !== undefined && keep) || POSIX.has(flavor)) return `(${alts(n.alts)})`;
        return `(?:${alts(n.alts)})`;
      }
    }
  }
  function charClass(negated: boolean, items: ClassItem[]): string {
    // Java reads && inside [ ] as an intersection: an & is escaped there.
    const one = (c: string) =>
      c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' || (c === '&' && flavor === 'java')
        ? `\\${c}`
        : (control(c) ?? c);
    const item = (x: ClassItem) => (x.from === x.to ? one(x.from) : `${one(x.from)}-${one(x.to)}`);
    if (!POSIX.has(flavor)) return `[${negated ? '^' : ''}${items.map(item).join('')}]`;
    // POSIX brackets take no backslash escapes: ] goes first, ^ anywhere but first, - last.
    if (items.some((x) => x.from === '\\' || x.to === '\\'))
      throw new PatternError(
        `a backslash inside [ ] is not read the same by ${posixName(flavor)}`,
        'match it outside a class: (\\\\|…)',
      );
    const specials = new Set([']', '[', '^', '-']);
    if (items.some((x) => x.from !== x.to && (specials.has(x.from) || specials.has(x.to))))
      throw new PatternError(
        `a range that starts or ends with ] [ ^ or - is not read the same by ${posixName(flavor)}`,
      );
    const has = (c: string) => items.some((x) => x.from === c && x.to === c);
    const rest = items
      .filter((x) => !(x.from === x.to && specials.has(x.from)))
      .map((x) => (x.from === x.to ? x.from : `${x.from}-${x.to}`));
    const body = [has(']') ? ']' : '', ...rest, has('[') ? '[' : '', has('^') ? '^' : ''].join('');
    if (!negated && body === '^') return has('-') ? '[-^]' : '\\^';
    return `[${negated ? '^' : ''}${body}${has('-') ? '-' : ''}]`;
  }
  const body = alts(p.alts);
  const whole = opts.onlyGroup === 0 ? `(${body})` : body;
  if (!p.caseInsensitive || POSIX.has(flavor)) return whole;
  // Java folds only ASCII letters under (?i); (?iu) folds as RE2 does.
  return `${flavor === 'java' ? '(?iu)' : '(?i)'}${whole}`;
}

/**
 * Where each capturing group ends up when every group captures (Snowflake): groups are numbered
 * by their opening parenthesis, non-capturing ones included.
 */
export function snowflakeGroupNumbers(p: PortablePattern): ReadonlyMap<number, number> {
  const out = new Map<number, number>();
  let next = 0;
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      const atom = n.k === 'repeat' ? n.atom : n;
      if (atom.k !== 'group') continue;
      next++;
      if (atom.capture !== undefined) out.set(atom.capture, next);
      atom.alts.forEach(walk);
    }
  };
  p.alts.forEach(walk);
  return out;
}

/** A replacement text: literal text and group references `\0` (the whole match) … `\9`. */
export type ReplacementPart = { text: string } | { group: number };

export function parseReplacement(text: string): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '\\') lit += '\\';
    else if (next !== undefined && /[0-9]/.test(next)) {
      if (lit) parts.push({ text: lit });
      lit = '';
      parts.push({ group: Number(next) });
    } else
      throw new PatternError(
        `replacement ${JSON.stringify(text)}: \\ starts a group reference \\0…\\9`,
        'write \\\\ for a backslash',
      );
    i++;
  }
  if (lit) parts.push({ text: lit });
  return parts;
}

/**
 * The replacement as `flavor` reads it, each group reference renumbered by `group`; throws
 * PatternError when it cannot be written.
 */
export function renderReplacement(
  parts: ReplacementPart[],
  flavor: RegexFlavor,
  group: (n: number) => number = (n) => n,
): string {
  return parts
    .map((p) => {
      if ('group' in p) {
        const n = p.group > 0 ? group(p.group) : 0;
        if (n > 9)
          throw new PatternError(`group ${p.group} is group ${n} here, past the \\9 a replacement can name`);
        if (flavor === 'pcre')
          throw new PatternError(
            'Redshift documents no group reference in a REGEXP_REPLACE replacement',
            'replace with literal text, or extract the group with regexp_extract and join the parts with ||',
          );
        // Java's Matcher.replaceAll names groups $1…$9 and the whole match $0.
        if (flavor === 'java') return `$${n}`;
        if (n > 0) return `\\${n}`;
        // PostgreSQL writes the whole match \&.
        if (flavor === 'postgres') return '\\&';
        if (POSIX.has(flavor))
          throw new PatternError(
            `${posixName(flavor)} documents no whole-match reference (\\0)`,
            'wrap the pattern in ( ) and use \\1',
          );
        return '\\0';
      }
      if (POSIX.has(flavor) && p.text.includes('\\'))
        throw new PatternError(`${posixName(flavor)} documents no way to write a backslash in a replacement`);
      if (flavor === 'pcre' && /[\\$]/.test(p.text))
        throw new PatternError(
          'Redshift documents no way to write a backslash or a $ in a REGEXP_REPLACE replacement',
        );
      // Java's replacement escapes $ and \ with a backslash.
      if (flavor === 'java') return p.text.replace(/[\\$]/g, (c) => `\\${c}`);
      // RE2 and PostgreSQL read \\ as one backslash.
      return p.text.replace(/\\/g, '\\\\');
    })
    .join('');
}
