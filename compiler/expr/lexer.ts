import { lowerName } from '../schema/relation.js';
import type { Span } from './ast.js';

export type TokenKind = 'ident' | 'quoted_ident' | 'string' | 'number' | 'param' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** For ident: lower-cased text; quoted_ident/string: the unescaped value; others: the text. */
  value: string;
  /** Original text, for messages. */
  text: string;
  span: Span;
}

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly span: Span,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%'];

/** A character as a message shows it: invisible ones (controls, odd spaces) by their code point. */
function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 32 || (code >= 127 && code < 160)) return `control character ${hex}`;
  if (/^[\s\p{Cf}\p{Cs}]$/u.test(ch)) return `invisible character ${hex}`;
  return code < 128 ? `'${ch}'` : `'${ch}' (${hex})`;
}

/** Splits an expression into tokens; rejects statement separators, comments and stray characters. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (ch === ';') {
      throw new ExprSyntaxError(
        "';' is not allowed: an expression is a single value, not a statement",
        { start, end: i + 1 },
        'remove the semicolon and anything after it',
      );
    }
    if ((ch === '-' && src[i + 1] === '-') || (ch === '/' && src[i + 1] === '*')) {
      throw new ExprSyntaxError(
        'comments are not allowed in expressions',
        { start, end: i + 2 },
        'remove the comment',
      );
    }
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= n)
          throw new ExprSyntaxError('unterminated string literal', { start, end: n }, "close it with '");
        const c = src[i]!;
        if (c === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'string', value, text: src.slice(start, i), span: { start, end: i } });
      continue;
    }
    if (ch === '"' || ch === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n)
          throw new ExprSyntaxError('unterminated quoted name', { start, end: n }, `close it with ${ch}`);
        const c = src[i]!;
        if (c === ch) {
          if (src[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += c;
        i++;
      }
      if (value.length === 0) throw new ExprSyntaxError('empty quoted name', { start, end: i });
      tokens.push({ kind: 'quoted_ident', value, text: src.slice(start, i), span: { start, end: i } });
      continue;
    }
    if (isDigit(ch) || (ch === '.' && isDigit(src[i + 1] ?? ''))) {
      while (i < n && isDigit(src[i]!)) i++;
      if (src[i] === '.') {
        i++;
        while (i < n && isDigit(src[i]!)) i++;
      }
      if (src[i] === 'e' || src[i] === 'E') {
        const save = i;
        i++;
        if (src[i] === '+' || src[i] === '-') i++;
        if (!isDigit(src[i] ?? '')) i = save;
        else while (i < n && isDigit(src[i]!)) i++;
      }
      if (isIdentStart(src[i] ?? '')) {
        let end = i;
        while (end < n && isIdentPart(src[end]!)) end++;
        throw new ExprSyntaxError(
          `invalid number '${src.slice(start, end)}'`,
          { start, end },
          'put a space or an operator between a number and a name',
        );
      }
      const text = src.slice(start, i);
      tokens.push({ kind: 'number', value: text, text, span: { start, end: i } });
      continue;
    }
    if (ch === ':') {
      i++;
      if (!isIdentStart(src[i] ?? '')) {
        throw new ExprSyntaxError(
          "':' must start a parameter name, like :min_amount",
          { start, end: i },
          'write the parameter as :name (declared in the workflow params)',
        );
      }
      while (i < n && isIdentPart(src[i]!)) i++;
      const name = src.slice(start + 1, i);
      tokens.push({ kind: 'param', value: name, text: src.slice(start, i), span: { start, end: i } });
      continue;
    }
    if (isIdentStart(ch)) {
      while (i < n && isIdentPart(src[i]!)) i++;
      const text = src.slice(start, i);
      tokens.push({ kind: 'ident', value: lowerName(text), text, span: { start, end: i } });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op !== undefined) {
      i += op.length;
      tokens.push({ kind: 'op', value: op === '<>' ? '!=' : op, text: op, span: { start, end: i } });
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '.') {
      i++;
      tokens.push({ kind: 'punct', value: ch, text: ch, span: { start, end: i } });
      continue;
    }
    // A whole code point, so an emoji is reported as itself rather than half a surrogate pair.
    const char = String.fromCodePoint(src.codePointAt(i)!);
    const hint =
      ch === '?' || ch === '$' || ch === '@'
        ? 'parameters are written :name'
        : ch === '[' || ch === '{'
          ? 'arrays and structs are not part of the portable expression language; use a sql node'
          : /^[\s\p{Cf}]$/u.test(char)
            ? 'replace it with a plain space (it often comes from copying text from a document)'
            : /^\p{L}$/u.test(char)
              ? 'unquoted names use the letters a-z, digits and _; quote other names, e.g. "Año"'
              : undefined;
    throw new ExprSyntaxError(`unexpected ${describeChar(char)}`, { start, end: i + char.length }, hint);
  }
  tokens.push({ kind: 'eof', value: '', text: '', span: { start: n, end: n } });
  return tokens;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}
