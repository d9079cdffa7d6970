import type { PortableType } from '../schema/types.js';

/** Offsets into the expression text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '||' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type LiteralKind = 'string' | 'number' | 'bool' | 'null' | 'date' | 'timestamp';

/** The parsed (untyped) portable expression. Produced by `parseExpression`. */
export type Expr =
  | {
      kind: 'literal';
      literal: LiteralKind;
      value: string | number | boolean | null;
      text: string;
      span: Span;
    }
  | { kind: 'param'; name: string; span: Span }
  | { kind: 'column'; qualifier?: string; name: string; quoted: boolean; span: Span }
  | { kind: 'unary'; op: '-' | '+' | 'not'; arg: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span; opSpan: Span }
  | { kind: 'is_null'; arg: Expr; negated: boolean; span: Span }
  | { kind: 'in'; arg: Expr; list: Expr[]; negated: boolean; span: Span }
  | { kind: 'between'; arg: Expr; low: Expr; high: Expr; negated: boolean; span: Span }
  | { kind: 'like'; arg: Expr; pattern: Expr; negated: boolean; caseInsensitive: boolean; span: Span }
  | { kind: 'case'; operand?: Expr; whens: Array<{ when: Expr; then: Expr }>; else?: Expr; span: Span }
  | { kind: 'cast'; arg: Expr; type: PortableType; typeText: string; span: Span }
  | {
      kind: 'call';
      name: string;
      args: Expr[];
      distinct: boolean;
      /** `count(*)` */
      star: boolean;
      span: Span;
      nameSpan: Span;
    };
