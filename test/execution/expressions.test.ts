/**
 * The portable expression meanings of DESIGN.md §1.2, executed on DuckDB and PostgreSQL. Every
 * expected value is computed by hand here, so both engines must give the same answer.
 */
import { expect, it } from 'vitest';
import { analyzeWorkflow } from '../../compiler/index.js';
import { type Plain, diffResults, expectSameResults, literalResult, normalize } from '../support/compare.js';
import { ORDERS, fixtureObjects, type FixtureValue } from '../fixtures/demo-data.js';
import { forEachEngine, type EngineContext } from '../support/engines.js';
import { previewRows, sources, workflow, type NodeDoc } from '../support/workflow-run.js';

/** One row of typed edge values that every case reads. */
const VALUES: NodeDoc = {
  id: 'v',
  type: 'source.values',
  config: {
    columns: [
      { name: 'i7', type: 'int' },
      { name: 'i2', type: 'int' },
      { name: 'i0', type: 'int' },
      { name: 'inull', type: 'int' },
      { name: 'im7', type: 'int' },
      { name: 'b3', type: 'bigint' },
      { name: 'big', type: 'int' },
      { name: 'd', type: 'decimal(12,2)' },
      { name: 'dn', type: 'decimal(12,2)' },
      { name: 'd0', type: 'decimal(12,2)' },
      { name: 'f', type: 'double' },
      { name: 'fn', type: 'double' },
      { name: 'fnull', type: 'double' },
      { name: 's', type: 'string' },
      { name: 'snull', type: 'string' },
      { name: 'pct', type: 'string' },
      { name: 'dsun', type: 'date' },
      { name: 'dmon', type: 'date' },
      { name: 'd31', type: 'date' },
      { name: 'dleap', type: 'date' },
      { name: 'dnull', type: 'date' },
      { name: 'ts', type: 'timestamp' },
      { name: 'ts2', type: 'timestamp' },
      { name: 'tsfrac', type: 'timestamp' },
      { name: 'tnull', type: 'timestamp' },
      { name: 'bt', type: 'bool' },
      { name: 'bnull', type: 'bool' },
    ],
    rows: [
      [
        7,
        2,
        0,
        null,
        -7,
        3,
        100000,
        2.5,
        -2.5,
        0,
        2.5,
        -2.5,
        null,
        'Abc',
        null,
        'a%b',
        '2024-01-07',
        '2024-01-08',
        '2024-01-31',
        '2024-02-29',
        null,
        '2023-12-31 23:59:59',
        '2024-01-01 00:00:00',
        '2024-01-15 08:30:45.75',
        null,
        true,
        null,
      ],
    ],
  },
};

/** [expression, expected value]: dates as 'YYYY-MM-DD', timestamps as 'YYYY-MM-DD HH:MM:SS'. */
type Case = [string, Plain];

const ARITHMETIC: Case[] = [
  // `/` is true division, even between integers, and null when dividing by zero.
  ['i7 / i2', 3.5],
  ['7 / 2', 3.5],
  ['im7 / i2', -3.5],
  ['b3 / i2', 1.5],
  ['i7 / i0', null],
  ['i7 / 0', null],
  ['d / d0', null],
  ['f / 0', null],
  ['d / i2', 1.25],
  ['f / 2', 1.25],
  ['i7 / inull', null],
  // div() truncates toward zero.
  ['div(i7, i2)', 3],
  ['div(im7, i2)', -3],
  ['div(i7, -2)', -3],
  ['div(im7, -2)', 3],
  ['div(i7, i0)', null],
  ['div(7.5, 2)', 3],
  ['div(-7.5, 2)', -3],
  ['div(fn, 2)', -1],
  ['div(d, 0)', null],
  // % and mod keep the sign of the dividend; null when dividing by zero.
  ['i7 % i2', 1],
  ['im7 % i2', -1],
  ['mod(i7, -2)', 1],
  ['i7 % i0', null],
  ['mod(7.5, 2)', 1.5],
  ['mod(fn, 2)', -0.5],
  // Integer arithmetic is bigint: it does not overflow 32 bits.
  ['big * big', 10000000000],
  ['big + 2147483647', 2147583647],
  ['-big * big - 1', -10000000001],
  ['big * big % 7', 10000000000 % 7],
  ['i7 + i2 * 3', 13],
  ['(i7 + i2) * 3', 27],
  ['i7 - i2 - 1', 4],
  ['i7 - (i2 - 1)', 6],
  ['-i7', -7],
  ['-(i7 - 10)', 3],
  ['abs(im7)', 7],
  ['sign(fn)', -1],
  ['sign(i0)', 0],
  ['floor(fn)', -3],
  ['ceil(fn)', -2],
  ['floor(dn)', -3],
  ['sqrt(16)', 4],
  ['power(i2, 10)', 1024],
  ['exp(0)', 1],
  ['ln(1)', 0],
  ['log10(1000)', 3],
];

const TRIGONOMETRY: Case[] = [
  ['sin(0)', 0],
  ['sin(i7)', Math.sin(7)],
  ['cos(d)', Math.cos(2.5)],
  ['tan(fn)', Math.tan(-2.5)],
  ['sin(radians(30))', 0.5],
  ['asin(1)', Math.PI / 2],
  ['acos(-1)', Math.PI],
  ['asin(0.5e0)', Math.asin(0.5)],
  // asin and acos are null outside [-1, 1] (engines would raise an error).
  ['asin(2)', null],
  ['acos(fn)', null],
  ['asin(fnull)', null],
  ['atan(1)', Math.PI / 4],
  ['atan2(1, -1)', (3 * Math.PI) / 4],
  ['atan2(-1, -1)', (-3 * Math.PI) / 4],
  ['atan2(i0, i2)', 0],
  ['radians(180)', Math.PI],
  ['radians(d)', (2.5 * Math.PI) / 180],
  ['degrees(pi())', 180],
  ['degrees(atan2(i2, i2))', 45],
  ['pi()', Math.PI],
  ['pi() * i2', 2 * Math.PI],
];

const ROUNDING: Case[] = [
  // round halves away from zero, on doubles and decimals, positive and negative.
  ['round(f)', 3],
  ['round(fn)', -3],
  ['round(d)', 3],
  ['round(dn)', -3],
  ['round(0.5e0)', 1],
  ['round(-0.5e0)', -1],
  ['round(1.5e0)', 2],
  ['round(-1.5e0)', -2],
  ['round(0.125e0, 2)', 0.13],
  ['round(-0.125e0, 2)', -0.13],
  ['round(0.375e0, 2)', 0.38],
  ['round(CAST(0.125 AS decimal(12,3)), 2)', 0.13],
  ['round(CAST(-0.125 AS decimal(12,3)), 2)', -0.13],
  ['round(1250.0e0, -2)', 1300],
  ['round(-1250.0e0, -2)', -1300],
  ['round(CAST(1250 AS decimal(12,2)), -2)', 1300],
  // A double is rounded as the binary value it is: 0.285 is 0.28499…, so 0.28 (JS: Math.round(x * 100) / 100).
  ['round(0.285e0, 2)', 0.28],
  ['round(2.675e0, 2)', 2.68], // 2.675 * 100 is exactly 267.5 in binary
  ['round(1.005e0, 2)', 1],
  ['round(-0.285e0, 2)', -0.28],
  ['round(CAST(0.285 AS decimal(12,3)), 2)', 0.29],
  ['round(1234.5678e0, 1)', 1234.6],
  ['round(fn * 3, -1)', -10],
  ['round(i7)', 7],
  ['round(fnull)', null],
];

const TEXT: Case[] = [
  // || and concat are null when an argument is null.
  ["s || 'x'", 'Abcx'],
  ['s || snull', null],
  ["snull || 'x'", null],
  ["concat(s, '-', s)", 'Abc-Abc'],
  ["concat(s, '-', snull)", null],
  ["concat('n=', i7)", 'n=7'],
  ["'n=' || i7 || '/' || d", 'n=7/2.50'],
  ["'b=' || bt", 'b=true'],
  ["'d=' || dsun", 'd=2024-01-07'],
  ["'f=' || f", 'f=2.5'],
  ["'f=' || 100.0e0", 'f=100'],
  ["'f=' || fn * 2", 'f=-5'],
  ['CAST(f * 4 AS string)', '10'],
  ['CAST(0.1e0 AS string)', '0.1'],
  ['CAST(d AS string)', '2.50'],
  ['CAST(ts AS string)', '2023-12-31 23:59:59'],
  ['lower(s)', 'abc'],
  ['upper(s)', 'ABC'],
  ['length(s)', 3],
  ["length('日本語')", 3],
  ["trim('  x  ')", 'x'],
  ["ltrim('  x  ')", 'x  '],
  ["rtrim('  x  ')", '  x'],
  ['substr(s, 2)', 'bc'],
  ['substr(s, 2, 1)', 'b'],
  // A negative start counts from the end; start 0 is the position before the first character.
  ['substr(s, -1)', 'c'],
  ['substr(s, -2, 1)', 'b'],
  ['substr(s, 0, 2)', 'A'],
  ['substr(s, 0)', 'Abc'],
  ['substr(s, im7 + 6)', 'c'],
  ['substr(s, 5)', ''],
  ['substr(s, 2, i0 - 1)', ''],
  ['substr(s, b3 - 1, b3 - 2)', 'b'],
  ['substr(snull, 1)', null],
  ["replace(s, 'b', 'B')", 'ABc'],
  ["'it''s'", "it's"],
  ["'back\\slash'", 'back\\slash'],
  // LIKE is case-sensitive, ILIKE is not.
  ["s LIKE 'a%'", false],
  ["s LIKE 'A%'", true],
  ["s LIKE 'A_c'", true],
  ["s LIKE 'A_'", false],
  ["s ILIKE 'a%'", true],
  ["s ILIKE 'ABC'", true],
  ["s NOT LIKE 'a%'", true],
  ["s NOT ILIKE 'a%'", false],
  ["snull LIKE '%'", null],
  // A backslash escapes a wildcard in a pattern.
  ["pct LIKE 'a\\%b'", true],
  ["'axb' LIKE 'a\\%b'", false],
  ["'axb' LIKE 'a%b'", true],
  ["'a_b' LIKE 'a\\_b'", true],
  ["'aXb' ILIKE 'A\\_B'", false],
  ["'a\\b' LIKE '%\\\\%'", true],
];

const TEXT_FUNCTIONS: Case[] = [
  ["starts_with(s, 'Ab')", true],
  ["starts_with(s, 'ab')", false],
  ["starts_with(s, '')", true],
  ["starts_with(snull, 'A')", null],
  ["ends_with(s, 'bc')", true],
  ["ends_with(s, 'Bc')", false],
  ["ends_with(s, '')", true],
  ["ends_with('日本語', '語')", true],
  ['ends_with(s, snull)', null],
  // left/right: a negative count is empty text; past the end is the whole text.
  ['left(s, 2)', 'Ab'],
  ['left(s, 0)', ''],
  ['left(s, -1)', ''],
  ['left(s, im7)', ''],
  ['left(s, 10)', 'Abc'],
  ['left(s, inull)', null],
  ["left('日本語', 2)", '日本'],
  ['right(s, 2)', 'bc'],
  ['right(s, -1)', ''],
  ['right(s, b3)', 'Abc'],
  ['right(snull, 1)', null],
  // split_part counts fields from 1; a field past the last is ''.
  ["split_part('a,b,,c', ',', 1)", 'a'],
  ["split_part('a,b,,c', ',', 3)", ''],
  ["split_part('a,b,,c', ',', 4)", 'c'],
  ["split_part('a,b,,c', ',', 5)", ''],
  ["split_part(s, ',', 1)", 'Abc'],
  ["split_part(s, ',', 2)", ''],
  ["split_part('', ',', 1)", ''],
  ["split_part('a::b::c', '::', 2)", 'b'],
  ["split_part('a.b|c', '.', 2)", 'b|c'],
  ["split_part('a.b|c', '|', 2)", 'c'],
  ["split_part(snull, ',', 1)", null],
  // An untyped null is null, not an ambiguous call.
  ["starts_with(null, 'a')", null],
  ["ends_with(null, 'a')", null],
  ['left(null, 1)', null],
  ["split_part(null, ',', 1)", null],
  ["regexp_like(null, 'a')", null],
  ["regexp_extract(null, '(a)', 1)", null],
  ["regexp_replace(null, 'a', 'b')", null],
  ["format_date(null, 'YYYY')", null],
  ['sin(null) IS NULL AND asin(null) IS NULL AND atan2(null, 1) IS NULL', true],
];

/** Regular expressions in the portable syntax: one meaning whatever the engine's own dialect. */
const REGEX: Case[] = [
  ["regexp_like(s, 'b')", true],
  ["regexp_like(s, '^b')", false],
  ["regexp_like(s, 'B')", false],
  ["regexp_like(s, '(?i)^aB')", true],
  ["regexp_like(snull, 'a')", null],
  ["regexp_like('foo.bar', 'o\\.b')", true],
  ["regexp_like('fooxbar', 'o\\.b')", false],
  ["regexp_like('x{2}', '^x\\{2\\}$')", true],
  ["regexp_like('xx', '^x{2}$')", true],
  ["regexp_like(']', '[]a]')", true],
  ["regexp_like('^', '[\\^]')", true],
  ["regexp_like('a-b', '^[a\\-]+b$')", true],
  // \d and \w are ASCII (RE2), not PostgreSQL's locale classes; . stops at a line break.
  ["regexp_like('a1', 'a\\d')", true],
  ["regexp_like('٣', '\\d')", false],
  ["regexp_like('é', '^\\w$')", false],
  ["regexp_like('a\nb', 'a.b')", false],
  ["regexp_like('a\nb', 'a[^x]b')", true],
  ["regexp_like('a\nb', 'a\\nb')", true],
  ["regexp_like('a\tb', 'a\\sb')", true],
  // \b is a boundary between [0-9A-Za-z_] and anything else (PostgreSQL's \y counts é as a letter).
  ["regexp_like('foo bar', '\\bbar\\b')", true],
  ["regexp_like('foobar', '\\bbar')", false],
  ["regexp_like('éa', '\\ba')", true],
  ["regexp_like('ab', 'a\\Bb')", true],
  // regexp_replace replaces every match; \1 is a group, \0 the whole match, \\ a backslash.
  ["regexp_replace('a1b22c333', '\\d+', '#')", 'a#b#c#'],
  ["regexp_replace('john smith', '(\\w+) (\\w+)', '\\2, \\1')", 'smith, john'],
  ["regexp_replace('abc', 'b', '[\\0]')", 'a[b]c'],
  ["regexp_replace('a.b', '\\.', '\\\\')", 'a\\b'],
  ["regexp_replace('a$b&c', '[$&]', '$1&')", 'a$1&b$1&c'],
  ["regexp_replace('abc', 'x*', '-')", '-a-b-c-'],
  ["regexp_replace('ABC abc', '(?i)b', '_')", 'A_C a_c'],
  ["regexp_replace('k=v;x=y', '(?:\\w)=(\\w)', '\\1')", 'v;y'],
  ["regexp_replace(snull, 'a', 'b')", null],
  // regexp_extract: the first match or a group; null without a match, '' for a group not taking part.
  ["regexp_extract('order-123-x', '\\d+')", '123'],
  ["regexp_extract('order-123-x', '(\\w+)-(\\d+)')", 'order-123'],
  ["regexp_extract('order-123-x', '(\\w+)-(\\d+)', 2)", '123'],
  ["regexp_extract('order-123-x', '(\\w+)-(\\d+)', 1)", 'order'],
  ["regexp_extract('a1b2', '[0-9]', 0)", '1'],
  ["regexp_extract('abc', 'z')", null],
  ["regexp_extract('abc', 'z(a)', 1)", null],
  ["regexp_extract('b', '(a)|b', 1)", ''],
  ["regexp_extract('ab', 'a(x)?b', 1)", ''],
  ["regexp_extract('ab', 'a(x?)b', 1)", ''],
  ["regexp_extract('AbC', '(?i)b(c)', 1)", 'C'],
  ["regexp_extract('k=v;x=y', '(?:\\w+)=(\\w+)', 1)", 'v'],
  ["regexp_extract('a\nb', '.+')", 'a'],
  ['regexp_extract(\'say "hi"\', \'"([^"]*)"\', 1)', 'hi'],
  ["regexp_extract(snull, 'a')", null],
];

const COMPARISON: Case[] = [
  ['greatest(i7, i2, 3)', 7],
  ['least(i7, i2, 3)', 2],
  ['greatest(i7, inull)', null],
  ['least(i7, inull, i2)', null],
  ["greatest('a', 'b')", 'b'],
  ['greatest(dsun, dmon)', '2024-01-08'],
  ['coalesce(inull, i2)', 2],
  ['coalesce(snull, s)', 'Abc'],
  ['nullif(i7, 7)', null],
  ['nullif(i7, 8)', 7],
  ['i7 IN (1, 7)', true],
  ['i7 NOT IN (1, 7)', false],
  ['i7 IN (1, 2)', false],
  ['i7 IN (1, inull)', null],
  ['inull IN (1, 2)', null],
  ['i7 BETWEEN 7 AND 8', true],
  ['i7 NOT BETWEEN 1 AND 6', true],
  ['f BETWEEN i2 AND 3', true],
  ["dsun BETWEEN date '2024-01-01' AND date '2024-01-07'", true],
  ["CASE WHEN i7 > 5 THEN 'big' ELSE 'small' END", 'big'],
  ["CASE WHEN inull > 5 THEN 'big' ELSE 'small' END", 'small'],
  ["CASE WHEN inull > 5 THEN 'big' END", null],
  ["CASE i7 WHEN 1 THEN 'one' WHEN 7 THEN 'seven' ELSE 'other' END", 'seven'],
  ['CASE WHEN bt THEN d ELSE f END', 2.5],
  ["current_date >= date '2024-01-01'", true],
  ["CAST(current_timestamp AS date) >= date '2024-01-01'", true],
  ['inull IS NULL', true],
  ['i7 IS NOT NULL', true],
  ['NOT bt', false],
  ['bnull AND false', false],
  ['bnull OR true', true],
  ['bnull AND true', null],
  ['i7 != 7', false],
  ['i7 <> 8', true],
  ['s = snull', null],
];

const CASTS: Case[] = [
  ["CAST('42' AS int)", 42],
  ["CAST('-42' AS bigint)", -42],
  ['CAST(i7 AS double) / 2', 3.5],
  ["CAST('2.345' AS decimal(12,2))", 2.35],
  ["CAST('-2.345' AS decimal(12,2))", -2.35],
  ['CAST(d AS int)', 3],
  ['CAST(dn AS int)', -3],
  ["CAST('2024-02-29' AS date)", '2024-02-29'],
  ["CAST('2024-02-29 10:11:12' AS timestamp)", '2024-02-29 10:11:12'],
  ['CAST(ts AS date)', '2023-12-31'],
  ['CAST(dsun AS timestamp)', '2024-01-07 00:00:00'],
  ["CAST('true' AS bool)", true],
  ['CAST(i7 AS string)', '7'],
  ['CAST(bt AS string)', 'true'],
  ['CAST(inull AS string)', null],
];

const DATES: Case[] = [
  // date_trunc('week', …) starts weeks on Monday; a date stays a date.
  ["date_trunc('week', dsun)", '2024-01-01'],
  ["date_trunc('week', dmon)", '2024-01-08'],
  ["date_trunc('week', ts)", '2023-12-25 00:00:00'],
  ["date_trunc('week', ts2)", '2024-01-01 00:00:00'],
  ["date_trunc('month', d31)", '2024-01-01'],
  ["date_trunc('quarter', dleap)", '2024-01-01'],
  ["date_trunc('year', ts)", '2023-01-01 00:00:00'],
  ["date_trunc('day', tsfrac)", '2024-01-15 00:00:00'],
  ["date_trunc('hour', tsfrac)", '2024-01-15 08:00:00'],
  ["date_trunc('minute', tsfrac)", '2024-01-15 08:30:00'],
  ["date_trunc('second', tsfrac)", '2024-01-15 08:30:45'],
  ["date_trunc('month', dnull)", null],
  // extract(dow …) is 1 = Monday … 7 = Sunday.
  ['extract(dow from dsun)', 7],
  ['extract(dow from dmon)', 1],
  ['extract(dow from ts)', 7],
  ['extract(dow from dleap)', 4],
  ['extract(year from ts)', 2023],
  ['extract(quarter from dleap)', 1],
  ['extract(month from dleap)', 2],
  ['extract(day from dleap)', 29],
  ['extract(doy from ts)', 365],
  ['extract(doy from dleap)', 60],
  ['extract(week from ts2)', 1],
  ["extract(week from date '2023-01-01')", 52],
  ["extract(week from date '2021-01-03')", 53],
  ['extract(hour from tsfrac)', 8],
  ['extract(minute from tsfrac)', 30],
  ['extract(second from tsfrac)', 45],
  ['extract(year from dnull)', null],
  // date_add for each unit; month ends clamp; time units on a date give a timestamp.
  ["date_add(d31, 1, 'month')", '2024-02-29'],
  ["date_add(d31, -2, 'month')", '2023-11-30'],
  ["date_add(dleap, 1, 'year')", '2025-02-28'],
  ["date_add(dleap, -4, 'year')", '2020-02-29'],
  ["date_add(date '2023-11-30', 1, 'quarter')", '2024-02-29'],
  ["date_add(d31, -1, 'quarter')", '2023-10-31'],
  ["date_add(dsun, 2, 'week')", '2024-01-21'],
  ["date_add(dsun, -1, 'week')", '2023-12-31'],
  ["date_add(d31, 1, 'day')", '2024-02-01'],
  ["date_add(dleap, b3, 'day')", '2024-03-03'],
  ["date_add(dsun, 36, 'hour')", '2024-01-08 12:00:00'],
  ["date_add(ts, 1, 'second')", '2024-01-01 00:00:00'],
  ["date_add(ts, -1440, 'minute')", '2023-12-30 23:59:59'],
  ["date_add(ts, 1, 'hour')", '2024-01-01 00:59:59'],
  ["date_add(ts, 2, 'month')", '2024-02-29 23:59:59'],
  ["date_add(ts, 1, 'year')", '2024-12-31 23:59:59'],
  ["date_add(ts, 1, 'week')", '2024-01-07 23:59:59'],
  ["date_add(ts, 1, 'quarter')", '2024-03-31 23:59:59'],
  ["date_add(dnull, 1, 'day')", null],
  ["date_add(dsun, inull, 'day')", null],
  // date_diff counts the unit boundaries crossed from a to b (b - a).
  ["date_diff('year', date '2023-12-31', date '2024-01-01')", 1],
  ["date_diff('year', dleap, date '2025-02-28')", 1],
  ["date_diff('year', date '2025-01-01', dleap)", -1],
  ["date_diff('quarter', date '2023-12-31', date '2024-01-01')", 1],
  ["date_diff('quarter', date '2024-01-01', date '2024-03-31')", 0],
  ["date_diff('quarter', date '2023-01-15', dleap)", 4],
  ["date_diff('month', d31, date '2024-02-01')", 1],
  ["date_diff('month', date '2024-02-01', d31)", -1],
  ["date_diff('month', date '2023-01-31', dleap)", 13],
  ["date_diff('week', dsun, dmon)", 1],
  ["date_diff('week', date '2024-01-01', dsun)", 0],
  ["date_diff('week', dmon, dsun)", -1],
  ["date_diff('week', date '2023-12-25', date '2024-01-21')", 3],
  ["date_diff('week', ts, ts2)", 1],
  ["date_diff('day', dsun, dmon)", 1],
  ["date_diff('day', ts, ts2)", 1],
  ["date_diff('day', dleap, date '2023-02-28')", -366],
  ["date_diff('hour', ts, ts2)", 1],
  ["date_diff('hour', timestamp '2024-01-01 10:00:00', timestamp '2024-01-01 10:59:59')", 0],
  ["date_diff('hour', timestamp '2024-03-31 01:30:00', timestamp '2024-03-31 03:30:00')", 2],
  ["date_diff('hour', dsun, dmon)", 24],
  ["date_diff('minute', ts, ts2)", 1],
  ["date_diff('minute', timestamp '2024-01-01 10:00:59', timestamp '2024-01-01 10:00:00')", 0],
  ["date_diff('second', ts, ts2)", 1],
  ["date_diff('second', timestamp '2024-01-15 08:30:44.9', tsfrac)", 1],
  ["date_diff('second', tsfrac, timestamp '2024-01-15 08:30:46.1')", 1],
  ["date_diff('day', dnull, dsun)", null],
  // isodow is dow; isoyear is the year the ISO week belongs to.
  ['extract(isodow from dsun)', 7],
  ['extract(isodow from dmon)', 1],
  ["extract(isoyear from date '2021-01-03')", 2020],
  ["extract(isoyear from date '2024-12-30')", 2025],
  ['extract(isoyear from ts)', 2023],
  ['extract(isoyear from dleap)', 2024],
  ['extract(isoyear from dnull)', null],
  // format_date: the portable pattern elements, English names, quoted text.
  ["format_date(dleap, 'YYYY-MM-DD')", '2024-02-29'],
  ['format_date(tsfrac, \'YYYY-MM-DD"T"HH24:MI:SS\')', '2024-01-15T08:30:45'],
  ["format_date(ts, 'DD/MM/YYYY HH24.MI')", '31/12/2023 23.59'],
  ["format_date(dsun, 'Dy DD Mon YYYY')", 'Sun 07 Jan 2024'],
  ["format_date(dleap, 'Month, YYYY')", 'February, 2024'],
  ['format_date(dmon, \'"Q1 %d" YYYY\')', 'Q1 %d 2024'],
  ["format_date(date '0900-05-09', 'YYYY-MM-DD')", '0900-05-09'],
  ["format_date(dnull, 'YYYY')", null],
];

/** One `select` node per case, over the values row. */
async function evaluate(ctx: EngineContext, expr: string): Promise<Plain> {
  const wf = workflow([
    VALUES,
    { id: 'e', type: 'select', inputs: { in: 'v' }, config: { columns: [{ as: 'x', expr }] } },
  ]);
  const rs = await previewRows(ctx, wf, 'e');
  expect(rs.rows).toHaveLength(1);
  return normalize(rs.rows[0]!['x']);
}

forEachEngine('ef_x_expr', (ctx) => {
  const groups: Array<[string, Case[]]> = [
    ['arithmetic and division', ARITHMETIC],
    ['trigonometry', TRIGONOMETRY],
    ['round halves away from zero', ROUNDING],
    ['text, concatenation and LIKE', TEXT],
    ['starts_with, ends_with, left, right, split_part', TEXT_FUNCTIONS],
    ['regular expressions', REGEX],
    ['comparisons, null handling, CASE, IN, BETWEEN', COMPARISON],
    ['casts', CASTS],
    ['dates', DATES],
  ];
  for (const [group, cases] of groups) {
    it(`${group}`, async () => {
      const wrong: string[] = [];
      for (const [expr, expected] of cases) {
        let got: Plain;
        try {
          got = await evaluate(ctx, expr);
        } catch (e) {
          wrong.push(`${expr}: ${(e as Error).message.split('\n')[0]}`);
          continue;
        }
        const diff = literalCompare(got, expected);
        if (diff) wrong.push(`${expr}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
      }
      expect(wrong, wrong.join('\n')).toEqual([]);
    });
  }

  it('date functions over every order (year boundary, DST dates, Sundays) match JS date math', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'd',
        type: 'select',
        inputs: { in: 'orders' },
        config: {
          columns: [
            'order_id',
            { as: 'week', expr: "date_trunc('week', ship_date)" },
            { as: 'dow', expr: 'extract(dow from ordered_at)' },
            { as: 'doy', expr: 'extract(doy from ship_date)' },
            { as: 'month', expr: "date_trunc('month', ordered_at)" },
            { as: 'days', expr: "date_diff('day', CAST(ordered_at AS date), ship_date)" },
            { as: 'weeks', expr: "date_diff('week', ordered_at, CAST(ship_date AS timestamp))" },
            { as: 'hours', expr: "date_diff('hour', ordered_at, date_add(ordered_at, 90, 'minute'))" },
            { as: 'next_month', expr: "date_add(ship_date, 1, 'month')" },
          ],
        },
      },
    ]);
    const DAY = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    const parse = (v: FixtureValue) => (v === null ? null : Date.parse(`${String(v).replace(' ', 'T')}Z`));
    const monday = (ms: number) => {
      const day = Math.floor(ms / DAY) * DAY;
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
    };
    const addMonth = (ms: number) => {
      const d = new Date(ms);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth() + 1;
      const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      return Date.UTC(y, m, Math.min(d.getUTCDate(), last));
    };
    const expected = fixtureObjects(ORDERS).map((o) => {
      const ship = parse(o['ship_date']!);
      const at = parse(o['ordered_at']!);
      const dayOf = (ms: number) => Math.floor(ms / DAY);
      return [
        o['order_id'],
        ship === null ? null : iso(monday(ship)),
        at === null ? null : ((new Date(at).getUTCDay() + 6) % 7) + 1,
        ship === null ? null : dayOf(ship) - dayOf(Date.UTC(new Date(ship).getUTCFullYear(), 0, 1)) + 1,
        at === null ? null : ts(Date.UTC(new Date(at).getUTCFullYear(), new Date(at).getUTCMonth(), 1)),
        at === null || ship === null ? null : dayOf(ship) - dayOf(at),
        at === null || ship === null ? null : (monday(ship) - monday(at)) / (7 * DAY),
        at === null ? null : Math.floor((at + 90 * 60_000) / 3_600_000) - Math.floor(at / 3_600_000),
        ship === null ? null : iso(addMonth(ship)),
      ];
    });
    const actual = await previewRows(ctx, wf, 'd');
    expectSameResults(
      actual,
      literalResult(
        ['order_id', 'week', 'dow', 'doy', 'month', 'days', 'weeks', 'hours', 'next_month'],
        expected,
      ),
    );
  });

  it('filters with parameters bound and inlined give the same rows', async () => {
    const wf = workflow(
      [
        ...sources(ctx, 'orders'),
        {
          id: 'f',
          type: 'filter',
          inputs: { in: 'orders' },
          config: {
            where: 'amount >= :min_amount AND ordered_at < :before AND status = :status AND quantity > :qty',
          },
        },
      ],
      {
        min_amount: { type: 'number', default: 0 },
        before: { type: 'timestamp', default: '2024-01-01 00:00:00' },
        status: { type: 'string', default: 'paid' },
        qty: { type: 'integer', default: 1 },
      },
    );
    const expected = await ctx.engine.query(
      `SELECT * FROM ${ctx.t('orders')} WHERE amount >= 10 AND ordered_at < TIMESTAMP '2023-12-15 00:00:00' AND status = 'paid' AND quantity > 1`,
    );
    const params = { min_amount: 10, before: '2023-12-15 00:00:00' };
    const bound = await previewRows(ctx, wf, 'f', { params, paramMode: 'bind' });
    const inlined = await previewRows(ctx, wf, 'f', { params, paramMode: 'literal' });
    expect(expected.rows.length).toBeGreaterThan(3);
    expectSameResults(bound, expected, { label: 'bound' });
    expectSameResults(inlined, expected, { label: 'literal' });
  });

  it('a haversine distance written with the trigonometric functions matches JS', async () => {
    // Madrid–Barcelona, London–New York, a pole to the equator, a point to itself, near-antipodes.
    const pairs = [
      [40.4168, -3.7038, 41.3874, 2.1686],
      [51.5072, -0.1276, 40.7128, -74.006],
      [90, 0, 0, 0],
      [10, 20, 10, 20],
      [0, 0, 0.5, 179.5],
    ];
    const wf = workflow([
      {
        id: 'p',
        type: 'source.values',
        config: {
          columns: ['id', 'lat1', 'lon1', 'lat2', 'lon2'].map((name) => ({
            name,
            type: name === 'id' ? 'int' : 'double',
          })),
          rows: pairs.map((p, i) => [i, ...p]),
        },
      },
      {
        id: 'd',
        type: 'select',
        inputs: { in: 'p' },
        config: {
          columns: [
            'id',
            {
              as: 'metres',
              expr:
                '2 * 6371008.8 * asin(sqrt(power(sin(radians(lat2 - lat1) / 2), 2) + ' +
                'cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))',
            },
          ],
        },
      },
    ]);
    const expected = pairs.map((p, i) => [i, haversine(...(p as [number, number, number, number]))]);
    expect(expected[0]![1]).toBeCloseTo(505_000, -4); // Madrid–Barcelona is about 505 km
    expectSameResults(await previewRows(ctx, wf, 'd'), literalResult(['id', 'metres'], expected));
  });

  it('regular expressions over every order note match JavaScript RegExp (same leftmost-first semantics)', async () => {
    // Patterns whose alternatives do not overlap: RE2, ARE and JS agree on the match.
    const cases = [
      { expr: "regexp_like(note, '\\w+ \\w+')", js: (n: string) => /[0-9A-Za-z_]+ [0-9A-Za-z_]+/.test(n) },
      { expr: "regexp_extract(note, '[^ ]+$')", js: (n: string) => /[^ ]+$/.exec(n)?.[0] ?? null },
      {
        expr: "regexp_extract(note, '(\\w+)[ \\\\](\\w+)', 2)",
        js: (n: string) => /([0-9A-Za-z_]+)[ \\]([0-9A-Za-z_]+)/.exec(n)?.[2] ?? null,
      },
      { expr: "regexp_replace(note, '[aeiou]', '*')", js: (n: string) => n.replace(/[aeiou]/g, '*') },
      {
        expr: "regexp_replace(note, '(?i)(g|s)(\\w)', '\\2\\1')",
        js: (n: string) => n.replace(/(g|s)([0-9A-Za-z_])/gi, '$2$1'),
      },
    ];
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'r',
        type: 'select',
        inputs: { in: 'orders' },
        config: { columns: ['order_id', ...cases.map((c, i) => ({ as: `r${i}`, expr: c.expr }))] },
      },
    ]);
    const expected = fixtureObjects(ORDERS).map((o) => {
      const note = o['note'];
      return [o['order_id'], ...cases.map((c) => (note === null ? null : c.js(String(note))))];
    });
    expectSameResults(
      await previewRows(ctx, wf, 'r'),
      literalResult(['order_id', ...cases.map((_, i) => `r${i}`)], expected),
    );
  });

  it('a pattern from a parameter is passed as it is, bound or inlined', async () => {
    const wf = workflow(
      [
        ...sources(ctx, 'orders'),
        {
          id: 'r',
          type: 'select',
          inputs: { in: 'orders' },
          config: {
            columns: [
              'order_id',
              { as: 'has', expr: 'regexp_like(note, :pattern)' },
              { as: 'first', expr: 'regexp_extract(note, :pattern)' },
              { as: 'word', expr: 'regexp_extract(note, :pattern, 1)' },
              { as: 'masked', expr: "regexp_replace(note, :pattern, '<\\1>')" },
            ],
          },
        },
      ],
      { pattern: { type: 'string', default: '([a-z]+) [a-z]' } },
    );
    const expected = fixtureObjects(ORDERS).map((o) => {
      const note = o['note'] === null ? null : String(o['note']);
      const m = note === null ? null : /([a-z]+) [a-z]/.exec(note);
      return [
        o['order_id'],
        note === null ? null : m !== null,
        note === null ? null : (m?.[0] ?? null),
        note === null ? null : (m?.[1] ?? null),
        note === null ? null : note.replace(/([a-z]+) [a-z]/g, '<$1>'),
      ];
    });
    const columns = ['order_id', 'has', 'first', 'word', 'masked'];
    for (const paramMode of ['bind', 'literal'] as const)
      expectSameResults(await previewRows(ctx, wf, 'r', { paramMode }), literalResult(columns, expected), {
        label: paramMode,
      });
  });

  it('count_if, median and percentile_cont per group match JS (exact interpolation)', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'orders' },
        config: {
          groupBy: ['store_id'],
          measures: {
            paid: "count_if(status = 'paid')",
            median_amount: 'median(amount)',
            p90_amount: 'percentile_cont(amount, 0.9)',
            p0_quantity: 'percentile_cont(quantity, 0)',
            p1_discount: 'percentile_cont(discount, 1)',
            p25_discount: 'percentile_cont(discount, 0.25)',
          },
        },
      },
    ]);
    const groups = new Map<string, Array<Record<string, FixtureValue>>>();
    for (const o of fixtureObjects(ORDERS)) {
      const k = JSON.stringify(o['store_id']);
      groups.set(k, [...(groups.get(k) ?? []), o]);
    }
    const nums = (rows: Array<Record<string, FixtureValue>>, col: string) =>
      rows.flatMap((r) => (r[col] === null ? [] : [Number(r[col])]));
    const expected = [...groups].map(([k, rows]) => [
      JSON.parse(k) as number | null,
      rows.filter((r) => r['status'] === 'paid').length,
      percentileCont(nums(rows, 'amount'), 0.5),
      percentileCont(nums(rows, 'amount'), 0.9),
      percentileCont(nums(rows, 'quantity'), 0),
      percentileCont(nums(rows, 'discount'), 1),
      percentileCont(nums(rows, 'discount'), 0.25),
    ]);
    const columns = [
      'store_id',
      'paid',
      'median_amount',
      'p90_amount',
      'p0_quantity',
      'p1_discount',
      'p25_discount',
    ];
    expectSameResults(await previewRows(ctx, wf, 'agg'), literalResult(columns, expected));
  });

  it('median over a window partition: exact on DuckDB, UNSUPPORTED on PostgreSQL', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'w',
        type: 'window',
        inputs: { in: 'orders' },
        config: { partitionBy: ['store_id'], columns: { m: 'median(amount)', n: 'count_if(amount > 100)' } },
      },
      { id: 's', type: 'select', inputs: { in: 'w' }, config: { columns: ['order_id', 'm', 'n'] } },
    ]);
    if (ctx.dialect === 'postgres') {
      const a = analyzeWorkflow(wf, { dialect: ctx.dialect, catalog: ctx.catalog });
      expect(a.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'UNSUPPORTED', nodeId: 'w', dialect: 'postgres' }),
      );
      return;
    }
    const orders = fixtureObjects(ORDERS);
    const expected = orders.map((o) => {
      const group = orders.filter((r) => r['store_id'] === o['store_id']);
      const amounts = group.flatMap((r) => (r['amount'] === null ? [] : [Number(r['amount'])]));
      return [o['order_id'], percentileCont(amounts, 0.5), amounts.filter((a) => a > 100).length];
    });
    expectSameResults(await previewRows(ctx, wf, 's'), literalResult(['order_id', 'm', 'n'], expected));
  });

  it('aggregates: count(distinct), stddev, any_value and string_agg', async () => {
    const wf = workflow([
      ...sources(ctx, 'orders'),
      {
        id: 'agg',
        type: 'aggregate',
        inputs: { in: 'orders' },
        config: {
          groupBy: ['store_id'],
          measures: {
            n: 'count(*)',
            customers: 'count(distinct customer_id)',
            sd: 'stddev(amount)',
            sd_q: 'stddev(quantity)',
            some_status: 'any_value(status)',
            statuses: "string_agg(status, '|')",
            paid_share: "sum(CASE WHEN status = 'paid' THEN 1 ELSE 0 END) / count(*)",
          },
        },
      },
    ]);
    const actual = await previewRows(ctx, wf, 'agg');
    const expected = await ctx.engine.query(`
      SELECT store_id, COUNT(*) AS n, COUNT(DISTINCT customer_id) AS customers,
             STDDEV_SAMP(amount) AS sd, STDDEV_SAMP(quantity) AS sd_q,
             SUM(CASE WHEN status = 'paid' THEN 1.0 ELSE 0.0 END) / COUNT(*) AS paid_share
      FROM ${ctx.t('orders')} GROUP BY store_id`);
    const strip = (rs: typeof actual) => ({
      columns: ['store_id', 'n', 'customers', 'sd', 'sd_q', 'paid_share'],
      rows: rs.rows,
    });
    expectSameResults(strip(actual), strip(expected));
    // any_value: one of the group's non-null values; string_agg: all of them, in some order.
    const statuses = await ctx.engine.query(
      `SELECT store_id, status FROM ${ctx.t('orders')} WHERE status IS NOT NULL`,
    );
    const byStore = new Map<string, string[]>();
    for (const r of statuses.rows) {
      const k = String(normalize(r['store_id']));
      byStore.set(k, [...(byStore.get(k) ?? []), String(r['status'])]);
    }
    for (const r of actual.rows) {
      const values = byStore.get(String(normalize(r['store_id']))) ?? [];
      const some = normalize(r['some_status']);
      if (values.length) expect(values).toContain(some);
      else expect(some).toBeNull();
      const agg = normalize(r['statuses']);
      if (values.length) expect(String(agg).split('|').sort()).toEqual([...values].sort());
      else expect(agg).toBeNull();
    }
  });
});

/** percentile_cont as PostgreSQL defines it: interpolated between the two nearest sorted values. */
function percentileCont(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = sorted[Math.floor(pos)]!;
  return lo + (sorted[Math.ceil(pos)]! - lo) * (pos - Math.floor(pos));
}

/** Great-circle distance in metres on the sphere of DESIGN §1.8 (radius 6,371,008.8 m). */
function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (x: number) => (x * Math.PI) / 180;
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}

function literalCompare(got: Plain, expected: Plain): string | undefined {
  return diffResults(literalResult(['x'], [[got]]), literalResult(['x'], [[expected]]));
}
