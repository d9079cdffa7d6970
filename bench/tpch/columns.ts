/**
 * Which TPC-H table columns a PostgreSQL query references, found with PostgreSQL's own parser
 * (libpg-query): every column reference, plus `*` over a table read directly. TPC-H column names
 * carry their table's prefix (`l_`, `o_`, …) and are unique across tables, so a name says its
 * table wherever it is referenced (through an alias, a CTE or a derived table). The select list
 * of an EXISTS subquery is not a reference: `EXISTS (SELECT * …)` reads no column for it.
 */
import { parse } from 'libpg-query';
import { TPCH_COLUMNS } from './schema.js';

/** column name → table */
const TABLE_OF = new Map<string, string>(
  Object.entries(TPCH_COLUMNS).flatMap(([table, cols]) => cols.map(([name]) => [name, table] as const)),
);

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `table.column` strings, sorted. */
export async function referencedColumns(postgresSql: string): Promise<string[]> {
  const tree = (await parse(postgresSql)) as Json;
  const out = new Set<string>();
  const cteNames = new Set<string>();
  collectCteNames(tree, cteNames);
  walk(tree, out, cteNames);
  return [...out].sort();
}

function collectCteNames(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) for (const x of node) collectCteNames(x, names);
  else if (isObject(node)) {
    const cte = node['CommonTableExpr'];
    if (isObject(cte) && typeof cte['ctename'] === 'string') names.add(cte['ctename']);
    for (const v of Object.values(node)) collectCteNames(v, names);
  }
}

function fieldNames(columnRef: Json): Array<string | '*'> {
  return ((columnRef['fields'] as unknown[]) ?? []).map((f) => {
    if (isObject(f) && isObject(f['String'])) return String(f['String']['sval']);
    return '*';
  });
}

/** The tables (not CTEs) a FROM list reads directly, with the name each is referred to by. */
function tablesRead(from: unknown, cteNames: ReadonlySet<string>): Array<{ table: string; refName: string }> {
  const out: Array<{ table: string; refName: string }> = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!isObject(n)) return;
    const rv = n['RangeVar'];
    if (isObject(rv)) {
      const rel = String(rv['relname']);
      const qualified = rv['schemaname'] !== undefined;
      const alias = isObject(rv['alias']) ? String(rv['alias']['aliasname']) : rel;
      if (TPCH_COLUMNS[rel] && (qualified || !cteNames.has(rel))) out.push({ table: rel, refName: alias });
      return;
    }
    const join = n['JoinExpr'];
    if (isObject(join)) {
      visit(join['larg']);
      visit(join['rarg']);
    }
  };
  visit(from);
  return out;
}

function walk(node: unknown, out: Set<string>, cteNames: ReadonlySet<string>, skipTargets = false): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, out, cteNames);
    return;
  }
  if (!isObject(node)) return;
  const select = node['SelectStmt'];
  if (isObject(select)) {
    const direct = tablesRead(select['fromClause'], cteNames);
    for (const [key, value] of Object.entries(select)) {
      if (key === 'targetList') {
        if (skipTargets) continue;
        for (const t of (value as unknown[]) ?? []) starsOf(t, direct, out);
      }
      walk(value, out, cteNames);
    }
    return;
  }
  const subLink = node['SubLink'];
  if (isObject(subLink) && subLink['subLinkType'] === 'EXISTS_SUBLINK') {
    const sub = subLink['subselect'];
    for (const [key, value] of Object.entries(subLink)) if (key !== 'subselect') walk(value, out, cteNames);
    if (isObject(sub)) walk(sub, out, cteNames, true);
    return;
  }
  const ref = node['ColumnRef'];
  if (isObject(ref)) {
    const names = fieldNames(ref);
    const last = names[names.length - 1];
    if (last && last !== '*') {
      const table = TABLE_OF.get(last);
      if (table) out.add(`${table}.${last}`);
    }
    return;
  }
  for (const v of Object.values(node)) walk(v, out, cteNames);
}

/** `*` or `t.*` in a select list over tables read directly: every column of those tables. */
function starsOf(
  target: unknown,
  direct: ReadonlyArray<{ table: string; refName: string }>,
  out: Set<string>,
) {
  const res = isObject(target) ? target['ResTarget'] : undefined;
  const val = isObject(res) ? res['val'] : undefined;
  const ref = isObject(val) ? val['ColumnRef'] : undefined;
  if (!isObject(ref)) return;
  const names = fieldNames(ref);
  if (names[names.length - 1] !== '*') return;
  const qualifier = names.length > 1 ? names[names.length - 2] : undefined;
  for (const d of direct)
    if (qualifier === undefined || qualifier === d.refName)
      for (const [name] of TPCH_COLUMNS[d.table]!) out.add(`${d.table}.${name}`);
}

/** Per table: the columns referenced, as `{table: [columns]}` (tables in name order). */
export function byTable(columns: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of columns) {
    const [table, column] = c.split('.') as [string, string];
    (out[table] ??= []).push(column);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
