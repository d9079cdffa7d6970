/**
 * Resolves a parsed expression against the columns a node can see and the workflow's params, and
 * type-checks it. The result is a typed SqlExpr plus the input columns it reads (for lineage).
 */
import type { Expr, Span } from './ast.js';
import type { DiagnosticCode } from '../diagnostics.js';
import { FUNCTION_ALIASES } from './aliases.js';
import { FUNCTIONS, NILADIC_FUNCTIONS, type ArgInfo } from './functions.js';
import type { SqlExpr } from '../sql/ast.js';
import {
  T,
  commonType,
  comparable,
  decimal,
  formatType,
  isInteger,
  isNumeric,
  isWildcard,
  type PortableType,
} from '../schema/types.js';
import { lowerName } from '../schema/relation.js';
import { didYouMean, nearNames, orList } from '../suggest.js';
import { WHERE_EXPRESSIONS_ARE_DESCRIBED } from './reference-links.js';

export class ExprError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly span: Span,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExprError';
  }
}

export interface ScopeColumn {
  name: string;
  type: PortableType;
}

export interface ScopeRelation {
  /** The name a user writes before the dot (`left`, `right`); undefined for a single input. */
  qualifier?: string;
  /** The input port these columns come from (for lineage). */
  port: string;
  /** The SQL alias used to qualify column references, if any. */
  sqlAlias?: string;
  /** How messages name this relation, e.g. `input "paid"`. */
  label?: string;
  columns: readonly ScopeColumn[];
}

export interface ColumnDep {
  port: string;
  column: string;
}

export interface ParamInfo {
  type: PortableType;
}

export interface ResolveOptions {
  params: ReadonlyMap<string, ParamInfo>;
  /** Where aggregates are allowed; a message explaining what to use otherwise when not. */
  aggregates: 'allowed' | 'forbidden';
  windows: 'allowed' | 'forbidden';
  /** For aggregate measures: the group keys; a column outside an aggregate must be one of them. */
  groupKeys?: ReadonlySet<string>;
  /** Where this expression sits, for messages: "a filter", "a computed column"… */
  context: string;
}

export interface Resolved {
  expr: SqlExpr;
  deps: ColumnDep[];
  hasAggregate: boolean;
  hasWindow: boolean;
}

/**
 * Finds a column by name: exact match first, then a unique case-insensitive match (unquoted names).
 * Plain loops: it runs for every column reference of every node, and finds the exact name nearly
 * always, so the case-insensitive pass (which lower-cases every name) is the exception.
 */
export function findColumn<C extends { name: string }>(
  columns: readonly C[],
  name: string,
  quoted = false,
): C | 'ambiguous' | undefined {
  for (let i = 0; i < columns.length; i++) if (columns[i]!.name === name) return columns[i];
  if (quoted) return undefined;
  const lower = lowerName(name);
  let match: C | undefined;
  for (let i = 0; i < columns.length; i++) {
    if (lowerName(columns[i]!.name) !== lower) continue;
    if (match) return 'ambiguous';
    match = columns[i];
  }
  return match;
}

export function resolveExpr(expr: Expr, scope: readonly ScopeRelation[], opts: ResolveOptions): Resolved {
  const r = new Resolver(scope, opts);
  const out = r.visit(expr, false);
  return { expr: out, deps: r.deps, hasAggregate: r.hasAggregate, hasWindow: r.hasWindow };
}

class Resolver {
  deps: ColumnDep[] = [];
  hasAggregate = false;
  hasWindow = false;
  /** `port\u0000column` of the deps, once there are many of them (see addDep). */
  private seen: Set<string> | undefined;

  constructor(
    private readonly scope: readonly ScopeRelation[],
    private readonly opts: ResolveOptions,
  ) {}

  visit(e: Expr, inAggregate: boolean): SqlExpr {
    switch (e.kind) {
      case 'literal':
        return literal(e);
      case 'param': {
        const p = this.opts.params.get(e.name);
        if (!p) {
          throw new ExprError(
            'UNKNOWN_PARAM',
            `parameter :${e.name} is not declared`,
            e.span,
            `declare it under "params" in the workflow; ${didYouMean(e.name, [...this.opts.params.keys()], 'declared params')}`,
          );
        }
        return { k: 'param', name: e.name, type: p.type };
      }
      case 'column':
        return this.column(e, inAggregate);
      case 'unary': {
        const arg = this.visit(e.arg, inAggregate);
        if (e.op === 'not') {
          this.expectBool(arg, e.arg.span, 'NOT');
          return { k: 'unary', op: 'not', arg, type: T.bool };
        }
        if (!isNumeric(arg.type) && !isWildcard(arg.type)) {
          throw mismatch(`unary ${e.op} expects a number, got ${formatType(arg.type)}`, e.span);
        }
        return e.op === '-' ? { k: 'unary', op: '-', arg, type: arg.type } : arg;
      }
      case 'binary':
        return this.binary(e, inAggregate);
      case 'is_null':
        return { k: 'is_null', arg: this.visit(e.arg, inAggregate), negated: e.negated, type: T.bool };
      case 'in': {
        const arg = this.visit(e.arg, inAggregate);
        const list = e.list.map((x) => this.visit(x, inAggregate));
        list.forEach((item, i) => {
          if (!comparable(arg.type, item.type)) {
            throw mismatch(
              `IN list value ${i + 1} is ${formatType(item.type)} but the value tested is ${formatType(arg.type)}`,
              e.list[i]!.span,
            );
          }
        });
        return { k: 'in', arg, list, negated: e.negated, type: T.bool };
      }
      case 'between': {
        const arg = this.visit(e.arg, inAggregate);
        const low = this.visit(e.low, inAggregate);
        const high = this.visit(e.high, inAggregate);
        for (const [b, span] of [
          [low, e.low.span],
          [high, e.high.span],
        ] as const) {
          if (!comparable(arg.type, b.type))
            throw mismatch(
              `cannot compare ${formatType(arg.type)} with ${formatType(b.type)} in BETWEEN`,
              span,
            );
        }
        return { k: 'between', arg, low, high, negated: e.negated, type: T.bool };
      }
      case 'like': {
        const arg = this.visit(e.arg, inAggregate);
        const pattern = this.visit(e.pattern, inAggregate);
        for (const [x, span] of [
          [arg, e.arg.span],
          [pattern, e.pattern.span],
        ] as const) {
          if (x.type.kind !== 'string' && !isWildcard(x.type)) {
            throw mismatch(
              `${e.caseInsensitive ? 'ILIKE' : 'LIKE'} works on text, got ${formatType(x.type)}`,
              span,
              'cast it: CAST(x AS string)',
            );
          }
        }
        return {
          k: 'like',
          arg,
          pattern,
          negated: e.negated,
          caseInsensitive: e.caseInsensitive,
          type: T.bool,
        };
      }
      case 'case':
        return this.caseExpr(e, inAggregate);
      case 'cast': {
        const arg = this.visit(e.arg, inAggregate);
        if (
          e.type.kind === 'geography' &&
          arg.type.kind !== 'geography' &&
          arg.type.kind !== 'string' &&
          !isWildcard(arg.type)
        ) {
          throw mismatch(`cannot cast ${formatType(arg.type)} to geography`, e.span);
        }
        return { k: 'cast', arg, type: e.type };
      }
      case 'call':
        return this.call(e, inAggregate);
    }
  }

  private column(e: Expr & { kind: 'column' }, inAggregate: boolean): SqlExpr {
    let candidates: readonly ScopeRelation[] = this.scope;
    if (e.qualifier !== undefined) {
      const rel = this.scope.find((s) => s.qualifier === e.qualifier);
      if (!rel) {
        const qualifiers = this.scope.map((s) => s.qualifier).filter((q): q is string => q !== undefined);
        const hint =
          qualifiers.length === 0
            ? 'write the column name alone: a node only sees its input'
            : `columns are qualified with ${qualifiers.map((q) => `${q}.`).join(' or ')}`;
        throw new ExprError('UNKNOWN_COLUMN', `unknown qualifier "${e.qualifier}"`, e.span, hint);
      }
      candidates = [rel];
    }
    // The one hit, and a second one only to report (a name in both inputs of a join).
    let hit: ScopeRelation | undefined;
    let col: ScopeColumn | undefined;
    let hits: Array<{ rel: ScopeRelation; col: ScopeColumn }> | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const rel = candidates[i]!;
      const c = findColumn(rel.columns, e.name, e.quoted);
      if (c === 'ambiguous') {
        throw new ExprError(
          'AMBIGUOUS_COLUMN',
          `"${e.name}" matches several columns that differ only in case`,
          e.span,
          'quote the exact name, e.g. "Amount"',
        );
      }
      if (!c) continue;
      if (!hit) {
        hit = rel;
        col = c;
      } else (hits ??= [{ rel: hit, col: col! }]).push({ rel, col: c });
    }
    if (!hit || !col) {
      if (e.qualifier === undefined && !e.quoted && NILADIC_FUNCTIONS.has(e.name.toLowerCase())) {
        return this.call(
          {
            kind: 'call',
            name: e.name.toLowerCase(),
            args: [],
            distinct: false,
            star: false,
            span: e.span,
            nameSpan: e.span,
          },
          inAggregate,
        );
      }
      const all = candidates.flatMap((r) => r.columns.map((c) => c.name));
      const where =
        candidates.length === 1
          ? (candidates[0]!.label ?? `the ${candidates[0]!.qualifier ?? ''} input`.replace('  ', ' '))
          : 'either input';
      // `left.city` when city is a right column: say where it is rather than guess a near name.
      const other = this.scope.find(
        (s) => !candidates.includes(s) && s.qualifier && findColumn(s.columns, e.name, e.quoted),
      );
      throw new ExprError(
        'UNKNOWN_COLUMN',
        `column "${e.name}" not found in ${where}`,
        e.span,
        other
          ? `"${e.name}" is a column of the ${other.qualifier} input: write ${other.qualifier}.${e.quoted ? `"${e.name}"` : e.name}`
          : didYouMean(e.name, all, 'available columns'),
      );
    }
    if (hits) {
      throw new ExprError(
        'AMBIGUOUS_COLUMN',
        `column "${e.name}" exists in both inputs`,
        e.span,
        `write ${hits.map((h) => `${h.rel.qualifier}.${e.name}`).join(' or ')}`,
      );
    }
    if (this.opts.groupKeys && !inAggregate && !this.opts.groupKeys.has(col.name)) {
      throw new ExprError(
        'AGGREGATE_MISUSE',
        `column "${col.name}" is used outside an aggregate but is not in groupBy`,
        e.span,
        `wrap it in an aggregate such as any_value(${e.name}) or max(${e.name}), or add it to groupBy`,
      );
    }
    this.addDep(hit.port, col.name);
    return hit.sqlAlias
      ? { k: 'col', name: col.name, type: col.type, table: hit.sqlAlias }
      : { k: 'col', name: col.name, type: col.type };
  }

  /**
   * Records that the expression reads a column, once. An expression reads few distinct columns,
   * so they are looked for in the list itself (no key string per reference); a set is made only
   * for an expression that reads many.
   */
  private addDep(port: string, column: string): void {
    const deps = this.deps;
    if (!this.seen) {
      for (let i = 0; i < deps.length; i++) if (deps[i]!.column === column && deps[i]!.port === port) return;
      deps.push({ port, column });
      if (deps.length > 16) this.seen = new Set(deps.map((d) => `${d.port}\u0000${d.column}`));
      return;
    }
    const key = `${port}\u0000${column}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    deps.push({ port, column });
  }

  private expectBool(x: SqlExpr, span: Span, what: string): void {
    if (x.type.kind !== 'bool' && !isWildcard(x.type)) {
      throw mismatch(
        `${what} expects a condition (true/false), got ${formatType(x.type)}`,
        span,
        'compare it, e.g. amount > 0',
      );
    }
  }

  private binary(e: Expr & { kind: 'binary' }, inAggregate: boolean): SqlExpr {
    const left = this.visit(e.left, inAggregate);
    const right = this.visit(e.right, inAggregate);
    const lt = left.type;
    const rt = right.type;
    switch (e.op) {
      case 'and':
      case 'or':
        this.expectBool(left, e.left.span, e.op.toUpperCase());
        this.expectBool(right, e.right.span, e.op.toUpperCase());
        return { k: 'binary', op: e.op, left, right, type: T.bool };
      case '=':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (!comparable(lt, rt)) {
          throw mismatch(
            `cannot compare ${formatType(lt)} with ${formatType(rt)}`,
            e.opSpan,
            temporalLiteralHint(left, right) ??
              temporalLiteralHint(right, left) ??
              (lt.kind === 'string' || rt.kind === 'string'
                ? "quote text values ('paid') and cast when the types differ: CAST(x AS bigint)"
                : 'cast one side so both have one type'),
          );
        }
        return { k: 'binary', op: e.op, left, right, type: T.bool };
      case '||':
        expectConcatenable(left, e.left.span);
        expectConcatenable(right, e.right.span);
        return { k: 'binary', op: '||', left, right, type: T.string };
      case '+':
      case '-':
      case '*':
      case '/':
      case '%': {
        expectNumber(e.op, left, e.left.span);
        expectNumber(e.op, right, e.right.span);
        let type: PortableType;
        if (e.op === '/') type = T.double;
        else if (isWildcard(lt)) type = rt;
        else if (isWildcard(rt)) type = lt;
        else type = arithmeticType(e.op, lt, rt);
        return { k: 'binary', op: e.op, left, right, type };
      }
    }
  }

  private caseExpr(e: Expr & { kind: 'case' }, inAggregate: boolean): SqlExpr {
    const operand = e.operand ? this.visit(e.operand, inAggregate) : undefined;
    let type: PortableType = T.null;
    const whens = e.whens.map((w) => {
      const when = this.visit(w.when, inAggregate);
      if (operand) {
        if (!comparable(operand.type, when.type))
          throw mismatch(
            `CASE compares ${formatType(operand.type)} with ${formatType(when.type)}`,
            w.when.span,
          );
      } else this.expectBool(when, w.when.span, 'CASE WHEN');
      const then = this.visit(w.then, inAggregate);
      const next = commonType(type, then.type);
      if (!next)
        throw mismatch(
          `CASE branches mix ${formatType(type)} and ${formatType(then.type)}`,
          w.then.span,
          'cast the branches to one type',
        );
      type = next;
      return { when, then };
    });
    let elseExpr: SqlExpr | undefined;
    if (e.else) {
      elseExpr = this.visit(e.else, inAggregate);
      const next = commonType(type, elseExpr.type);
      if (!next)
        throw mismatch(
          `CASE branches mix ${formatType(type)} and ${formatType(elseExpr.type)}`,
          e.else.span,
          'cast the branches to one type',
        );
      type = next;
    }
    return {
      k: 'case',
      ...(operand ? { operand } : {}),
      whens,
      ...(elseExpr ? { else: elseExpr } : {}),
      type,
    };
  }

  private call(e: Expr & { kind: 'call' }, inAggregate: boolean): SqlExpr {
    const sig = FUNCTIONS.get(e.name);
    if (!sig) {
      throw new ExprError(
        'UNKNOWN_FUNCTION',
        `unknown function ${e.name}()`,
        e.nameSpan,
        unknownFunctionHint(e.name),
      );
    }
    if (sig.kind === 'aggregate') {
      if (this.opts.aggregates === 'forbidden') {
        throw new ExprError(
          'AGGREGATE_MISUSE',
          `aggregate ${sig.name}() is not allowed in ${this.opts.context}`,
          e.nameSpan,
          'aggregate with an aggregate node (groupBy + measures), or use a window node for running totals',
        );
      }
      if (inAggregate)
        throw new ExprError(
          'AGGREGATE_MISUSE',
          `aggregates cannot be nested (${sig.name} inside another aggregate)`,
          e.nameSpan,
        );
      this.hasAggregate = true;
    }
    if (sig.kind === 'window') {
      if (this.opts.windows === 'forbidden') {
        throw new ExprError(
          'AGGREGATE_MISUSE',
          `window function ${sig.name}() is only allowed in a window node`,
          e.nameSpan,
          'use a window node with partitionBy/orderBy',
        );
      }
      if (inAggregate)
        throw new ExprError(
          'AGGREGATE_MISUSE',
          `${sig.name}() cannot be used inside an aggregate`,
          e.nameSpan,
        );
      this.hasWindow = true;
    }
    if (e.star && !sig.allowStar)
      throw new ExprError('WRONG_ARGUMENTS', `${sig.name}(*) is not valid; only count(*) takes *`, e.span);
    if (e.distinct && !sig.allowDistinct)
      throw new ExprError('WRONG_ARGUMENTS', `${sig.name} does not take DISTINCT`, e.span);
    if (!e.star && (e.args.length < sig.minArgs || e.args.length > sig.maxArgs)) {
      const expected = sig.minArgs === sig.maxArgs ? `${sig.minArgs}` : `${sig.minArgs} to ${sig.maxArgs}`;
      throw new ExprError(
        'WRONG_ARGUMENTS',
        `${sig.name} takes ${expected} argument(s), got ${e.args.length}`,
        e.span,
        `usage: ${sig.signature}`,
      );
    }
    const nested = inAggregate || sig.kind !== 'scalar';
    const args = e.args.map((a) => this.visit(a, nested));
    const infos: ArgInfo[] = args.map((a, i) => {
      const info: ArgInfo = { type: a.type };
      const src = e.args[i]!;
      const lit = literalValue(src);
      if (lit !== undefined) info.literal = lit;
      if (sig.literalArgs?.includes(i)) {
        if (lit === undefined) {
          throw new ExprError(
            'WRONG_ARGUMENTS',
            `argument ${i + 1} of ${sig.name} must be a literal`,
            src.span,
            `usage: ${sig.signature}`,
          );
        }
      }
      return info;
    });
    const ret = sig.returns(infos, { star: e.star, distinct: e.distinct });
    if (typeof ret === 'string') throw mismatch(ret, e.span, `usage: ${sig.signature}`);
    const problem = sig.checkValues?.(infos);
    if (problem)
      throw new ExprError(
        'WRONG_ARGUMENTS',
        problem.message,
        e.args[problem.index]?.span ?? e.span,
        problem.hint ?? `usage: ${sig.signature}`,
      );
    return {
      k: 'fn',
      name: sig.name,
      fnKind: sig.kind,
      args,
      type: ret,
      ...(e.distinct ? { distinct: true } : {}),
      ...(e.star ? { star: true } : {}),
    };
  }
}

/**
 * What to write instead of an unknown function: another dialect's name or a near one is worth a
 * guess; then where every function is described (a list of all the names would be too long to
 * scan in a hint).
 */
export function unknownFunctionHint(name: string): string {
  const lower = name.toLowerCase();
  const guess = Object.hasOwn(FUNCTION_ALIASES, lower)
    ? FUNCTION_ALIASES[lower]!
    : nearNames(lower, FUNCTIONS.keys());
  return `${guess.length ? `did you mean ${orList(guess)}? ` : ''}All ${FUNCTIONS.size} functions, with signatures and dialect support: ${WHERE_EXPRESSIONS_ARE_DESCRIBED}`;
}

/** `d = '2024-01-31'`: the text was meant as a date (or timestamp) literal. */
function temporalLiteralHint(value: SqlExpr, text: SqlExpr): string | undefined {
  if (text.k !== 'lit' || typeof text.value !== 'string') return undefined;
  const literal = `'${text.value.replace(/'/g, "''")}'`;
  if (value.type.kind === 'date') return `write a date literal: date ${literal}`;
  if (value.type.kind === 'timestamp') return `write a timestamp literal: timestamp ${literal}`;
  if (value.type.kind === 'timestamptz') return `cast the text: CAST(${literal} AS timestamptz)`;
  return undefined;
}

// The operand checks of `||` and arithmetic, as functions: a loop over [operand, span] pairs
// allocated three arrays per operator.
function expectConcatenable(x: SqlExpr, span: Span): void {
  if (x.type.kind === 'geography' || x.type.kind === 'other')
    throw mismatch(`|| cannot join ${formatType(x.type)}`, span, 'cast it to string first');
}

function expectNumber(op: string, x: SqlExpr, span: Span): void {
  if (isNumeric(x.type) || isWildcard(x.type)) return;
  const dateHint = x.type.kind === 'date' || x.type.kind === 'timestamp' || x.type.kind === 'timestamptz';
  throw mismatch(
    `${op} expects numbers, got ${formatType(x.type)}`,
    span,
    dateHint
      ? "use date_add(d, n, 'day') or date_diff('day', a, b) for dates"
      : op === '+' && x.type.kind === 'string'
        ? 'join text with || or concat(…)'
        : 'cast it to a number first',
  );
}

function mismatch(message: string, span: Span, hint?: string): ExprError {
  return new ExprError('TYPE_MISMATCH', message, span, hint);
}

function literalValue(e: Expr): string | number | boolean | null | undefined {
  if (e.kind === 'literal') return e.value;
  if (e.kind === 'unary' && e.op === '-' && e.arg.kind === 'literal' && typeof e.arg.value === 'number')
    return -e.arg.value;
  return undefined;
}

function arithmeticType(op: string, a: PortableType, b: PortableType): PortableType {
  if (a.kind === 'decimal' && b.kind === 'decimal' && op === '*') {
    return decimal(Math.min(38, a.precision + b.precision), Math.min(38, a.scale + b.scale));
  }
  const t = commonType(a, b) ?? T.unknown;
  // Integer arithmetic is widened to bigint so `qty * price_cents` does not overflow an int.
  if (isInteger(t) && op !== '%') return T.bigint;
  return t;
}

function literal(e: Expr & { kind: 'literal' }): SqlExpr {
  switch (e.literal) {
    case 'string':
      return { k: 'lit', type: T.string, value: e.value as string };
    case 'bool':
      return { k: 'lit', type: T.bool, value: e.value as boolean };
    case 'null':
      return { k: 'lit', type: T.null, value: null };
    case 'date':
      return { k: 'lit', type: T.date, value: e.value as string };
    case 'timestamp':
      return { k: 'lit', type: T.timestamp, value: e.value as string };
    case 'number':
      return { k: 'lit', type: numberLiteralType(e.text), value: e.value as number, text: e.text };
  }
}

export function numberLiteralType(text: string): PortableType {
  if (/[eE]/.test(text)) return T.double;
  if (!text.includes('.')) {
    // Digits only (the lexer's number without a fraction or exponent): nine of them are an int
    // whatever they are, without a BigInt per literal.
    if (text.length <= 9) return T.int;
    // The same bounds the warehouses use: 2147483647 is an int, 2147483648 a bigint.
    const value = BigInt(text);
    if (value <= 2_147_483_647n) return T.int;
    if (value <= 9_223_372_036_854_775_807n) return T.bigint;
    return decimal(Math.min(38, text.replace(/^0+(?=\d)/, '').length), 0);
  }
  const [int = '', frac = ''] = text.split('.');
  const intDigits = Math.max(1, int.replace(/^0+/, '').length);
  return decimal(Math.min(38, intDigits + frac.length), Math.min(38, frac.length));
}
