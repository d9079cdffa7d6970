/**
 * Turns the SQL AST into text for one dialect. The ANSI behaviour lives here; the dialect supplies
 * quoting, literals, type names, the function map and the few hooks where warehouses differ.
 */
import type { Dialect } from '../dialects/dialect.js';
import { UnsupportedError } from '../diagnostics.js';
import { T, formatType, isInteger, type PortableType } from '../schema/types.js';
import type {
  FromItem,
  OrderItem,
  Query,
  QueryCte,
  SelectQuery,
  SqlExpr,
  Statement,
  WindowSpec,
  WithQuery,
  WrittenCte,
} from './ast.js';

/** A parameter value after validation against its declared type. */
export type ParamValue = string | number | boolean | null;

export interface WriterOptions {
  /**
   * `literal`: parameters become escaped, typed literals (needed for DDL, which cannot take bind
   * parameters on most warehouses). `bind`: placeholders, with the values collected in `bindings`.
   * `placeholder`: placeholders without values (to check or show SQL before values are known).
   */
  params: 'literal' | 'bind' | 'placeholder';
  values: ReadonlyMap<string, ParamValue>;
}

export interface Binding {
  name: string;
  value: ParamValue;
  type: PortableType;
}

export class MissingParamError extends Error {
  constructor(readonly param: string) {
    super(`parameter :${param} has no value and no default`);
  }
}

const BINARY_SQL: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  and: 'AND',
  or: 'OR',
};

/** Binding strength used to decide where parentheses are needed (higher binds tighter). */
function precedence(e: SqlExpr): number {
  switch (e.k) {
    case 'binary':
      switch (e.op) {
        case 'or':
          return 1;
        case 'and':
          return 2;
        case '=':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
          return 4;
        case '||':
          return 5;
        case '+':
        case '-':
          return 6;
        default:
          return 7;
      }
    case 'unary':
      return e.op === 'not' ? 3 : 8;
    case 'is_null':
    case 'in':
    case 'between':
    case 'like':
      return 4;
    default:
      return 10;
  }
}

export class SqlWriter {
  readonly bindings: Binding[] = [];
  /**
   * The CTE (a node's relation) being written, if any: functions that can fail on a value name it
   * in their error (edgeflow's DuckDB functions take it as an argument).
   */
  relation: string | undefined;
  private depth = 0;
  private readonly bindIndex = new Map<string, number>();
  /**
   * Quoted names by name: a statement names the same few columns thousands of times, and quoting
   * tests a pattern and a reserved-word list each time. Only names quoted without error are kept.
   */
  private readonly idents = new Map<string, string>();

  constructor(
    readonly dialect: Dialect,
    readonly options: WriterOptions = { params: 'literal', values: new Map() },
  ) {}

  /** Runs a render call; the outermost one turns protected line breaks back into real ones. */
  private outermost<A>(render: (this: SqlWriter, arg: A) => string, arg: A): string {
    const sql = this.within(render, arg);
    return this.depth === 0 && sql.includes(LINE_BREAK_SENTINEL)
      ? sql.replaceAll(LINE_BREAK_SENTINEL, '\n')
      : sql;
  }

  /** Runs a render call as part of a larger one: protected line breaks stay protected. */
  private within<A>(render: (this: SqlWriter, arg: A) => string, arg: A): string {
    // A method and its argument, not a closure: this runs for every expression node.
    this.depth++;
    try {
      return render.call(this, arg);
    } finally {
      this.depth--;
    }
  }

  unsupported(reason: string, hint?: string): never {
    throw new UnsupportedError(this.dialect.name, reason, hint);
  }

  // ---------------------------------------------------------------- names and literals
  ident(name: string): string {
    let q = this.idents.get(name);
    if (q === undefined) {
      // Kept small: most names of a large plan are CTE names, written twice each.
      if (this.idents.size >= 512) this.idents.clear();
      this.idents.set(name, (q = protectLineBreaks(this.dialect.quoteIdent(name))));
    }
    return q;
  }
  table(parts: readonly string[]): string {
    return parts.map((p) => this.ident(p)).join('.');
  }
  string(value: string): string {
    return protectLineBreaks(this.dialect.stringLiteral(value));
  }
  type(t: PortableType): string {
    return this.dialect.typeName(t);
  }

  literal(type: PortableType, value: string | number | boolean | null, text?: string): string {
    if (value === null)
      return type.kind === 'null' || type.kind === 'unknown' ? 'NULL' : `CAST(NULL AS ${this.type(type)})`;
    switch (type.kind) {
      case 'string':
        return this.string(String(value));
      case 'bool':
        return this.dialect.booleanLiteral(Boolean(value));
      case 'date':
        return this.dialect.dateLiteral(String(value), this);
      case 'timestamp':
        return this.dialect.timestampLiteral(String(value), this);
      case 'timestamptz':
        return `CAST(${this.string(String(value))} AS ${this.type(T.timestamptz)})`;
      case 'int':
      case 'bigint':
      case 'double':
      case 'decimal': {
        const s = text ?? numberText(value);
        return this.dialect.numberLiteral(s.startsWith('-') ? `(${s})` : s, type, this);
      }
      case 'geography':
        // WKT text, read the way the dialect casts text to geography.
        return this.dialect.cast(this.string(String(value)), T.string, type, this);
      default:
        return `CAST(${this.string(String(value))} AS ${this.type(type)})`;
    }
  }

  private param(name: string, type: PortableType): string {
    if (this.options.params === 'placeholder')
      return this.dialect.placeholder(this.bindIndexOf(name, null, type), name, type, this);
    if (!this.options.values.has(name)) throw new MissingParamError(name);
    const value = this.options.values.get(name) ?? null;
    if (this.options.params === 'literal') return this.literal(type, value);
    return this.dialect.placeholder(this.bindIndexOf(name, value, type), name, type, this);
  }

  /** Parameters are bound once each, numbered in order of first use. */
  private bindIndexOf(name: string, value: ParamValue, type: PortableType): number {
    let index = this.bindIndex.get(name);
    if (index === undefined) {
      this.bindings.push({ name, value, type });
      index = this.bindings.length;
      this.bindIndex.set(name, index);
    }
    return index;
  }

  // ---------------------------------------------------------------- expressions
  expr(e: SqlExpr): string {
    return this.outermost(this.exprText, e);
  }

  private exprText(e: SqlExpr): string {
    // Without boolean values a predicate used as a value is a 1/0 (null when it is null).
    if (!this.dialect.booleanValues && this.isPredicate(e)) {
      const p = this.predicateText(e);
      const [yes, no] = [this.dialect.booleanLiteral(true), this.dialect.booleanLiteral(false)];
      return `CASE WHEN ${p} THEN ${yes} WHEN NOT (${p}) THEN ${no} END`;
    }
    return this.predicateText(e);
  }

  /** Whether `e` renders as a condition rather than a value (where SQL has no boolean values). */
  private isPredicate(e: SqlExpr): boolean {
    if (e.type.kind !== 'bool') return false;
    switch (e.k) {
      case 'binary':
        return e.op !== '+' && e.op !== '-' && e.op !== '*' && e.op !== '/' && e.op !== '%' && e.op !== '||';
      case 'unary':
        return e.op === 'not';
      case 'is_null':
      case 'in':
      case 'between':
      case 'like':
      case 'exists':
      case 'not_true':
        return true;
      case 'fn':
        return !e.over && this.dialect.predicateFunctions.has(e.name);
      default:
        return false;
    }
  }

  /**
   * `e` as a condition (WHERE, ON, HAVING, CASE WHEN, AND/OR/NOT operands). Where SQL has no
   * boolean values a bool value (a column, a literal, CASE, a function) is compared with 1.
   */
  condition(e: SqlExpr): string {
    if (this.dialect.booleanValues) return this.expr(e);
    if (this.isPredicate(e)) return this.outermost(this.predicateText, e);
    return `${this.wrap(e, 5)} = 1`;
  }

  /** A condition as an operand of AND/OR/NOT, parenthesised when it binds more loosely. */
  private conditionOperand(e: SqlExpr, contextPrecedence: number): string {
    const s = this.condition(e);
    const p = this.isPredicate(e) ? precedence(e) : 4;
    return p < contextPrecedence ? `(${s})` : s;
  }

  private predicateText(e: SqlExpr): string {
    switch (e.k) {
      case 'lit':
        return this.literal(e.type, e.value, e.text);
      case 'param':
        return this.param(e.name, e.type);
      case 'col':
        return e.table ? `${this.ident(e.table)}.${this.ident(e.name)}` : this.ident(e.name);
      case 'unary':
        if (e.op === 'not')
          return this.dialect.booleanValues
            ? `NOT ${this.wrap(e.arg, 3)}`
            : `NOT ${this.conditionOperand(e.arg, 3)}`;
        return `-${this.wrap(e.arg, 9)}`;
      case 'binary':
        return this.binary(e);
      case 'is_null':
        return `${this.wrap(e.arg, 5)} IS ${e.negated ? 'NOT ' : ''}NULL`;
      case 'in':
        return `${this.wrap(e.arg, 5)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')})`;
      case 'between':
        return `${this.wrap(e.arg, 5)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.wrap(e.low, 5)} AND ${this.wrap(e.high, 5)}`;
      case 'like':
        return this.dialect.like(e.arg, e.pattern, e.negated, e.caseInsensitive, this);
      case 'case': {
        const parts = ['CASE'];
        if (e.operand) parts.push(this.expr(e.operand));
        for (const w of e.whens)
          parts.push(
            `WHEN ${e.operand ? this.expr(w.when) : this.condition(w.when)} THEN ${this.expr(w.then)}`,
          );
        if (e.else) parts.push(`ELSE ${this.expr(e.else)}`);
        parts.push('END');
        return parts.join(' ');
      }
      case 'cast':
        return this.dialect.cast(this.expr(e.arg), e.arg.type, e.type, this);
      case 'fn': {
        const render = this.dialect.functions[e.name];
        if (!render) this.unsupported(`function ${e.name}() has no ${this.dialect.name} form`);
        if (!e.over) return render(e, this);
        if (e.distinct && this.dialect.caps.windowDistinct === false)
          this.unsupported(
            `${e.name}(DISTINCT …) over a window is not available`,
            'aggregate with an aggregate node, then join the result back',
          );
        const over = `OVER (${this.window(e.over, e)})`;
        const windowed = this.dialect.windowedFunctions[e.name];
        return windowed ? windowed(e, over, this) : `${render(e, this)} ${over}`;
      }
      case 'exists':
        return `${e.negated ? 'NOT ' : ''}EXISTS (\n${indent(this.query(e.query), 2)}\n)`;
      case 'subquery':
        return `(\n${indent(this.query(e.query), 2)}\n)`;
      case 'not_true':
        return this.dialect.booleanValues
          ? `NOT COALESCE(${this.expr(e.arg)}, FALSE)`
          : `CASE WHEN ${this.condition(e.arg)} THEN 0 ELSE 1 END = 1`;
    }
  }

  /**
   * A divisor that makes division by zero null, as edgeflow's `/`, `%` and `div` promise:
   * `NULLIF(b, 0)`, or the literal itself when it is a number other than zero.
   */
  divisor(e: SqlExpr): string {
    if (e.k === 'lit' && typeof e.value === 'number' && e.value !== 0) return this.expr(e);
    return `NULLIF(${this.expr(e)}, 0)`;
  }

  /** Renders `e`, parenthesised when it binds more loosely than its context. */
  wrap(e: SqlExpr, contextPrecedence: number): string {
    const s = this.expr(e);
    return precedence(e) < contextPrecedence ? `(${s})` : s;
  }

  /** Renders a sub-expression so that it is safe anywhere (an argument list, a comparison side). */
  operand(e: SqlExpr): string {
    return this.wrap(e, 10);
  }

  private binary(e: SqlExpr & { k: 'binary' }): string {
    const p = precedence(e);
    switch (e.op) {
      case '/':
        return this.dialect.divide(e.left, e.right, this);
      case '%':
        return this.dialect.functions['mod']!(
          { k: 'fn', name: 'mod', fnKind: 'scalar', args: [e.left, e.right], type: e.type },
          this,
        );
      case '||':
        return this.concat([e.left, e.right]);
      default: {
        // Without boolean values AND/OR join conditions, not 1/0 values.
        if ((e.op === 'and' || e.op === 'or') && !this.dialect.booleanValues)
          return `${this.conditionOperand(e.left, p)} ${BINARY_SQL[e.op]} ${this.conditionOperand(e.right, p + 1)}`;
        // Left-associative: the right side needs parentheses at equal precedence (a - (b - c)).
        let left = this.wrap(e.left, p);
        const right = this.wrap(e.right, p + 1);
        // Integer arithmetic is typed bigint (so int * int cannot overflow); the warehouse would
        // compute int * int in 32 bits, so one operand is widened first. A literal counts as
        // 32-bit: warehouses type 2147483647 as an int whatever digits it has.
        const wide = (x: SqlExpr) => x.type.kind === 'bigint' && x.k !== 'lit';
        if (
          (e.op === '+' || e.op === '-' || e.op === '*') &&
          e.type.kind === 'bigint' &&
          !wide(e.left) &&
          !wide(e.right)
        )
          left = this.dialect.cast(this.expr(e.left), e.left.type, T.bigint, this);
        return `${left} ${BINARY_SQL[e.op]} ${right}`;
      }
    }
  }

  /** `a || b`: text concatenation that is null when any part is null, in every dialect. */
  concat(parts: readonly SqlExpr[]): string {
    const flat: SqlExpr[] = [];
    const flatten = (x: SqlExpr) => {
      if (x.k === 'binary' && x.op === '||') {
        flatten(x.left);
        flatten(x.right);
      } else flat.push(x);
    };
    parts.forEach(flatten);
    const rendered = flat.map((x) =>
      x.type.kind === 'string' || x.type.kind === 'null' || x.type.kind === 'unknown'
        ? this.wrap(x, 6)
        : this.dialect.cast(this.expr(x), x.type, T.string, this),
    );
    return this.dialect.concatOperator(rendered, this);
  }

  orderItem(o: OrderItem): string {
    return this.dialect.orderItem(this.expr(o.expr), o.desc, o.nulls);
  }

  window(spec: WindowSpec, fn: SqlExpr & { k: 'fn' }): string {
    const parts: string[] = [];
    if (spec.partitionBy.length)
      parts.push(`PARTITION BY ${spec.partitionBy.map((x) => this.expr(x)).join(', ')}`);
    // The hook sees an empty list too (Oracle's ranking functions need an ORDER BY).
    const items = this.dialect.windowOrderBy(
      spec.orderBy.map((o) => this.orderItem(o)),
      fn,
    );
    if (items.length) parts.push(`ORDER BY ${items.join(', ')}`);
    const frame = this.dialect.windowFrame(spec, fn, this);
    if (frame) parts.push(frame);
    return parts.join(' ');
  }

  // ---------------------------------------------------------------- queries
  query(q: Query): string {
    return this.outermost(this.queryText, q);
  }

  private queryText(q: Query): string {
    switch (q.kind) {
      case 'select':
        return this.select(q);
      case 'union':
        return q.queries
          .map((x) => this.setOperand(x))
          .join(`\n${q.all ? 'UNION ALL' : this.dialect.unionDistinct}\n`);
      case 'raw': {
        // Raw SQL keeps its own line breaks: they may sit inside its string literals.
        const inputs = q.inputs;
        const sql = protectLineBreaks(q.sql);
        if (!inputs) return sql;
        return sql.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (m, name: string) => {
          const f = inputs[name];
          return f ? this.from(f) : m;
        });
      }
      case 'sample':
        return this.dialect.sample(q, this);
    }
  }

  private setOperand(q: Query): string {
    // A member of UNION with its own ORDER BY/LIMIT must be parenthesised.
    const ordered = q.kind === 'select' && (q.orderBy?.length || q.limit !== undefined);
    if (ordered && !this.dialect.orderedSetOperandAsSubquery) return `(\n${indent(this.query(q), 2)}\n)`;
    if (ordered || q.kind === 'raw' || q.kind === 'sample')
      return `SELECT * FROM ${this.dialect.aliasRelation(`(\n${indent(this.query(q), 2)}\n)`, this.ident('_u'))}`;
    return this.query(q);
  }

  select(q: SelectQuery): string {
    return this.outermost(this.selectText, q);
  }

  private selectText(q: SelectQuery): string {
    return this.selectLines(q).join('\n');
  }

  /**
   * `indent(this.query(q), n)`. A SELECT whose lines have no line break inside is indented as its
   * lines are joined: copying every CTE's text once more to indent it was a tenth of the memory of
   * compiling a 10,000-node chain. Only called while another render call runs (depth ≥ 1), so
   * going around select()'s `outermost` changes nothing.
   */
  private indentedQuery(q: Query, n: number): string {
    if (q.kind !== 'select') return indent(this.query(q), n);
    const lines = this.selectLines(q);
    for (const line of lines) if (line === '' || line.includes('\n')) return indent(lines.join('\n'), n);
    const pad = spaces(n);
    return pad + lines.join(`\n${pad}`);
  }

  /** A SELECT's lines (the select list over several lines when long: one per item). */
  private selectLines(q: SelectQuery): string[] {
    const items = q.items.map((it) => {
      if (it.kind === 'star') {
        const star = it.table
          ? `${this.ident(it.table)}.*`
          : this.dialect.qualifiedStar && q.items.length > 1 && q.from
            ? `${this.starQualifier(q.from)}.*`
            : '*';
        if (!it.except?.length) return star;
        const kw = this.dialect.caps.exceptColumns;
        if (!kw) this.unsupported('SELECT * without some columns needs an explicit column list');
        return `${star} ${kw} (${it.except.map((c) => this.ident(c)).join(', ')})`;
      }
      const e = it.expr;
      // A column under its own name (most items): its name, without the expression machinery
      // (selectLines always runs inside another render call, so line breaks stay protected).
      if (e.k === 'col' && e.table === undefined && e.name === it.alias) return this.ident(e.name);
      const s = this.expr(e);
      return e.k === 'col' && e.name === it.alias ? s : `${s} AS ${this.ident(it.alias)}`;
    });
    const ordered = Boolean(q.orderBy?.length);
    const head = `SELECT ${q.distinct ? 'DISTINCT ' : ''}${this.dialect.selectTop(q.limit, q.offset, ordered)}`;
    // One line when it fits in 100 characters (measured before anything is joined).
    let width = head.length + 2 * (items.length - 1);
    for (const i of items) width += i.includes('\n') ? Infinity : i.length;
    const lines =
      width <= 100
        ? [head + items.join(', ')]
        : [head.trimEnd(), ...items.map((i, k) => `${indent(i, 2)}${k < items.length - 1 ? ',' : ''}`)];
    if (q.from) lines.push(`FROM ${this.selectFrom(q.from)}`);
    else if (this.dialect.fromNothing) lines.push(`FROM ${this.dialect.fromNothing}`);
    if (q.where) lines.push(`WHERE ${this.condition(q.where)}`);
    else if (q.qualify && this.dialect.caps.qualifyNeedsWhere) lines.push('WHERE TRUE');
    if (q.groupBy?.length) lines.push(`GROUP BY ${q.groupBy.map((x) => this.expr(x)).join(', ')}`);
    if (q.having) lines.push(`HAVING ${this.condition(q.having)}`);
    if (q.qualify) {
      if (!this.dialect.caps.qualify) this.unsupported('QUALIFY is not available');
      lines.push(`QUALIFY ${this.condition(q.qualify)}`);
    }
    if (q.orderBy?.length) lines.push(`ORDER BY ${q.orderBy.map((o) => this.orderItem(o)).join(', ')}`);
    lines.push(...this.dialect.limitClause(q.limit, q.offset, ordered));
    return lines;
  }

  /** What qualifies `*` beside other items (Oracle): the FROM item's alias or name. */
  private starQualifier(f: FromItem): string {
    if (f.kind === 'ref') return this.ident(f.alias ?? f.name);
    if (f.kind === 'table') return f.alias ? this.ident(f.alias) : this.table(f.parts);
    if (f.kind === 'subquery' || f.kind === 'unnest') return this.ident(f.alias);
    return this.unsupported('SELECT * beside other columns over a join needs a qualified *');
  }

  /** A SELECT's FROM item: a table or CTE read without an alias gets the dialect's implicit one. */
  private selectFrom(f: FromItem): string {
    const alias = this.dialect.implicitAlias;
    return alias && (f.kind === 'ref' || f.kind === 'table') && !f.alias
      ? this.from({ ...f, alias })
      : this.from(f);
  }

  from(f: FromItem): string {
    return this.outermost(this.fromText, f);
  }

  private fromText(f: FromItem): string {
    switch (f.kind) {
      case 'ref':
        return f.alias
          ? this.dialect.aliasRelation(this.ident(f.name), this.ident(f.alias))
          : this.ident(f.name);
      case 'table':
        return f.alias
          ? this.dialect.aliasRelation(this.table(f.parts), this.ident(f.alias))
          : this.table(f.parts);
      case 'subquery':
        return this.dialect.aliasRelation(`(\n${indent(this.query(f.query), 2)}\n)`, this.ident(f.alias));
      case 'unnest':
        return this.dialect.unnestFrom(this.from(f.source), this.expr(f.array), this.ident(f.alias));
      case 'join': {
        const type = {
          inner: 'INNER JOIN',
          left: 'LEFT JOIN',
          right: 'RIGHT JOIN',
          full: 'FULL OUTER JOIN',
          cross: 'CROSS JOIN',
          semi: 'SEMI JOIN',
          anti: 'ANTI JOIN',
        }[f.joinType];
        if ((f.joinType === 'semi' || f.joinType === 'anti') && !this.dialect.caps.semiJoin)
          this.unsupported(`${f.joinType.toUpperCase()} JOIN is not available`);
        const on = f.on ? ` ON ${this.condition(f.on)}` : '';
        return `${this.from(f.left)}\n${type} ${this.from(f.right)}${on}`;
      }
    }
  }

  withQuery(w: WithQuery): string {
    return this.outermost(this.withQueryText, w);
  }

  private withQueryText(w: WithQuery): string {
    if (w.ctes.length === 0) return this.query(w.body);
    // Each CTE body is indented once, by 4 (not by 2 and then again by 2): fewer copies of big SQL.
    // Appended piece by piece, and copied into one flat string once, by whoever reads it first:
    // V8's join of a list of 10,000 CTEs was slower than the rest of writing them.
    let sql = 'WITH\n';
    for (let i = 0; i < w.ctes.length; i++) {
      const c = w.ctes[i]!;
      sql += `${i === 0 ? '  ' : ',\n  '}${'written' in c ? c.written : this.cteText(c)}`;
    }
    return `${sql}\n${this.query(w.body)}`;
  }

  /**
   * `name AS (…)`, written now for the statement this writer writes next (its bindings are
   * collected now, in order: the statement must be written once, with its CTEs in this order).
   */
  cte(c: QueryCte): WrittenCte {
    return { name: c.name, written: this.within(this.cteText, c) };
  }

  private cteText(c: QueryCte): string {
    const outer = this.relation;
    try {
      this.relation = c.name;
      const hint = !this.dialect.caps.cteInlineHint
        ? ''
        : c.inline
          ? 'NOT MATERIALIZED '
          : c.materialize
            ? 'MATERIALIZED '
            : '';
      return `${this.ident(c.name)} AS ${hint}(\n${this.indentedQuery(c.query, 4)}\n  )`;
    } catch (e) {
      // Say which relation could not be written, so the error names its node.
      if (e instanceof UnsupportedError && e.relation === undefined) e.relation = c.name;
      throw e;
    } finally {
      this.relation = outer;
    }
  }

  // ---------------------------------------------------------------- statements
  statement(s: Statement): string {
    return this.outermost(this.statementText, s);
  }

  private statementText(s: Statement): string {
    return this.dialect.statement(s, this);
  }
}

/**
 * Line breaks inside quoted text (literals, quoted names, raw SQL) must survive indentation
 * byte for byte, so they travel as NUL (which no literal or name may contain) until the outermost
 * render call puts them back.
 */
const LINE_BREAK_SENTINEL = '\u0000';

function protectLineBreaks(text: string): string {
  return text.includes('\n') ? text.replaceAll('\n', LINE_BREAK_SENTINEL) : text;
}

/** `n` spaces: the indents used are few, and made once. */
const PADS = Array.from({ length: 9 }, (_, n) => ' '.repeat(n));
const spaces = (n: number) => PADS[n] ?? ' '.repeat(n);

export function indent(text: string, n: number): string {
  // Only '\n' starts a line here ('^' with the m flag would also match after '\r').
  const pad = spaces(n);
  // One line (each item of a long select list): nothing to replace.
  if (text !== '' && !text.includes('\n')) return pad + text;
  // No empty line (the usual case): a plain replace, several times faster on a large statement.
  if (text !== '' && text[0] !== '\n' && !text.endsWith('\n') && !text.includes('\n\n'))
    return pad + text.replaceAll('\n', `\n${pad}`);
  return text.replace(/(^|\n)(?=[^\n])/g, `$1${pad}`);
}

function numberText(v: string | number | boolean): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return String(v);
}

export { formatType, isInteger };
