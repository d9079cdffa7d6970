import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { ExprSyntaxError, MAX_EXPRESSION_DEPTH, parseExpression } from './parser.js';
import { spanAt } from '../workflow/parse.js';

/** A compact, fully parenthesised rendering of the tree, so tests read as the grammar does. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.literal === 'string' ? `'${String(e.value)}'` : `${e.literal}:${String(e.value)}`;
    case 'param':
      return `:${e.name}`;
    case 'column':
      return `${e.qualifier ? `${e.qualifier}.` : ''}${e.quoted ? `"${e.name}"` : e.name}`;
    case 'unary':
      return `(${e.op} ${show(e.arg)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'is_null':
      return `(${show(e.arg)} is ${e.negated ? 'not ' : ''}null)`;
    case 'in':
      return `(${show(e.arg)} ${e.negated ? 'not ' : ''}in [${e.list.map(show).join(', ')}])`;
    case 'between':
      return `(${show(e.arg)} ${e.negated ? 'not ' : ''}between ${show(e.low)} and ${show(e.high)})`;
    case 'like':
      return `(${show(e.arg)} ${e.negated ? 'not ' : ''}${e.caseInsensitive ? 'ilike' : 'like'} ${show(e.pattern)})`;
    case 'case':
      return `(case${e.operand ? ` ${show(e.operand)}` : ''}${e.whens.map((w) => ` when ${show(w.when)} then ${show(w.then)}`).join('')}${e.else ? ` else ${show(e.else)}` : ''})`;
    case 'cast':
      return `(cast ${show(e.arg)} ${e.typeText})`;
    case 'call':
      return `${e.name}(${e.distinct ? 'distinct ' : ''}${e.star ? '*' : e.args.map(show).join(', ')})`;
  }
}

const p = (src: string) => show(parseExpression(src));

function syntaxError(src: string): ExprSyntaxError {
  try {
    parseExpression(src);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(src)} not to parse`);
}

describe('precedence (lowest first: OR, AND, NOT, comparison, ||, + -, * / %, unary)', () => {
  it.each([
    ['a + b * c', '(a + (b * c))'],
    ['a * b + c', '((a * b) + c)'],
    ['a % b - c / d', '((a % b) - (c / d))'],
    ['a || b + c', '(a || (b + c))'],
    ["a || 'x' = b", "((a || 'x') = b)"],
    ['a + b = c * d', '((a + b) = (c * d))'],
    ['NOT a = b', '(not (a = b))'],
    ['NOT a AND b', '((not a) and b)'],
    ['a AND b OR c AND d', '((a and b) or (c and d))'],
    ['a OR b AND c', '(a or (b and c))'],
    ['-a * b', '((- a) * b)'],
    ['-a.b', '(- a.b)'],
    ['a - -b', '(a - (- b))'],
    ['+a', '(+ a)'],
    ['(a + b) * c', '((a + b) * c)'],
    ['a + b IS NULL', '((a + b) is null)'],
    ['a || b LIKE c', '((a || b) like c)'],
    ['a BETWEEN b + 1 AND c * 2', '(a between (b + number:1) and (c * number:2))'],
    ['a BETWEEN 1 AND 2 AND b', '((a between number:1 and number:2) and b)'],
    ['NOT a IN (1, 2)', '(not (a in [number:1, number:2]))'],
  ])('%s', (src, tree) => {
    expect(p(src)).toBe(tree);
  });
});

describe('associativity', () => {
  it.each([
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a / b * c', '((a / b) * c)'],
    ['a % b % c', '((a % b) % c)'],
    ['a || b || c', '((a || b) || c)'],
    ['a OR b OR c', '((a or b) or c)'],
    ['a AND b AND c', '((a and b) and c)'],
    ['NOT NOT a', '(not (not a))'],
    ['- - 1', '(- (- number:1))'],
  ])('%s', (src, tree) => {
    expect(p(src)).toBe(tree);
  });
});

describe('every construct of the portable language (DESIGN.md §1.2)', () => {
  it.each([
    // literals
    ["'text'", "'text'"],
    ["'it''s'", "'it's'"],
    ["''", "''"],
    ['42', 'number:42'],
    ['12.50', 'number:12.5'],
    ['1e3', 'number:1000'],
    ['true', 'bool:true'],
    ['FALSE', 'bool:false'],
    ['null', 'null:null'],
    ["date '2024-01-31'", 'date:2024-01-31'],
    ["DATE '2024-02-29'", 'date:2024-02-29'],
    ["timestamp '2024-01-31 10:00:00'", 'timestamp:2024-01-31 10:00:00'],
    ["timestamp '2024-01-31 10:00:00.123456'", 'timestamp:2024-01-31 10:00:00.123456'],
    ["timestamp '2024-01-31'", 'timestamp:2024-01-31'],
    // params and columns
    [':min_amount', ':min_amount'],
    ['amount', 'amount'],
    ['"Odd Name"', '"Odd Name"'],
    ['"a""b"', '"a"b"'],
    ['`Odd Name`', '"Odd Name"'],
    ['left.col', 'left.col'],
    ['right."Odd Name"', 'right."Odd Name"'],
    ['LEFT.Col', 'left.Col'],
    // operators
    ['a + b', '(a + b)'],
    ['a - b', '(a - b)'],
    ['a * b', '(a * b)'],
    ['a / b', '(a / b)'],
    ['a % b', '(a % b)'],
    ['a || b', '(a || b)'],
    ['a = b', '(a = b)'],
    ['a != b', '(a != b)'],
    ['a <> b', '(a != b)'],
    ['a < b', '(a < b)'],
    ['a <= b', '(a <= b)'],
    ['a > b', '(a > b)'],
    ['a >= b', '(a >= b)'],
    ['a AND b', '(a and b)'],
    ['a OR b', '(a or b)'],
    ['NOT a', '(not a)'],
    ['a IS NULL', '(a is null)'],
    ['a IS NOT NULL', '(a is not null)'],
    ["a IN ('x', 'y')", "(a in ['x', 'y'])"],
    ['a NOT IN (1)', '(a not in [number:1])'],
    ['a BETWEEN 1 AND 2', '(a between number:1 and number:2)'],
    ['a NOT BETWEEN 1 AND 2', '(a not between number:1 and number:2)'],
    ["a LIKE 'x%'", "(a like 'x%')"],
    ["a NOT LIKE 'x%'", "(a not like 'x%')"],
    ["a ILIKE 'x%'", "(a ilike 'x%')"],
    ["a NOT ILIKE 'x%'", "(a not ilike 'x%')"],
    // CASE and CAST
    ["CASE WHEN a > 1 THEN 'big' ELSE 'small' END", "(case when (a > number:1) then 'big' else 'small')"],
    ['CASE WHEN a THEN 1 WHEN b THEN 2 END', '(case when a then number:1 when b then number:2)'],
    ["CASE status WHEN 'a' THEN 1 ELSE 0 END", "(case status when 'a' then number:1 else number:0)"],
    ['CAST(a AS bigint)', '(cast a bigint)'],
    ['CAST(a AS decimal(12, 2))', '(cast a decimal(12,2))'],
    ['cast(a as STRING)', '(cast a STRING)'],
    // functions
    ['lower(name)', 'lower(name)'],
    ['COALESCE(a, b, 0)', 'coalesce(a, b, number:0)'],
    ['count(*)', 'count(*)'],
    ['count(DISTINCT customer_id)', 'count(distinct customer_id)'],
    ['sum(amount) / count(*)', '(sum(amount) / count(*))'],
    ["date_trunc('month', ts)", "date_trunc('month', ts)"],
    ['extract(hour from ts)', "extract('hour', ts)"],
    ["EXTRACT('DOW' FROM ts)", "extract('dow', ts)"],
    ["date_add(d, 3, 'day')", "date_add(d, number:3, 'day')"],
    ["date_diff('day', a, b)", "date_diff('day', a, b)"],
    ['current_date()', 'current_date()'],
    ['row_number()', 'row_number()'],
    ["string_agg(name, ', ')", "string_agg(name, ', ')"],
  ])('%s', (src, tree) => {
    expect(p(src)).toBe(tree);
  });

  it('reads a bare niladic function as a column (the resolver decides)', () => {
    expect(parseExpression('current_date')).toMatchObject({ kind: 'column', name: 'current_date' });
  });

  it('gives every node the span of its text, and binary nodes the span of their operator', () => {
    const e = parseExpression('price * (qty + 1)');
    expect(e).toMatchObject({ kind: 'binary', span: { start: 0, end: 17 }, opSpan: { start: 6, end: 7 } });
    if (e.kind !== 'binary') throw new Error('binary expected');
    expect(e.right.span).toEqual({ start: 8, end: 17 });
    const c = parseExpression("  CASE WHEN a THEN 'x' END  ");
    expect(c.span).toEqual({ start: 2, end: 26 });
    const call = parseExpression('lower( name )');
    expect(call).toMatchObject({ span: { start: 0, end: 13 }, nameSpan: { start: 0, end: 5 } });
  });
});

describe('syntax errors: message, span and hint', () => {
  it.each([
    // [source, message, start, end]
    ['a b', "expected the end of the expression, found 'b'", 2, 3],
    ['a,', "expected the end of the expression, found ','", 1, 2],
    ['(a', "expected ')' to close the parenthesis, found the end of the expression", 2, 2],
    ['a)', "expected the end of the expression, found ')'", 1, 2],
    ['()', "expected a value, found ')'", 1, 2],
    ['', 'expected a value, found the end of the expression', 0, 0],
    ['   ', 'expected a value, found the end of the expression', 3, 3],
    ['a +', 'expected a value, found the end of the expression', 3, 3],
    ['a = = b', "expected a value, found '='", 4, 5],
    ['f(a,)', "expected a value, found ')'", 4, 5],
    ['lower(a', "expected ')' to close lower(…), found the end of the expression", 7, 7],
    ['count(*, a)', "expected ')' to close count(…), found ','", 7, 8],
    ['a IS b', "expected NULL after IS, found 'b'", 5, 6],
    ['a IN ()', "expected at least one value in the IN list, found ')'", 6, 7],
    ['a IN 1', "expected '(' after IN, found '1'", 5, 6],
    ['a BETWEEN 1', 'expected AND in BETWEEN … AND …, found the end of the expression', 11, 11],
    ['CASE END', "expected WHEN in CASE, found 'END'", 5, 8],
    ['CASE WHEN a THEN 1', 'expected END to close CASE, found the end of the expression', 18, 18],
    ['CASE WHEN a 1 END', "expected THEN after CASE WHEN …, found '1'", 12, 13],
    ['CAST(a)', "expected AS in CAST(x AS type), found ')'", 6, 7],
    ['CAST(a AS)', "expected a type name, found ')'", 9, 10],
    ['CAST(a AS doubel)', "unknown type 'doubel'", 10, 16],
    ['CAST(a AS decimal(x))', "expected a number in the type, found 'x'", 18, 19],
    ["date '2024-02-30'", "invalid date literal '2024-02-30'", 5, 17],
    ["timestamp '2024-01-31 25:00:00'", "invalid timestamp literal '2024-01-31 25:00:00'", 10, 31],
    ['extract(hours from ts)', "unknown date part 'hours'", 8, 13],
    ['extract(hour ts)', "expected FROM in EXTRACT(part FROM value), found 'ts'", 13, 15],
    ['a.b.c', 'a column is written name or left.name/right.name', 3, 4],
    ['a.', "expected a column name after '.', found the end of the expression", 2, 2],
    ['a = 1 = 2', "comparisons cannot be chained ('=')", 6, 7],
    ['1 < amount < 10', "comparisons cannot be chained ('<')", 11, 12],
    ['a LIKE b LIKE c', "expected the end of the expression, found 'LIKE'", 9, 13],
    ['from', "expected a value, found 'from'", 0, 4],
    ['IN (1)', "expected a value, found 'IN'", 0, 2],
    ['a AS b', "expected the end of the expression, found 'AS'", 2, 4],
    ['a IN (SELECT 1)', 'subqueries are not allowed in expressions', 6, 12],
    ['(SELECT max(a) FROM t)', 'subqueries are not allowed in expressions', 1, 7],
    ['(WITH x AS (SELECT 1) SELECT 1)', 'subqueries are not allowed in expressions', 1, 5],
    ['EXISTS (SELECT 1)', 'subqueries are not allowed in expressions', 0, 6],
    ['SELECT 1', 'subqueries are not allowed in expressions', 0, 6],
    ['count(SELECT 1)', 'subqueries are not allowed in expressions', 6, 12],
    ['sum(a) OVER (PARTITION BY b)', 'OVER (…) is not written in expressions', 7, 11],
    ['row_number() over ()', 'OVER (…) is not written in expressions', 13, 17],
  ])('%j', (src, message, start, end) => {
    const e = syntaxError(src);
    expect(e.message).toBe(message);
    expect(e.span).toEqual({ start, end });
  });

  it.each([
    ['a b', /an operator or a comma missing\? Quote names with spaces as "Odd Name"/],
    ['a IS b', /write IS NULL or IS NOT NULL/],
    ['1 < a < 2', /combine comparisons with AND/],
    ['a IN (SELECT id FROM t)', /use a join node \(kind semi or anti/],
    ['sum(a) OVER ()', /use a window node/],
    ['CAST(a AS doubel)', /^did you mean double\? Portable types: int, bigint, double/],
    ['CAST(a AS strng)', /^did you mean string\?/],
    ['extract(hours from ts)', /^did you mean hour\? date parts:/],
    ["date '2024-1-5'", /date 'YYYY-MM-DD'/],
    ['from', /"from" is a keyword; quote a column of that name as "from"/],
    ['a.b.c', /a node only sees its inputs/],
  ])('hint for %j', (src, hint) => {
    expect(syntaxError(src).hint).toMatch(hint);
  });

  it('positions map to line and column in a multi-line expression', () => {
    const src = "status = 'paid'\n  AND amount >\n  AND x";
    const e = syntaxError(src);
    expect(e.message).toBe("expected a value, found 'AND'");
    expect(spanAt(src, e.span.start, e.span.end - e.span.start)).toEqual({
      start: 33,
      end: 36,
      line: 3,
      column: 3,
    });
    const unterminated = "a = 1\nOR b = 'x";
    const u = syntaxError(unterminated);
    expect(spanAt(unterminated, u.span.start)).toMatchObject({ line: 2, column: 8 });
  });
});

describe('nesting depth', () => {
  const depthOf = (e: Expr): number => {
    let max = 0;
    const stack: Array<[Expr, number]> = [[e, 1]];
    while (stack.length) {
      const [x, d] = stack.pop()!;
      max = Math.max(max, d);
      if (x.kind === 'binary') stack.push([x.left, d + 1], [x.right, d + 1]);
      if (x.kind === 'unary') stack.push([x.arg, d + 1]);
    }
    return max;
  };

  it(`accepts ${MAX_EXPRESSION_DEPTH} levels and refuses one more`, () => {
    const chain = (ops: number) => Array.from({ length: ops + 1 }, (_, i) => `a${i}`).join(' + ');
    expect(depthOf(parseExpression(chain(MAX_EXPRESSION_DEPTH - 1)))).toBe(MAX_EXPRESSION_DEPTH);
    expect(syntaxError(chain(MAX_EXPRESSION_DEPTH)).message).toMatch(/^expression is nested too deeply/);
    const parens = (n: number) => `${'('.repeat(n)}a${')'.repeat(n)}`;
    expect(() => parseExpression(parens(MAX_EXPRESSION_DEPTH - 1))).not.toThrow();
    expect(syntaxError(parens(MAX_EXPRESSION_DEPTH)).message).toMatch(/nested too deeply/);
  });

  it.each([
    ['parentheses', `${'('.repeat(30_000)}1${')'.repeat(30_000)}`],
    ['unary minus', `${'- '.repeat(30_000)}1`],
    ['NOT', `${'NOT '.repeat(30_000)}true`],
    ['a chain of +', Array.from({ length: 30_000 }, () => '1').join(' + ')],
    ['a chain of OR', Array.from({ length: 30_000 }, (_, i) => `a = ${i}`).join(' OR ')],
    ['nested calls', `${'abs('.repeat(30_000)}1${')'.repeat(30_000)}`],
    ['left-nested chains', `${'('.repeat(100)}1${' + 1 + 1 + 1 + 1)'.repeat(100)}`],
  ])('a pathological %s is a syntax error, not a stack overflow', (_what, src) => {
    const e = syntaxError(src);
    expect(e.message).toMatch(/^expression is nested too deeply \(more than 256 levels/);
    expect(e.hint).toMatch(/split it over several compute nodes/);
    expect(e.span.start).toBeGreaterThanOrEqual(0);
    expect(e.span.end).toBeLessThanOrEqual(src.length);
  });
});
