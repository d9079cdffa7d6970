/** The column references of an expression (its window too), for "columns read" and plan checks. */
import type { SqlExpr } from './ast.js';

/** Calls `visit` for each column reference in `e`; an EXISTS subquery's own columns are not visited. */
export function forEachColumn(e: SqlExpr, visit: (c: SqlExpr & { k: 'col' }) => void): void {
  switch (e.k) {
    case 'col':
      visit(e);
      return;
    case 'lit':
    case 'param':
    case 'exists':
      return;
    case 'unary':
    case 'is_null':
    case 'cast':
    case 'not_true':
      forEachColumn(e.arg, visit);
      return;
    case 'binary':
      forEachColumn(e.left, visit);
      forEachColumn(e.right, visit);
      return;
    case 'in':
      forEachColumn(e.arg, visit);
      for (const x of e.list) forEachColumn(x, visit);
      return;
    case 'between':
      forEachColumn(e.arg, visit);
      forEachColumn(e.low, visit);
      forEachColumn(e.high, visit);
      return;
    case 'like':
      forEachColumn(e.arg, visit);
      forEachColumn(e.pattern, visit);
      return;
    case 'case':
      if (e.operand) forEachColumn(e.operand, visit);
      for (const w of e.whens) {
        forEachColumn(w.when, visit);
        forEachColumn(w.then, visit);
      }
      if (e.else) forEachColumn(e.else, visit);
      return;
    case 'fn':
      for (const a of e.args) forEachColumn(a, visit);
      if (e.over) {
        for (const p of e.over.partitionBy) forEachColumn(p, visit);
        for (const o of e.over.orderBy) forEachColumn(o.expr, visit);
      }
      return;
  }
}

/** `e` with each column reference replaced by `map(c)` (an EXISTS subquery is left as it is). */
export function mapColumns(e: SqlExpr, map: (c: SqlExpr & { k: 'col' }) => SqlExpr): SqlExpr {
  const m = (x: SqlExpr) => mapColumns(x, map);
  switch (e.k) {
    case 'col':
      return map(e);
    case 'unary':
      return { ...e, arg: m(e.arg) };
    case 'is_null':
      return { ...e, arg: m(e.arg) };
    case 'cast':
      return { ...e, arg: m(e.arg) };
    case 'not_true':
      return { ...e, arg: m(e.arg) };
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'in':
      return { ...e, arg: m(e.arg), list: e.list.map(m) };
    case 'between':
      return { ...e, arg: m(e.arg), low: m(e.low), high: m(e.high) };
    case 'like':
      return { ...e, arg: m(e.arg), pattern: m(e.pattern) };
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: m(e.operand) } : {}),
        whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        ...(e.else ? { else: m(e.else) } : {}),
      };
    case 'fn':
      return {
        ...e,
        args: e.args.map(m),
        ...(e.over
          ? {
              over: {
                ...e.over,
                partitionBy: e.over.partitionBy.map(m),
                orderBy: e.over.orderBy.map((o) => ({ ...o, expr: m(o.expr) })),
              },
            }
          : {}),
      };
    default:
      // lit, param, exists: no column of this scope
      return e;
  }
}
