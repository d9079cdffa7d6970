import { describe, expect, it } from 'vitest';
import {
  PatternError,
  parsePattern,
  parseReplacement,
  renderPattern,
  renderReplacement,
  snowflakeGroupNumbers,
  type RegexFlavor,
} from './regex.js';

const FLAVORS: RegexFlavor[] = ['re2', 'postgres', 'snowflake'];

/** The pattern as each flavor writes it (or the reason it cannot). */
function rendered(text: string): Record<RegexFlavor, string> {
  const p = parsePattern(text);
  return Object.fromEntries(
    FLAVORS.map((f) => {
      try {
        return [f, renderPattern(p, f)];
      } catch (e) {
        if (e instanceof PatternError) return [f, `UNSUPPORTED: ${e.message}`];
        throw e;
      }
    }),
  ) as Record<RegexFlavor, string>;
}

function refusal(text: string): string {
  try {
    parsePattern(text);
  } catch (e) {
    if (e instanceof PatternError) return e.message;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('the portable pattern syntax', () => {
  it.each([
    ['(?=a)', /lookaround/],
    ['a(?<!b)', /lookaround/],
    ['(a)\\1', /backreferences/],
    ['(?P<n>a)', /named groups/],
    ['(?<n>a)', /named groups/],
    ['a(?i)b', /only as \(\?i\) at the very start/],
    ['(?s).', /only as \(\?i\)/],
    ['\\Aa\\z', /\\A is not portable/],
    ['\\pL', /Unicode classes/],
    ['[[:alpha:]]', /POSIX classes/],
    ['\\x41', /not portable/],
    ['\\e', /unknown escape/],
    ['a{300}', /above 255/],
    ['a{3,2}', /backwards/],
    ['[z-a]', /backwards/],
    ['a**', /must be grouped/],
    ['a*+', /possessive/],
    ['*a', /nothing to repeat/],
    ['^*', /anchor cannot be repeated/],
    ['a{', /write \\\{/],
    ['{', /write \\\{/],
    ['a}', /write \\\}/],
    ['(a', /not closed/],
    ['a)', /has no \(/],
    ['[a', /not closed/],
    ['[\\D]', /not portable/],
    ['[\\d-z]', /range cannot start at a class/],
    ['a\\', /lone \\/],
  ])('refuses %s', (text, reason) => {
    expect(refusal(text)).toMatch(reason);
  });

  it('writes each construct the way each warehouse reads it', () => {
    expect(rendered('a.b')).toEqual({ re2: 'a.b', postgres: 'a[^\\n]b', snowflake: 'a.b' });
    expect(rendered('\\d\\w\\s\\D')).toEqual({
      re2: '[0-9][0-9A-Za-z_][\\t\\n\\f\\r ][^0-9]',
      postgres: '[0-9][0-9A-Za-z_][\\t\\n\\f\\r ][^0-9]',
      snowflake: '[0-9][0-9A-Za-z_][\t\n\f\r ][^0-9]',
    });
    expect(rendered('(?i)(?:a|b)+?')).toEqual({
      re2: '(?i)(?:a|b)+?',
      postgres: expect.stringMatching(/^UNSUPPORTED: PostgreSQL gives the whole pattern the greediness/),
      snowflake: expect.stringMatching(/^UNSUPPORTED: Snowflake has no non-greedy/),
    });
    expect(rendered('\\bx\\B')).toEqual({
      re2: '\\bx\\B',
      postgres:
        '(?:(?<=[0-9A-Za-z_])(?![0-9A-Za-z_])|(?<![0-9A-Za-z_])(?=[0-9A-Za-z_]))x(?:(?<=[0-9A-Za-z_])(?=[0-9A-Za-z_])|(?<![0-9A-Za-z_])(?![0-9A-Za-z_]))',
      snowflake: '\\bx\\B',
    });
    // Brackets: backslash escapes for RE2 and ARE, POSIX placement for Snowflake.
    expect(rendered('[]^a-c\\-\\[]')).toEqual({
      re2: '[\\]\\^a-c\\-\\[]',
      postgres: '[\\]\\^a-c\\-\\[]',
      snowflake: '[]a-c[^-]',
    });
    expect(rendered('[^^]')).toEqual({ re2: '[^\\^]', postgres: '[^\\^]', snowflake: '[^^]' });
    expect(rendered('[\\^\\-]')).toEqual({ re2: '[\\^\\-]', postgres: '[\\^\\-]', snowflake: '[-^]' });
    expect(rendered('[\\\\]').snowflake).toMatch(/backslash inside \[ \]/);
    // Escaped punctuation stays escaped; other escaped characters become themselves.
    expect(rendered('\\.\\$\\/\\#x{2,}y{3}z?')).toEqual({
      re2: '\\.\\$/#x{2,}y{3}z?',
      postgres: '\\.\\$/#x{2,}y{3}z?',
      snowflake: '\\.\\$/#x{2,}y{3}z?',
    });
  });

  it('knows which groups may take no part in a match', () => {
    const groups = (text: string) => [...parsePattern(text).optionalGroups].sort();
    expect(groups('(a)(b)')).toEqual([]);
    expect(groups('(a)|(b)')).toEqual([1, 2]);
    expect(groups('(a)?(b)+(c)*(d){0,2}(e){1,2}')).toEqual([1, 3, 4]);
    expect(groups('(x(a)|y)(b)')).toEqual([2]);
    expect(groups('((a))?')).toEqual([1, 2]);
    expect(parsePattern('(?:a)(b)((?:c)(d))').groups).toBe(3);
  });

  it('rewrites for BigQuery with only the wanted group capturing', () => {
    const p = parsePattern('(?i)(a)(?:b)(c)');
    expect(renderPattern(p, 're2', { onlyGroup: 2 })).toBe('(?i)(?:a)(?:b)(c)');
    expect(renderPattern(p, 're2', { onlyGroup: 0 })).toBe('(?i)((?:a)(?:b)(?:c))');
  });

  it('numbers groups by opening parenthesis when every group captures (Snowflake)', () => {
    const p = parsePattern('(?:x(a))(?:y)(b)');
    expect(renderPattern(p, 'snowflake')).toBe('(x(a))(y)(b)');
    expect([...snowflakeGroupNumbers(p)]).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });
});

describe('replacements', () => {
  it('reads \\0…\\9 and \\\\; anything else after a backslash is refused', () => {
    expect(parseReplacement('<\\2|\\0> \\\\ $1 &')).toEqual([
      { text: '<' },
      { group: 2 },
      { text: '|' },
      { group: 0 },
      { text: '> \\ $1 &' },
    ]);
    expect(() => parseReplacement('\\n')).toThrow(/group reference/);
    expect(() => parseReplacement('a\\')).toThrow(/group reference/);
  });

  it('writes the whole match as \\& on PostgreSQL and refuses what Snowflake does not document', () => {
    const parts = parseReplacement('[\\0:\\1] \\\\');
    expect(renderReplacement(parts, 're2')).toBe('[\\0:\\1] \\\\');
    expect(renderReplacement(parts, 'postgres')).toBe('[\\&:\\1] \\\\');
    expect(() => renderReplacement(parts, 'snowflake')).toThrow(/whole-match/);
    expect(() => renderReplacement(parseReplacement('\\\\'), 'snowflake')).toThrow(/backslash/);
    expect(renderReplacement(parseReplacement('\\1-\\2'), 'snowflake', (g) => g + 1)).toBe('\\2-\\3');
    expect(() => renderReplacement(parseReplacement('\\9'), 'snowflake', (g) => g + 1)).toThrow(
      /past the \\9/,
    );
  });
});
