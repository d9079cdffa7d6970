import { describe, expect, it } from 'vitest';
import { ExprSyntaxError, tokenize, type Token } from './lexer.js';

const kinds = (src: string) => tokenize(src).map((t) => `${t.kind}:${t.value}`);

/** The ExprSyntaxError `src` raises (fails the test when it lexes). */
function lexError(src: string): ExprSyntaxError {
  try {
    tokenize(src);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(src)} not to lex`);
}

describe('tokenize', () => {
  it('splits names, numbers, strings, params, operators and punctuation', () => {
    expect(kinds('Amount >= :min_amount AND "Odd Name" <> \'x\'')).toEqual([
      'ident:amount',
      'op:>=',
      'param:min_amount',
      'ident:and',
      'quoted_ident:Odd Name',
      'op:!=',
      'string:x',
      'eof:',
    ]);
  });

  it('lower-cases unquoted names in value but keeps the original text', () => {
    const [t] = tokenize('AmOuNt');
    expect(t).toMatchObject({ kind: 'ident', value: 'amount', text: 'AmOuNt', span: { start: 0, end: 6 } });
  });

  it('unescapes doubled quotes in strings and quoted names', () => {
    const toks = tokenize(`'it''s' "a""b" \`c\`\`d\` ''`);
    expect(toks.map((t) => [t.kind, t.value, t.text])).toEqual([
      ['string', "it's", "'it''s'"],
      ['quoted_ident', 'a"b', '"a""b"'],
      ['quoted_ident', 'c`d', '`c``d`'],
      ['string', '', "''"],
      ['eof', '', ''],
    ]);
  });

  it('keeps backslashes, semicolons, comment markers and newlines inside strings as text', () => {
    const [t] = tokenize(`'a\\b; -- /* x */\n$$'`);
    expect(t).toMatchObject({ kind: 'string', value: 'a\\b; -- /* x */\n$$' });
  });

  it('reads every number form', () => {
    expect(tokenize('1 12.5 .5 5. 1e5 2.5E-3 007').map((t) => t.value)).toEqual([
      '1',
      '12.5',
      '.5',
      '5.',
      '1e5',
      '2.5E-3',
      '007',
      '',
    ]);
    // An `e` that starts no exponent is left for the next token (and then rejected as a name glued on).
    expect(lexError('1.5e').message).toBe("invalid number '1.5e'");
  });

  it('normalises <> to != and reads two-character operators first', () => {
    expect(kinds('a<>b<=c>=d||e!=f')).toEqual([
      'ident:a',
      'op:!=',
      'ident:b',
      'op:<=',
      'ident:c',
      'op:>=',
      'ident:d',
      'op:||',
      'ident:e',
      'op:!=',
      'ident:f',
      'eof:',
    ]);
  });

  it('skips spaces, tabs, CR and LF, and gives every token its span', () => {
    const toks: Token[] = tokenize('a\t+\r\n  b');
    expect(toks.map((t) => t.span)).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 3 },
      { start: 7, end: 8 },
      { start: 8, end: 8 },
    ]);
  });

  it('reads a minus followed by a minus as two operators when they are apart', () => {
    expect(kinds('1 - -1')).toEqual(['number:1', 'op:-', 'op:-', 'number:1', 'eof:']);
  });
});

describe('tokenize rejects what is outside the language, with a span', () => {
  it.each([
    // [source, message, start, end, hint]
    ['a = 1; DROP TABLE t', "';' is not allowed: an expression is a single value, not a statement", 5, 6],
    ['a -- comment', 'comments are not allowed in expressions', 2, 4],
    ['a /* comment */', 'comments are not allowed in expressions', 2, 4],
    ["status = 'paid", 'unterminated string literal', 9, 14],
    ["'it''s", 'unterminated string literal', 0, 6],
    ['"Odd Name', 'unterminated quoted name', 0, 9],
    ['`x', 'unterminated quoted name', 0, 2],
    ['""', 'empty quoted name', 0, 2],
    ['1abc', "invalid number '1abc'", 0, 4],
    ['x + 12e3y', "invalid number '12e3y'", 4, 9],
    [': x', "':' must start a parameter name, like :min_amount", 0, 1],
    ['a::int', "':' must start a parameter name, like :min_amount", 1, 2],
    ['a ? b', "unexpected '?'", 2, 3],
    ['$1', "unexpected '$'", 0, 1],
    ['$$x$$', "unexpected '$'", 0, 1],
    ['@p', "unexpected '@'", 0, 1],
    ['[1]', "unexpected '['", 0, 1],
    ['a # b', "unexpected '#'", 2, 3],
    ['a\u0000b', 'unexpected control character U+0000', 1, 2],
    ['a\u00a0= 1', 'unexpected invisible character U+00A0', 1, 2],
    ['a\u200b', 'unexpected invisible character U+200B', 1, 2],
    ['año', "unexpected 'ñ' (U+00F1)", 1, 2],
    ['x = 😀', "unexpected '😀' (U+1F600)", 4, 6],
  ])('%j', (src, message, start, end) => {
    const e = lexError(src);
    expect(e.message).toBe(message);
    expect(e.span).toEqual({ start, end });
  });

  it('says what to do', () => {
    expect(lexError('a; b').hint).toBe('remove the semicolon and anything after it');
    expect(lexError('a -- b').hint).toBe('remove the comment');
    expect(lexError("'x").hint).toBe("close it with '");
    expect(lexError('?').hint).toBe('parameters are written :name');
    expect(lexError('{a: 1}').hint).toMatch(/use a sql node/);
    expect(lexError('a\u00a0b').hint).toMatch(/plain space/);
    expect(lexError('año').hint).toMatch(/quote other names, e\.g\. "Año"/);
  });
});
