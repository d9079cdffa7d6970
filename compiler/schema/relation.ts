import type { OrderItem } from '../sql/ast.js';
import type { PortableType } from './types.js';

/** Where a column's values come from: columns of an upstream node's port, or of a warehouse table. */
export type ColumnOrigin = { node: string; port: string; column: string } | { table: string; column: string };

export interface Column {
  readonly name: string;
  readonly type: PortableType;
  /** Column-level lineage: the immediate inputs this column is computed from. */
  readonly from: ColumnOrigin[];
}

/**
 * A column taken from one input column, unchanged or renamed (most columns of most nodes). Its
 * lineage is built when asked: a 10,000-node workflow has ~140,000 such columns, and three
 * objects each (column, list, origin) were most of the compiler's memory and GC time.
 */
export class PassedColumn implements Column {
  constructor(
    readonly name: string,
    readonly type: PortableType,
    /** The upstream node and port (shared by all columns of one input). */
    readonly source: { readonly node: string; readonly port: string },
    readonly sourceColumn: string = name,
  ) {}

  get from(): ColumnOrigin[] {
    return [{ node: this.source.node, port: this.source.port, column: this.sourceColumn }];
  }

  /** The same column under another name (lineage still points at the input column). */
  renamed(name: string): PassedColumn {
    return new PassedColumn(name, this.type, this.source, this.sourceColumn);
  }
}

/**
 * A column read from a warehouse table (every column of every source). Its lineage is built when
 * asked, as a passed column's is: three objects per column became one.
 */
export class TableColumn implements Column {
  constructor(
    readonly name: string,
    readonly type: PortableType,
    /** The table, as written in the workflow. */
    readonly table: string,
  ) {}

  get from(): ColumnOrigin[] {
    return [{ table: this.table, column: this.name }];
  }
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

/**
 * `name.toLowerCase()`, without a new string when the name is ASCII with no upper-case letter
 * (nearly every column name): V8 copies the string even then, and names are compared ignoring
 * case for every column of every node.
 */
export function lowerName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return name.toLowerCase();
  }
  return name;
}
