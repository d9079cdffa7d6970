/** Config shapes and checks the spatial components share (DESIGN.md §1.8). */
import { z } from 'zod';
import type { ScopeRelation } from '../expr/resolve.js';
import type { Column } from '../schema/relation.js';
import { T, formatType, isInteger, isNumeric, type PortableType } from '../schema/types.js';
import type { FunctionKind, SqlExpr } from '../sql/ast.js';
import type { AnalyzeContext, ConfigKey, InputRelation } from './component.js';
import { columnName, expression } from './shapes.js';

export const geographyColumn = columnName.describe('a geography column');

/** Metres: a number, or an expression (a parameter, a column). */
export const metres = z
  .union([z.number(), expression])
  .describe('metres: a number, or an expression such as :radius or a column');

/** An H3 resolution: a whole number 0–15, or an expression (a parameter). */
export const resolution = z
  .union([z.number().int().min(0).max(15), expression])
  .describe(
    'H3 resolution 0–15 (0 ~1,100 km across, 8 ~0.9 km, 9 ~0.35 km, 15 ~1 m), or an expression such as :res',
  );

export function fn(
  name: string,
  args: SqlExpr[],
  type: PortableType,
  fnKind: FunctionKind = 'scalar',
): SqlExpr {
  return { k: 'fn', name, fnKind, args, type };
}

export const lit = (value: number | string | boolean | null, type: PortableType): SqlExpr => ({
  k: 'lit',
  value,
  type,
});

/** A column of an input that must be a geography (TYPE_MISMATCH otherwise). */
export function geography(
  ctx: AnalyzeContext<unknown>,
  name: string,
  key: ConfigKey,
  rel?: InputRelation,
): Column | undefined {
  const c = ctx.column(name, key, rel);
  if (!c) return undefined;
  if (c.type.kind !== 'geography') {
    ctx.error('TYPE_MISMATCH', `column "${c.name}" is ${formatType(c.type)}, not a geography`, {
      key,
      hint: 'make a geography with spatial.point (longitude and latitude columns), or with st_geogfromtext(wkt) in a compute node',
    });
    return undefined;
  }
  return c;
}

/** A longitude or latitude expression over the input (numeric; TYPE_MISMATCH otherwise). */
export function coordinate(ctx: AnalyzeContext<unknown>, text: string, key: 'lon' | 'lat') {
  const r = ctx.expr(text, [key], ctx.scope());
  if (!r) return undefined;
  const t = r.expr.type;
  if (!isNumeric(t) && t.kind !== 'null' && t.kind !== 'unknown') {
    ctx.error(
      'TYPE_MISMATCH',
      `${key === 'lon' ? 'longitude' : 'latitude'} must be a number, got ${formatType(t)}`,
      {
        key: [key],
        hint: 'cast it: CAST(x AS double)',
      },
    );
    return undefined;
  }
  return r;
}

/**
 * A number-valued config entry: a JSON number, or an expression over `scope` that must be numeric
 * (`integer`: whole). Undefined, with a diagnostic, when it is not.
 */
export function numberValue(
  ctx: AnalyzeContext<unknown>,
  value: number | string,
  key: ConfigKey,
  scope: ScopeRelation[],
  what: string,
  integer = false,
): { expr: SqlExpr; deps: Array<{ port: string; column: string }> } | undefined {
  if (typeof value === 'number') {
    const type = Number.isInteger(value) && Math.abs(value) <= 2_147_483_647 ? T.int : T.double;
    return { expr: { k: 'lit', value, type, text: String(value) }, deps: [] };
  }
  const r = ctx.expr(value, key, scope);
  if (!r) return undefined;
  const t = r.expr.type;
  const ok = integer ? isInteger(t) : isNumeric(t);
  if (!ok && t.kind !== 'null' && t.kind !== 'unknown') {
    ctx.error(
      'TYPE_MISMATCH',
      `${what} must be ${integer ? 'a whole number' : 'a number'}, got ${formatType(t)}`,
      {
        key,
        hint: integer ? 'cast it: CAST(x AS int)' : 'cast it: CAST(x AS double)',
      },
    );
    return undefined;
  }
  return { expr: r.expr, deps: r.deps };
}
