import type { OrderItem } from '../sql/ast.js';
import type { PortableType } from './types.js';

/** Where a column's values come from: columns of an upstream node's port, or of a warehouse table. */
export type ColumnOrigin = { node: string; port: string; column: string } | { table: string; column: string };

export interface Column {
  name: string;
  type: PortableType;
  /** Column-level lineage: the immediate inputs this column is computed from. */
  from: ColumnOrigin[];
}

export interface RelationSchema {
  columns: Column[];
  /**
   * The row order a consumer should respect, over this relation's own columns. SQL does not keep
   * the order of a CTE, so `sort` records it here and order-sensitive consumers (limit, a preview)
   * re-apply it where it matters.
   */
  ordering?: OrderItem[];
}
