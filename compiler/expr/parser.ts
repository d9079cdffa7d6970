import type { BinaryOp, Expr, Span } from './ast.js';
import { EXTRACT_PARTS } from './functions.js';
import { ExprSyntaxError, tokenize, type Token } from './lexer.js';
import { parseTypeName, PORTABLE_TYPE_NAMES } from '../schema/types.js';
import { nearest } from '../suggest.js';

/**
 * A hand-written recursive-descent parser for the portable expression language (DESIGN.md §1.2).
 * Precedence, lowest first: OR, AND, NOT, comparison/IS/IN/BETWEEN/LIKE, ||, + -, * / %, unary.
 * Anything outside the language (subqueries, `;`, comments) is an ExprSyntaxError with a span.
 */
export function parseExpression(src: string): Expr {
  const p = new Parser(src);
  const expr = p.parseExpr();
  p.expectEnd();
  checkDepth(expr);
  return expr;
}

/**
 * How deeply an expression may nest (parentheses, operators, function calls). Resolving and
 * rendering recurse over the tree, so a bound keeps a pathological input from exhausting the stack.
 */
export const MAX_EXPRESSION_DEPTH = 256;

function tooDeep(span: Span): ExprSyntaxError {
  return new ExprSyntaxError(
    `expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels of operators, parentheses and calls)`,
    span,
    'split it over several compute nodes; a long chain of OR comparisons is better written x IN (…)',
  );
}

export { ExprSyntaxError };

const COMPARISON_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const RESERVED = new Set([
  'and',
  'or',
  'not',
  'is',
  'null',
  'in',
  'between',
  'like',
  'ilike',
  'case',
  'when',
  'then',
  'else',
  'end',
  'cast',
  'as',
  'true',
  'false',
  'distinct',
  'from',
  'select',
  'exists',
  'over',
]);
const EXTRACT_FIELDS: readonly string[] = EXTRACT_PARTS;

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value === word;
  }
  private acceptKeyword(word: string): Token | undefined {
    return this.isKeyword(word) ? this.next() : undefined;
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === p;
  }
  private expectPunct(p: string, context: string): Token {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === p) return this.next();
    throw this.unexpected(t, `expected '${p}' ${context}`);
  }
  private expectKeyword(word: string, context: string): Token {
    const t = this.acceptKeyword(word);
    if (t) return t;
    throw this.unexpected(this.peek(), `expected ${word.toUpperCase()} ${context}`);
  }
  private unexpected(t: Token, expected: string, hint?: string): ExprSyntaxError {
    const found = t.kind === 'eof' ? 'the end of the expression' : `'${t.text}'`;
    return new ExprSyntaxError(`${expected}, found ${found}`, t.span, hint);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') {
      const hint =
        t.kind === 'ident' && !RESERVED.has(t.value)
          ? 'two values in a row: is an operator or a comma missing? Quote names with spaces as "Odd Name"'
          : undefined;
      throw this.unexpected(t, 'expected the end of the expression', hint);
    }
  }

  parseExpr(): Expr {
    return this.nested(this.peek(), () => this.parseOr());
  }

  /** Runs a recursive step one level deeper, refusing to recurse past the depth limit. */
  private nested<E>(at: Token, step: () => E): E {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw tooDeep(at.span);
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      const opTok = this.next();
      const right = this.parseAnd();
      left = binary('or', left, right, opTok.span);
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKeyword('and')) {
      const opTok = this.next();
      const right = this.parseNot();
      left = binary('and', left, right, opTok.span);
    }
    return left;
  }

  private parseNot(): Expr {
    const t = this.acceptKeyword('not');
    if (t) {
      const arg = this.nested(t, () => this.parseNot());
      return { kind: 'unary', op: 'not', arg, span: { start: t.span.start, end: arg.span.end } };
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const left = this.parseConcat();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISON_OPS.has(t.value)) {
      this.next();
      const right = this.parseConcat();
      const result = binary(t.value as BinaryOp, left, right, t.span);
      this.rejectChainedComparison();
      return result;
    }
    if (this.isKeyword('is')) {
      this.next();
      const negated = !!this.acceptKeyword('not');
      const nullTok = this.peek();
      if (!this.acceptKeyword('null')) {
        throw this.unexpected(
          nullTok,
          'expected NULL after IS',
          'write IS NULL or IS NOT NULL; compare booleans with =',
        );
      }
      return { kind: 'is_null', arg: left, negated, span: { start: left.span.start, end: nullTok.span.end } };
    }
    let negated = false;
    if (this.isKeyword('not') && ['in', 'between', 'like', 'ilike'].some((k) => this.isKeyword(k, 1))) {
      this.next();
      negated = true;
    }
    if (this.acceptKeyword('in')) {
      this.expectPunct('(', 'after IN');
      if (this.isKeyword('select')) throw this.subquery(this.peek());
      const list: Expr[] = [];
      if (this.isPunct(')')) throw this.unexpected(this.peek(), 'expected at least one value in the IN list');
      do list.push(this.parseExpr());
      while (this.isPunct(',') && this.next());
      const close = this.expectPunct(')', 'to close the IN list');
      return { kind: 'in', arg: left, list, negated, span: { start: left.span.start, end: close.span.end } };
    }
    if (this.acceptKeyword('between')) {
      const low = this.parseConcat();
      this.expectKeyword('and', 'in BETWEEN … AND …');
      const high = this.parseConcat();
      return {
        kind: 'between',
        arg: left,
        low,
        high,
        negated,
        span: { start: left.span.start, end: high.span.end },
      };
    }
    const likeTok = this.acceptKeyword('like') ?? this.acceptKeyword('ilike');
    if (likeTok) {
      const pattern = this.parseConcat();
      return {
        kind: 'like',
        arg: left,
        pattern,
        negated,
        caseInsensitive: likeTok.value === 'ilike',
        span: { start: left.span.start, end: pattern.span.end },
      };
    }
    return left;
  }

  private rejectChainedComparison(): void {
    const t = this.peek();
    if (t.kind === 'op' && COMPARISON_OPS.has(t.value)) {
      throw new ExprSyntaxError(
        `comparisons cannot be chained ('${t.text}')`,
        t.span,
        'combine comparisons with AND, e.g. a < b AND b < c',
      );
    }
  }

  private parseConcat(): Expr {
    let left = this.parseAdditive();
    while (this.peek().kind === 'op' && this.peek().value === '||') {
      const opTok = this.next();
      left = binary('||', left, this.parseAdditive(), opTok.span);
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-')) return left;
      this.next();
      left = binary(t.value, left, this.parseMultiplicative(), t.span);
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
      this.next();
      left = binary(t.value, left, this.parseUnary(), t.span);
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
      this.next();
      const arg = this.nested(t, () => this.parseUnary());
      return { kind: 'unary', op: t.value, arg, span: { start: t.span.start, end: arg.span.end } };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'number': {
        this.next();
        const num = Number(t.value);
        return { kind: 'literal', literal: 'number', value: num, text: t.value, span: t.span };
      }
      case 'string':
        this.next();
        return { kind: 'literal', literal: 'string', value: t.value, text: t.text, span: t.span };
      case 'param':
        this.next();
        return { kind: 'param', name: t.value, span: t.span };
      case 'quoted_ident':
        return this.parseColumn();
      case 'punct':
        if (t.value === '(') {
          this.next();
          if (this.isKeyword('select') || this.isKeyword('with')) throw this.subquery(this.peek());
          const inner = this.parseExpr();
          const close = this.expectPunct(')', 'to close the parenthesis');
          return { ...inner, span: { start: t.span.start, end: close.span.end } };
        }
        throw this.unexpected(t, 'expected a value');
      case 'ident':
        return this.parseWord(t);
      case 'eof':
        throw this.unexpected(t, 'expected a value');
      default:
        throw this.unexpected(t, 'expected a value');
    }
  }

  private subquery(t: Token): ExprSyntaxError {
    return new ExprSyntaxError(
      'subqueries are not allowed in expressions',
      t.span,
      'use a join node (kind semi or anti for IN/NOT IN a subquery), or a sql node',
    );
  }

  private parseWord(t: Token): Expr {
    switch (t.value) {
      case 'true':
      case 'false':
        this.next();
        return { kind: 'literal', literal: 'bool', value: t.value === 'true', text: t.text, span: t.span };
      case 'null':
        this.next();
        return { kind: 'literal', literal: 'null', value: null, text: t.text, span: t.span };
      case 'case':
        return this.parseCase();
      case 'cast':
        return this.parseCast();
      case 'select':
      case 'exists':
      case 'with':
        throw this.subquery(t);
      case 'date':
      case 'timestamp':
        if (this.peek(1).kind === 'string') return this.parseTypedLiteral();
        break;
    }
    // Before the call check: `IN (1)` or `and(x)` is a misplaced keyword, not a function.
    if (RESERVED.has(t.value)) {
      throw this.unexpected(
        t,
        'expected a value',
        `"${t.text}" is a keyword; quote a column of that name as "${t.text}"`,
      );
    }
    if (this.peek(1).kind === 'punct' && this.peek(1).value === '(') {
      if (t.value === 'extract') return this.parseExtract();
      return this.parseCall();
    }
    return this.parseColumn();
  }

  private parseColumn(): Expr {
    const first = this.next();
    const name = (tok: Token) => (tok.kind === 'quoted_ident' ? tok.value : tok.text);
    if (this.isPunct('.')) {
      this.next();
      const second = this.peek();
      if (second.kind !== 'ident' && second.kind !== 'quoted_ident') {
        throw this.unexpected(second, "expected a column name after '.'");
      }
      this.next();
      if (this.isPunct('.')) {
        throw new ExprSyntaxError(
          'a column is written name or left.name/right.name',
          this.peek().span,
          'table-qualified names are not needed: a node only sees its inputs',
        );
      }
      return {
        kind: 'column',
        qualifier: first.kind === 'ident' ? first.value : first.value,
        name: name(second),
        quoted: second.kind === 'quoted_ident',
        span: { start: first.span.start, end: second.span.end },
      };
    }
    return { kind: 'column', name: name(first), quoted: first.kind === 'quoted_ident', span: first.span };
  }

  private parseTypedLiteral(): Expr {
    const kw = this.next();
    const str = this.next();
    const isDate = kw.value === 'date';
    const ok = isDate ? isValidDate(str.value) : isValidTimestamp(str.value);
    if (!ok) {
      throw new ExprSyntaxError(
        `invalid ${kw.value} literal '${str.value}'`,
        str.span,
        isDate ? "write dates as date 'YYYY-MM-DD'" : "write timestamps as timestamp 'YYYY-MM-DD HH:MM:SS'",
      );
    }
    return {
      kind: 'literal',
      literal: isDate ? 'date' : 'timestamp',
      value: str.value,
      text: `${kw.text} ${str.text}`,
      span: { start: kw.span.start, end: str.span.end },
    };
  }

  private parseCase(): Expr {
    const start = this.next();
    let operand: Expr | undefined;
    if (this.isKeyword('end')) throw this.unexpected(this.peek(), 'expected WHEN in CASE');
    if (!this.isKeyword('when')) operand = this.parseExpr();
    const whens: Array<{ when: Expr; then: Expr }> = [];
    while (this.acceptKeyword('when')) {
      const when = this.parseExpr();
      this.expectKeyword('then', 'after CASE WHEN …');
      whens.push({ when, then: this.parseExpr() });
    }
    if (whens.length === 0) throw this.unexpected(this.peek(), 'expected WHEN in CASE');
    let elseExpr: Expr | undefined;
    if (this.acceptKeyword('else')) elseExpr = this.parseExpr();
    const end = this.expectKeyword('end', 'to close CASE');
    return {
      kind: 'case',
      ...(operand ? { operand } : {}),
      whens,
      ...(elseExpr ? { else: elseExpr } : {}),
      span: { start: start.span.start, end: end.span.end },
    };
  }

  private parseCast(): Expr {
    const start = this.next();
    this.expectPunct('(', 'after CAST');
    const arg = this.parseExpr();
    this.expectKeyword('as', 'in CAST(x AS type)');
    const typeTok = this.peek();
    if (typeTok.kind !== 'ident') throw this.unexpected(typeTok, 'expected a type name');
    this.next();
    let typeText = typeTok.text;
    let typeEnd = typeTok.span.end;
    if (this.isPunct('(')) {
      this.next();
      const parts: string[] = [];
      do {
        const num = this.peek();
        if (num.kind !== 'number') throw this.unexpected(num, 'expected a number in the type');
        parts.push(this.next().value);
      } while (this.isPunct(',') && this.next());
      typeEnd = this.expectPunct(')', 'to close the type').span.end;
      typeText += `(${parts.join(',')})`;
    }
    const type = parseTypeName(typeText);
    if (!type) {
      const near = nearest(
        typeTok.text,
        PORTABLE_TYPE_NAMES.map((n) => n.replace('(p,s)', '')),
      );
      throw new ExprSyntaxError(
        `unknown type '${typeText}'`,
        { start: typeTok.span.start, end: typeEnd },
        near
          ? `did you mean ${near}? Portable types: ${PORTABLE_TYPE_NAMES.join(', ')}`
          : `portable types: ${PORTABLE_TYPE_NAMES.join(', ')}`,
      );
    }
    const end = this.expectPunct(')', 'to close CAST');
    return { kind: 'cast', arg, type, typeText, span: { start: start.span.start, end: end.span.end } };
  }

  private parseExtract(): Expr {
    const nameTok = this.next();
    this.expectPunct('(', 'after EXTRACT');
    const fieldTok = this.peek();
    const field =
      fieldTok.kind === 'ident'
        ? fieldTok.value
        : fieldTok.kind === 'string'
          ? fieldTok.value.toLowerCase()
          : '';
    if (!EXTRACT_FIELDS.includes(field)) {
      const near = field ? nearest(field, EXTRACT_FIELDS) : undefined;
      throw new ExprSyntaxError(
        `unknown date part '${fieldTok.text}'`,
        fieldTok.span,
        `${near ? `did you mean ${near}? ` : ''}date parts: ${EXTRACT_FIELDS.join(', ')}`,
      );
    }
    this.next();
    this.expectKeyword('from', 'in EXTRACT(part FROM value)');
    const arg = this.parseExpr();
    const end = this.expectPunct(')', 'to close EXTRACT');
    const fieldLit: Expr = {
      kind: 'literal',
      literal: 'string',
      value: field,
      text: `'${field}'`,
      span: fieldTok.span,
    };
    return {
      kind: 'call',
      name: 'extract',
      args: [fieldLit, arg],
      distinct: false,
      star: false,
      span: { start: nameTok.span.start, end: end.span.end },
      nameSpan: nameTok.span,
    };
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    this.next(); // (
    const args: Expr[] = [];
    let distinct = false;
    let star = false;
    if (this.peek().kind === 'op' && this.peek().value === '*') {
      this.next();
      star = true;
    } else if (!this.isPunct(')')) {
      if (this.acceptKeyword('distinct')) distinct = true;
      if (this.isKeyword('select')) throw this.subquery(this.peek());
      do args.push(this.parseExpr());
      while (this.isPunct(',') && this.next());
    }
    const end = this.expectPunct(')', `to close ${nameTok.text}(…)`);
    if (this.isKeyword('over')) {
      throw new ExprSyntaxError(
        'OVER (…) is not written in expressions',
        this.peek().span,
        'use a window node: its partitionBy, orderBy and frame apply to every window function in its columns',
      );
    }
    return {
      kind: 'call',
      name: nameTok.value,
      args,
      distinct,
      star,
      span: { start: nameTok.span.start, end: end.span.end },
      nameSpan: nameTok.span,
    };
  }
}

/** The sub-expressions of a node, for walks over the tree. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'literal':
    case 'param':
    case 'column':
      return [];
    case 'unary':
    case 'is_null':
    case 'cast':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'in':
      return [e.arg, ...e.list];
    case 'between':
      return [e.arg, e.low, e.high];
    case 'like':
      return [e.arg, e.pattern];
    case 'case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.then]),
        ...(e.else ? [e.else] : []),
      ];
    case 'call':
      return e.args;
  }
}

/**
 * Left-associative chains (`a + b + c …`) nest without the parser recursing, so the finished tree
 * is measured too, without recursion.
 */
function checkDepth(root: Expr): void {
  const stack: Array<[Expr, number]> = [[root, 1]];
  while (stack.length) {
    const [e, depth] = stack.pop()!;
    if (depth > MAX_EXPRESSION_DEPTH) throw tooDeep(e.kind === 'binary' ? e.opSpan : e.span);
    for (const c of children(e)) stack.push([c, depth + 1]);
  }
}

function binary(op: BinaryOp, left: Expr, right: Expr, opSpan: Span): Expr {
  return { kind: 'binary', op, left, right, opSpan, span: { start: left.span.start, end: right.span.end } };
}

export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

export function isValidTimestamp(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?$/.exec(s);
  if (!m || !isValidDate(m[1]!)) return false;
  if (m[2] === undefined) return true;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4] ?? 0) < 60;
}
