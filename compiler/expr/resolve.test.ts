import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from './functions.js';
import { parseExpression } from './parser.js';
import {
  ExprError,
  findColumn,
  numberLiteralType,
  resolveExpr,
  type ResolveOptions,
  type ScopeRelation,
} from './resolve.js';
import { T, decimal, formatType, type PortableType } from '../schema/types.js';
import type { DiagnosticCode } from '../diagnostics.js';

const orders: ScopeRelation[] = [
  {
    port: 'in',
    label: 'input "orders"',
    columns: [
      { name: 'order_id', type: T.bigint },
      { name: 'qty', type: T.int },
      { name: 'amount', type: decimal(12, 2) },
      { name: 'Status', type: T.string },
      { name: 'ordered_at', type: T.timestamp },
      { name: 'order_day', type: T.date },
      { name: 'created', type: T.timestamptz },
      { name: 'paid', type: T.bool },
      { name: 'score', type: T.double },
      { name: 'shape', type: T.geography },
      { name: 'payload', type: { kind: 'other', native: 'JSON' } },
      // Two names that differ only in case, and a third whose case-insensitive match is unique.
      { name: 'Code', type: T.string },
      { name: 'CODE', type: T.int },
    ],
  },
];

const joinScope: ScopeRelation[] = [
  {
    qualifier: 'left',
    port: 'left',
    sqlAlias: '_l',
    label: 'input "customers"',
    columns: [
      { name: 'id', type: T.bigint },
      { name: 'name', type: T.string },
      { name: 'Region', type: T.string },
    ],
  },
  {
    qualifier: 'right',
    port: 'right',
    sqlAlias: '_r',
    label: 'input "cities"',
    columns: [
      { name: 'id', type: T.int },
      { name: 'city', type: T.string },
      { name: 'region', type: T.string },
    ],
  },
];

const params = new Map([
  ['min_amount', { type: T.double }],
  ['limit_n', { type: T.bigint }],
  ['label', { type: T.string }],
  ['since', { type: T.date }],
  ['cutoff', { type: T.timestamp }],
  ['flag', { type: T.bool }],
]);

const base: ResolveOptions = {
  params,
  aggregates: 'forbidden',
  windows: 'forbidden',
  context: 'a filter node',
};

function resolve(text: string, opts: Partial<ResolveOptions> = {}, scope = orders) {
  return resolveExpr(parseExpression(text), scope, { ...base, ...opts });
}
const typeOf = (text: string, opts: Partial<ResolveOptions> = {}, scope = orders): string =>
  formatType(resolve(text, opts, scope).expr.type);

function failure(text: string, opts: Partial<ResolveOptions> = {}, scope = orders): ExprError {
  try {
    resolve(text, opts, scope);
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

function expectFailure(
  text: string,
  code: DiagnosticCode,
  message: string | RegExp,
  opts: Partial<ResolveOptions> = {},
  scope = orders,
): ExprError {
  const e = failure(text, opts, scope);
  expect({ code: e.code, message: e.message }).toEqual({
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  return e;
}

describe('types of expressions', () => {
  it.each([
    ['qty', 'int'],
    ['qty + order_id', 'bigint'],
    ['qty * qty', 'bigint'], // integer arithmetic widens so products do not overflow
    ['qty % 7', 'int'],
    ['qty / 2', 'double'], // true division, always
    ['amount + qty', 'decimal(12,2)'],
    ['amount * amount', 'decimal(24,4)'],
    ['score + amount', 'double'],
    ['-amount', 'decimal(12,2)'],
    ["Status || ' '", 'string'],
    ['Status || qty', 'string'],
    ['qty > 1 AND paid', 'bool'],
    ['NOT paid', 'bool'],
    ['qty IS NULL', 'bool'],
    ['qty IN (1, 2, 3)', 'bool'],
    ['amount BETWEEN 1 AND 2.5', 'bool'],
    ["Status LIKE 'a%'", 'bool'],
    ['CASE WHEN paid THEN qty ELSE amount END', 'decimal(12,2)'],
    ["CASE WHEN paid THEN 'y' END", 'string'],
    ['CASE WHEN paid THEN NULL ELSE 1 END', 'int'],
    ['CAST(qty AS string)', 'string'],
    ['CAST(Status AS decimal(10, 3))', 'decimal(10,3)'],
    ['order_day = ordered_at', 'bool'],
    ["date '2024-01-31'", 'date'],
    ["timestamp '2024-01-31 10:00:00'", 'timestamp'],
    ['1', 'int'],
    ['12345678901', 'bigint'],
    ['1.50', 'decimal(3,2)'],
    ['1e3', 'double'],
    ['null', 'null'],
    ['null + 1', 'int'],
    ['lower(Status)', 'string'],
    ['length(Status)', 'bigint'],
    ['round(amount, 1)', 'decimal(12,1)'],
    ["date_trunc('month', ordered_at)", 'timestamp'],
    ["date_trunc('month', order_day)", 'date'],
    ["date_add(order_day, 1, 'hour')", 'timestamp'],
    ["date_diff('day', order_day, order_day)", 'bigint'],
    ['extract(dow from order_day)', 'bigint'],
    ['coalesce(qty, order_id, 0)', 'bigint'],
    ['current_date', 'date'],
    ['CURRENT_TIMESTAMP', 'timestamptz'],
    ['current_date()', 'date'],
    ['payload = payload', 'bool'],
  ])('%s is %s', (text, type) => {
    expect(typeOf(text)).toBe(type);
  });

  it('types number literals by their text', () => {
    expect(numberLiteralType('007')).toEqual(T.int);
    // The warehouses' own bounds: an int up to 2^31 - 1, then bigint up to 2^63 - 1.
    expect(numberLiteralType('1234567890')).toEqual(T.int);
    expect(numberLiteralType('2147483647')).toEqual(T.int);
    expect(numberLiteralType('2147483648')).toEqual(T.bigint);
    expect(numberLiteralType('9223372036854775807')).toEqual(T.bigint);
    expect(numberLiteralType('9223372036854775808')).toEqual(decimal(19, 0));
    expect(numberLiteralType('1234567890123456789012')).toEqual(decimal(22, 0));
    expect(numberLiteralType('0.001')).toEqual(decimal(4, 3)); // one integer digit, as DuckDB types it
    expect(numberLiteralType('2.5E-3')).toEqual(T.double);
  });
});

describe('type errors', () => {
  it('sum(name) is a TYPE_MISMATCH with the usage', () => {
    const e = expectFailure('sum(Status)', 'TYPE_MISMATCH', 'sum expects a number, got string', {
      aggregates: 'allowed',
    });
    expect(e.hint).toBe('usage: sum(x)');
    expect(e.span).toEqual({ start: 0, end: 11 });
  });

  it('comparing text with a number points at the operator and says to quote or cast', () => {
    const e = expectFailure('Status = 1', 'TYPE_MISMATCH', 'cannot compare string with int');
    expect(e.span).toEqual({ start: 7, end: 8 });
    expect(e.hint).toBe("quote text values ('paid') and cast when the types differ: CAST(x AS bigint)");
    expectFailure("qty >= '10'", 'TYPE_MISMATCH', 'cannot compare int with string');
    expectFailure(':label < qty', 'TYPE_MISMATCH', 'cannot compare string with int');
  });

  it('comparing a date with text suggests a date literal', () => {
    expect(failure("order_day = '2024-01-31'").hint).toBe("write a date literal: date '2024-01-31'");
    expect(failure("'2024-01-31 10:00' < ordered_at").hint).toBe(
      "write a timestamp literal: timestamp '2024-01-31 10:00'",
    );
    expect(failure("created > 'x''y'").hint).toBe("cast the text: CAST('x''y' AS timestamptz)");
  });

  it.each([
    ['Status + 1', '+ expects numbers, got string', 'join text with || or concat(…)'],
    [
      'ordered_at + 1',
      '+ expects numbers, got timestamp',
      "use date_add(d, n, 'day') or date_diff('day', a, b) for dates",
    ],
    ['paid * 2', '* expects numbers, got bool', 'cast it to a number first'],
    ['-Status', 'unary - expects a number, got string', undefined],
    ['qty AND paid', 'AND expects a condition (true/false), got int', 'compare it, e.g. amount > 0'],
    ['NOT qty', 'NOT expects a condition (true/false), got int', 'compare it, e.g. amount > 0'],
    [
      'CASE WHEN qty THEN 1 END',
      'CASE WHEN expects a condition (true/false), got int',
      'compare it, e.g. amount > 0',
    ],
    [
      "CASE WHEN paid THEN 1 ELSE 'x' END",
      'CASE branches mix int and string',
      'cast the branches to one type',
    ],
    ["CASE qty WHEN 'a' THEN 1 END", 'CASE compares int with string', undefined],
    ["qty IN (1, 'two')", 'IN list value 2 is string but the value tested is int', undefined],
    ["qty BETWEEN 'a' AND 2", 'cannot compare int with string in BETWEEN', undefined],
    ["qty LIKE '1%'", 'LIKE works on text, got int', 'cast it: CAST(x AS string)'],
    [
      'ordered_at < created',
      'cannot compare timestamp with timestamptz',
      'cast one side so both have one type',
    ],
    ['shape = shape', 'cannot compare geography with geography', 'cast one side so both have one type'],
    ['payload || Status', '|| cannot join json', 'cast it to string first'],
    ['CAST(qty AS geography)', 'cannot cast int to geography', undefined],
    ['lower(qty)', 'lower expects text, got int as argument 1', 'usage: lower(text)'],
    [
      "coalesce(qty, 'x')",
      'coalesce arguments must have one type, got int, string',
      'usage: coalesce(a, b, …)',
    ],
    [
      "date_trunc('mnth', ordered_at)",
      /^date_trunc unit must be one of 'year', 'quarter', 'month'/,
      "usage: date_trunc('month', ts)",
    ],
    [
      "date_trunc('hour', order_day)",
      'a date has no hour; cast it to timestamp first',
      "usage: date_trunc('month', ts)",
    ],
    ["date_add(order_day, 1.5, 'day')", 'date_add amount must be an integer', "usage: date_add(d, 3, 'day')"],
    [
      "date_diff('day', order_day, ordered_at)",
      'date_diff arguments must have one type, got date and timestamp; cast one',
      "usage: date_diff('day', a, b)",
    ],
    ['extract(hour from order_day)', 'a date has no hour', 'usage: extract(hour from ts)'],
    [
      'extract(year from Status)',
      'extract expects a date or timestamp, got string',
      'usage: extract(hour from ts)',
    ],
    ['mod(Status, 2)', 'mod expects numbers', 'usage: mod(a, b)'],
  ])('%s', (text, message, hint) => {
    const e = expectFailure(text, 'TYPE_MISMATCH', message);
    expect(e.hint).toBe(hint);
  });
});

describe('functions and arguments', () => {
  it('an unknown function suggests the nearest known one', () => {
    const e = expectFailure('lowr(Status)', 'UNKNOWN_FUNCTION', 'unknown function lowr()');
    expect(e.span).toEqual({ start: 0, end: 4 });
    expect(e.hint).toMatch(/^did you mean "lower"\?/);
  });

  it.each([
    ['lenght(Status)', 'did you mean "length"?'],
    ['substring(Status, 1, 2)', 'did you mean "substr"?'],
    ["regex_replace(Status, 'a', 'b')", 'did you mean "regexp_replace"?'],
    ['percentile(score, 0.5)', 'did you mean "percentile_cont"?'],
    ['len(Status)', 'did you mean "length"?'], // another dialect's name
    ['now()', 'did you mean "current_timestamp"?'],
    ["nvl(Status, '')", 'did you mean "coalesce"?'],
    ['log(score)', 'did you mean "ln" or "log10"?'],
    ['date(ordered_at)', 'did you mean "CAST(x AS date)"?'],
  ])('%s: %s', (text, guess) => {
    expect(expectFailure(text, 'UNKNOWN_FUNCTION', /^unknown function /).hint).toMatch(
      new RegExp(`^${guess.replace(/[?()]/g, '\\$&')} All \\d+ functions.*edgeflow://expressions`),
    );
  });

  it('an unknown function far from every name gets no guess, but where all of them are described', () => {
    // A name of up to 5 letters may be one edit away, so `now`-like names do not suggest `cos`.
    for (const text of ['frobnicate(Status)', 'strpos(Status)', 'trunc(score)', 'xyz(score)', 'cot(score)'])
      expect(expectFailure(text, 'UNKNOWN_FUNCTION', /^unknown function /).hint).toBe(
        `All ${FUNCTIONS.size} functions, with signatures and dialect support: MCP resource edgeflow://expressions (or tool describe_expressions), README "Portable expressions"`,
      );
    // sin and cos are functions (once they suggested sign and abs).
    expect(resolve('sin(score) + cos(score)').expr.type).toEqual(T.double);
  });

  it.each([
    ['lower()', 'lower takes 1 argument(s), got 0'],
    ["substr('a')", 'substr takes 2 to 3 argument(s), got 1'],
    ['lower(distinct Status)', 'lower does not take DISTINCT'],
    ['round(amount, qty)', 'argument 2 of round must be a literal'],
    ['date_trunc(Status, ordered_at)', 'argument 1 of date_trunc must be a literal'],
  ])('%s', (text, message) => {
    expectFailure(text, 'WRONG_ARGUMENTS', message);
  });

  it.each([
    ['sin(Status)', 'TYPE_MISMATCH', 'sin expects a number, got string'],
    ['pi(1)', 'WRONG_ARGUMENTS', 'pi takes 0 argument(s), got 1'],
    ["left(Status, '2')", 'TYPE_MISMATCH', 'left count must be an integer'],
    ["split_part(Status, '', 1)", 'TYPE_MISMATCH', 'split_part delimiter must be a non-empty text literal'],
    [
      "split_part(Status, ',', 0)",
      'TYPE_MISMATCH',
      'split_part field number must be an integer literal, 1 or more',
    ],
    ["split_part(Status, ',', qty)", 'WRONG_ARGUMENTS', 'argument 3 of split_part must be a literal'],
    ["regexp_like(Status, 'a(?=b)')", 'WRONG_ARGUMENTS', /lookaround/],
    [
      "regexp_extract(Status, '(a)(b)', 3)",
      'WRONG_ARGUMENTS',
      'regexp_extract asks for group 3, but the pattern has 2',
    ],
    [
      "regexp_extract(Status, 'a', -1)",
      'TYPE_MISMATCH',
      'regexp_extract group must be an integer literal, 0 or more',
    ],
    [
      "regexp_replace(Status, '(a)', '\\2')",
      'WRONG_ARGUMENTS',
      'the replacement refers to group 2, but the pattern has 1',
    ],
    ["regexp_replace(Status, 'a', '\\n')", 'WRONG_ARGUMENTS', /\\ starts a group reference/],
    ["format_date(created, 'YYYY')", 'TYPE_MISMATCH', /cast it first: CAST\(x AS timestamp\)/],
    ["format_date(order_day, 'YYYY HH24')", 'WRONG_ARGUMENTS', 'a date has no hours, minutes or seconds'],
    ['format_date(ordered_at, Status)', 'WRONG_ARGUMENTS', 'argument 2 of format_date must be a literal'],
    ['count_if(qty)', 'TYPE_MISMATCH', 'count_if expects a condition, got int'],
    [
      'percentile_cont(amount, 1.5)',
      'TYPE_MISMATCH',
      'percentile_cont fraction must be a number literal from 0 to 1',
    ],
    ['median(Status)', 'TYPE_MISMATCH', 'median expects a number, got string'],
  ] as const)('%s', (text, code, message) => {
    expectFailure(text, code, message, { aggregates: 'allowed' });
  });

  it('points at a bad pattern or format element and lists what is allowed', () => {
    const e = expectFailure(
      "format_date(ordered_at, 'YYYY-mm-DD')",
      'WRONG_ARGUMENTS',
      /unknown element at "mm-DD"/,
    );
    expect(e.span).toEqual({ start: 24, end: 36 });
    expect(e.hint).toMatch(/^elements YYYY, MM, DD, HH24, MI, SS, Month, Mon, Dy/);
    const r = expectFailure("regexp_like(Status, '[[:alpha:]]')", 'WRONG_ARGUMENTS', /POSIX classes/);
    expect(r.span).toEqual({ start: 20, end: 33 });
    expect(r.hint).toBe('write the ranges, e.g. [A-Za-z]');
  });

  it.each([
    ['atan2(score, qty)', 'double'],
    ['pi()', 'double'],
    ['radians(amount)', 'double'],
    ["starts_with(Status, 'a')", 'bool'],
    ['regexp_like(Status, :label)', 'bool'],
    ["regexp_extract(Status, '(a)', 1)", 'string'],
    ["split_part(Status, ',', 2)", 'string'],
    ['format_date(ordered_at, \'YYYY-MM-DD"T"HH24:MI:SS\')', 'string'],
    ['extract(isoyear from order_day)', 'bigint'],
    ['extract(isodow from ordered_at)', 'bigint'],
    ['count_if(paid)', 'bigint'],
    ['median(qty)', 'double'],
    ['percentile_cont(amount, 0.9)', 'double'],
  ])('%s is %s', (text, type) => {
    expect(typeOf(text, { aggregates: 'allowed' })).toBe(type);
  });

  it('only count takes *', () => {
    expectFailure('sum(*)', 'WRONG_ARGUMENTS', 'sum(*) is not valid; only count(*) takes *', {
      aggregates: 'allowed',
    });
    expect(typeOf('count(*)', { aggregates: 'allowed' })).toBe('bigint');
  });
});

describe('aggregates and window functions', () => {
  it('aggregates are refused where they are not allowed, naming the context', () => {
    const e = expectFailure(
      'sum(qty) > 10',
      'AGGREGATE_MISUSE',
      'aggregate sum() is not allowed in a filter node',
    );
    expect(e.span).toEqual({ start: 0, end: 3 });
    expect(e.hint).toBe(
      'aggregate with an aggregate node (groupBy + measures), or use a window node for running totals',
    );
    expectFailure('count(*)', 'AGGREGATE_MISUSE', 'aggregate count() is not allowed in a computed column', {
      context: 'a computed column',
    });
  });

  it('aggregates do not nest', () => {
    expectFailure(
      'sum(max(qty))',
      'AGGREGATE_MISUSE',
      'aggregates cannot be nested (max inside another aggregate)',
      {
        aggregates: 'allowed',
      },
    );
  });

  it('a measure may use group keys outside an aggregate, and nothing else', () => {
    const opts = { aggregates: 'allowed' as const, groupKeys: new Set(['Status']) };
    expect(typeOf('Status || count(*)', opts)).toBe('string');
    const e = expectFailure(
      'sum(amount) / qty',
      'AGGREGATE_MISUSE',
      'column "qty" is used outside an aggregate but is not in groupBy',
      opts,
    );
    expect(e.hint).toBe('wrap it in an aggregate such as any_value(qty) or max(qty), or add it to groupBy');
  });

  it('window functions only in a window node, and never inside an aggregate', () => {
    expectFailure(
      'row_number()',
      'AGGREGATE_MISUSE',
      'window function row_number() is only allowed in a window node',
    );
    expectFailure('sum(lag(qty))', 'AGGREGATE_MISUSE', 'lag() cannot be used inside an aggregate', {
      aggregates: 'allowed',
      windows: 'allowed',
    });
    const r = resolve('qty / sum(qty)', { aggregates: 'allowed', windows: 'allowed' });
    expect(r).toMatchObject({ hasAggregate: true, hasWindow: false });
    expect(resolve('rank()', { windows: 'allowed' })).toMatchObject({ hasWindow: true });
  });
});

describe('column resolution', () => {
  it('matches exactly first, then case-insensitively when that is unique', () => {
    expect(resolve('amount').expr).toMatchObject({ k: 'col', name: 'amount' });
    expect(resolve('AMOUNT').expr).toMatchObject({ k: 'col', name: 'amount' });
    expect(resolve('status').expr).toMatchObject({ k: 'col', name: 'Status' });
    expect(resolve('Code').expr).toMatchObject({ k: 'col', name: 'Code', type: T.string });
    expect(resolve('CODE').expr).toMatchObject({ k: 'col', name: 'CODE', type: T.int });
  });

  it('a quoted name matches exactly only', () => {
    expect(resolve('"Status"').expr).toMatchObject({ name: 'Status' });
    const e = expectFailure('"status"', 'UNKNOWN_COLUMN', 'column "status" not found in input "orders"');
    expect(e.hint).toBe('did you mean "Status"?');
  });

  it('a case-insensitive match of several columns is ambiguous', () => {
    const e = expectFailure(
      'code',
      'AMBIGUOUS_COLUMN',
      '"code" matches several columns that differ only in case',
    );
    expect(e.hint).toBe('quote the exact name, e.g. "Amount"');
    expect(findColumn(orders[0]!.columns, 'code')).toBe('ambiguous');
    expect(findColumn(orders[0]!.columns, 'code', true)).toBeUndefined();
  });

  it('an unknown column names the input and the nearest column', () => {
    const e = expectFailure('amout > 1', 'UNKNOWN_COLUMN', 'column "amout" not found in input "orders"');
    expect(e.span).toEqual({ start: 0, end: 5 });
    expect(e.hint).toBe('did you mean "amount"?');
    expect(failure('zzz').hint).toMatch(/^available columns: "order_id", "qty", "amount"/);
  });

  it('records the columns an expression reads, once each', () => {
    expect(resolve('qty * qty + amount').deps).toEqual([
      { port: 'in', column: 'qty' },
      { port: 'in', column: 'amount' },
    ]);
  });
});

describe('left. and right. in a join', () => {
  it('qualified names resolve against their side and render with the side alias', () => {
    const r = resolve('left.id = right.id', {}, joinScope);
    expect(r.expr).toMatchObject({
      left: { k: 'col', name: 'id', table: '_l', type: T.bigint },
      right: { k: 'col', name: 'id', table: '_r', type: T.int },
    });
    expect(r.deps).toEqual([
      { port: 'left', column: 'id' },
      { port: 'right', column: 'id' },
    ]);
  });

  it('an unqualified name present on one side only is found there', () => {
    expect(resolve('city', {}, joinScope).expr).toMatchObject({ table: '_r', name: 'city' });
    expect(resolve('LEFT.name', {}, joinScope).expr).toMatchObject({ table: '_l' });
  });

  it('an unqualified name on both sides is ambiguous', () => {
    const e = expectFailure('id = 1', 'AMBIGUOUS_COLUMN', 'column "id" exists in both inputs', {}, joinScope);
    expect(e.hint).toBe('write left.id or right.id');
    // Region (left) and region (right) differ in case, but each side matches case-insensitively.
    expectFailure('region', 'AMBIGUOUS_COLUMN', 'column "region" exists in both inputs', {}, joinScope);
  });

  it('a column asked of the wrong side says which side has it', () => {
    const e = expectFailure(
      'left.city',
      'UNKNOWN_COLUMN',
      'column "city" not found in input "customers"',
      {},
      joinScope,
    );
    expect(e.hint).toBe('"city" is a column of the right input: write right.city');
    expect(failure('right.nme', {}, joinScope).hint).toBe('available columns: "id", "city", "region"');
  });

  it('an unknown qualifier lists the valid ones', () => {
    const e = expectFailure('customers.id', 'UNKNOWN_COLUMN', 'unknown qualifier "customers"', {}, joinScope);
    expect(e.hint).toBe('columns are qualified with left. or right.');
    expect(failure('left.id').hint).toBe('write the column name alone: a node only sees its input');
  });
});

describe('parameters', () => {
  it.each<[string, PortableType]>([
    [':min_amount', T.double],
    [':limit_n', T.bigint],
    [':label', T.string],
    [':since', T.date],
    [':cutoff', T.timestamp],
    [':flag', T.bool],
  ])('%s is typed from its declaration', (text, type) => {
    expect(resolve(text).expr).toEqual({ k: 'param', name: text.slice(1), type });
  });

  it('params take part in type checking', () => {
    expect(typeOf('amount >= :min_amount AND order_day >= :since')).toBe('bool');
    expectFailure('Status = :limit_n', 'TYPE_MISMATCH', 'cannot compare string with bigint');
    expectFailure(':flag + 1', 'TYPE_MISMATCH', '+ expects numbers, got bool');
  });

  it('an undeclared param suggests the nearest declared one', () => {
    const e = expectFailure('amount > :min_amout', 'UNKNOWN_PARAM', 'parameter :min_amout is not declared');
    expect(e.span).toEqual({ start: 9, end: 19 });
    expect(e.hint).toBe('declare it under "params" in the workflow; did you mean "min_amount"?');
    expect(failure(':x', { params: new Map() }).hint).toBe(
      'declare it under "params" in the workflow; there are no declared params',
    );
  });
});
