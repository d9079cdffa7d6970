/**
 * What the compiler knows of the warehouse: tables and their columns with portable types. The
 * compiler is pure, so the caller supplies it (prefetched from a live connection, or built from
 * columns declared in the workflow). Lookups are synchronous for that reason.
 */
import type { PortableType } from './schema/types.js';

export interface ColumnInfo {
  name: string;
  type: PortableType;
  nullable?: boolean;
  comment?: string;
}

export interface TableInfo {
  /** The table's name parts as stored, e.g. ['main', 'orders']. */
  parts: string[];
  columns: ColumnInfo[];
  comment?: string;
}

export interface Catalog {
  /** True when this reflects a live warehouse, so a missing table is an error (not just unknown). */
  readonly live: boolean;
  getTable(parts: readonly string[]): TableInfo | undefined;
  /** Every known table name, for "did you mean" hints. */
  tableNames(): string[];
  /**
   * What the warehouse said of a raw-SQL node's query (source.sql, sql) when the caller asked it;
   * undefined when it was not asked (no live connection, or not yet: a sql node is described once
   * its input is known).
   */
  describeQuery?(nodeId: string): DescribedQuery | undefined;
}

/**
 * A raw-SQL node's query as the warehouse described it: its columns; or the warehouse's refusal
 * (a syntax error, an unknown table); or why it could not be asked (compiling for another dialect
 * than the connection's).
 */
export type DescribedQuery = { columns: ColumnInfo[] } | { error: string } | { unavailable: string };

export const EMPTY_CATALOG: Catalog = {
  live: false,
  getTable: () => undefined,
  tableNames: () => [],
};

/**
 * An in-memory catalog. A name matches when its parts match the table's trailing parts exactly,
 * or case-insensitively when that is unique, so `orders` finds `main.orders` if it is the only one.
 */
export function createCatalog(
  tables: ReadonlyArray<TableInfo>,
  opts: { live?: boolean; describeQuery?: (nodeId: string) => DescribedQuery | undefined } = {},
): Catalog {
  const list = [...tables];
  const matches = (t: TableInfo, parts: readonly string[], ci: boolean) => {
    if (parts.length > t.parts.length) return false;
    const tail = t.parts.slice(t.parts.length - parts.length);
    return tail.every((p, i) => (ci ? p.toLowerCase() === parts[i]!.toLowerCase() : p === parts[i]));
  };
  return {
    live: opts.live ?? false,
    getTable(parts) {
      const exact = list.filter((t) => matches(t, parts, false));
      if (exact.length === 1) return exact[0];
      if (exact.length > 1) return exact.find((t) => t.parts.length === parts.length);
      const loose = list.filter((t) => matches(t, parts, true));
      return loose.length === 1 ? loose[0] : undefined;
    },
    tableNames: () => list.map((t) => t.parts.join('.')),
    ...(opts.describeQuery ? { describeQuery: opts.describeQuery } : {}),
  };
}
