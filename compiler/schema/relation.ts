import type { OrderItem } from '../sql/ast.js';
import type { PortableType } from './types.js';

/** Where a column's values come from: columns of an upstream node's port, or of a warehouse table. */
export type ColumnOrigin = { node: string; port: string; column: string } | { table: string; column: string };

/**
 * A column of a node's output. A column the node passes on unchanged from an input (same name,
 * type and values) is that input's own column object, not a copy: most columns of most nodes are,
 * and a copy per node was a tenth of a 10,000-node compile's memory. So a column's lineage depends
 * on the node whose output it is read from: {@link columnLineage} answers it.
 */
export interface Column {
  readonly name: string;
  readonly type: PortableType;
  /**
   * Column-level lineage where the column was made: the immediate inputs it is computed from. For
   * a column a node passed on from an input this describes the node that made it; ask
   * {@link columnLineage} for a given node's.
   */
  readonly from: ColumnOrigin[];
}

/**
 * A column taken from one input column under another name (or, for a few components, one made
 * anew for every input column). Its lineage is built when asked: a list and an origin per column
 * were much of the compiler's memory.
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

/**
 * The name a column a node passes on has in that node's input `ref`: a PassedColumn the node made
 * for a rename says; an input's own column object has its own name.
 */
export function nameInInput(c: Column, ref: { readonly node: string; readonly port: string }): string {
  return c instanceof PassedColumn && c.source === ref ? c.sourceColumn : c.name;
}

/** An input of a node, as far as lineage needs it. */
export interface LineageInput {
  readonly ref: { readonly node: string; readonly port: string };
  readonly schema: { readonly columns: readonly Column[] };
}

/**
 * Which of a node's inputs each output column is passed on from. Walk a node's output columns in
 * order: a passed column is mostly where the last one was found plus one (a filter, a compute, a
 * drop) or at its own position, so a scan is rarely needed, and a reordered wide relation gets a
 * map of its columns once.
 */
export class PassedColumns {
  private inputs: readonly LineageInput[] = [];
  private next = 0;
  /** Per input, for inputs too wide to scan: each column's position. */
  private positions: Array<Map<Column, number> | undefined> | undefined;
  /** After a `find`: the name of the column in the input it was found in. */
  inputName = '';
  /** After a `find`: its position in that input, or -1 (a renamed column: look up inputName). */
  inputPosition = -1;

  /** Starts on a node's output (its inputs, in any order). */
  reset(inputs: readonly LineageInput[]): this {
    this.inputs = inputs;
    this.next = 0;
    this.positions = undefined;
    return this;
  }

  /**
   * The index in the inputs of the input `c` (at position `at` of the output) is passed on from,
   * or -1 when the node made it from something else (its `from` says what).
   */
  find(c: Column, at: number): number {
    const inputs = this.inputs;
    if (c instanceof PassedColumn) {
      // Renamed (or made per column) by this node: its source is one of this node's inputs.
      for (let i = 0; i < inputs.length; i++)
        if (inputs[i]!.ref === c.source) {
          this.inputName = c.sourceColumn;
          this.inputPosition = -1;
          return i;
        }
    }
    for (let i = 0; i < inputs.length; i++) {
      const cols = inputs[i]!.schema.columns;
      let j = -1;
      if (cols[this.next] === c) j = this.next;
      else if (cols[at] === c) j = at;
      else if (cols.length <= SCANNED) {
        for (let k = 0; k < cols.length; k++)
          if (cols[k] === c) {
            j = k;
            break;
          }
      } else j = this.position(i, c);
      if (j >= 0) {
        this.next = j + 1;
        this.inputName = c.name;
        this.inputPosition = j;
        return i;
      }
    }
    return -1;
  }

  private position(input: number, c: Column): number {
    const all = (this.positions ??= []);
    let map = all[input];
    if (!map) {
      const cols = this.inputs[input]!.schema.columns;
      all[input] = map = new Map();
      for (let k = 0; k < cols.length; k++) if (!map.has(cols[k]!)) map.set(cols[k]!, k);
    }
    return map.get(c) ?? -1;
  }
}

/** Up to this many columns an input is scanned for a column; past it, a map is made once. */
const SCANNED = 32;

/**
 * The immediate inputs column `c` of a node's output is computed from, for that node: the input
 * it is passed on from, or what the column says it was made from.
 */
export function columnLineage(
  c: Column,
  at: number,
  inputs: readonly LineageInput[],
  passed: PassedColumns = new PassedColumns().reset(inputs),
): ColumnOrigin[] {
  const i = passed.find(c, at);
  if (i < 0) return c.from;
  const ref = inputs[i]!.ref;
  return [{ node: ref.node, port: ref.port, column: passed.inputName }];
}
