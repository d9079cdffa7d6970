/**
 * A statement's CTEs, in order, each written out as soon as it is final when a writer is given
 * (see Assembler.withQuery), so that a statement of thousands of CTEs never holds all of their
 * syntax trees at once: the scavenger copied and promoted them all while the statement was built.
 *
 * The lifecycle, over one statement's relations in order:
 * - made once the statement knows which relation is the single reader of which;
 * - `turn(i)` after relation i's query is built and folded where it may be. A relation is then
 *   final (its query, and whether it is dropped), except a join that a later join may still take
 *   into its FROM: that one is final after its reader's turn;
 * - `end()` once every relation has had its turn: the CTEs not written yet, as syntax.
 *
 * The last CTE that does more than pass its input's rows on, and those after it, are never written
 * early: the caller may fold them into its final SELECT (preview.ts).
 */
import type { Cte, Query, QueryCte, SelectQuery, WrittenCte } from '../sql/ast.js';

/** What EarlyCtes reads of the statement being assembled, by relation position. */
export interface StatementRelations {
  readonly size: number;
  /** The one relation that reads this one (once), if it may fold it in; undefined otherwise. */
  readOnceBy(i: number): number | undefined;
  /** 1: dropped (folded into its reader). */
  readonly dropped: Uint8Array;
  /** Each relation's query once built (cleared here once written). */
  readonly queries: Array<Query | undefined>;
  /** The relation's CTE, with its query. */
  cte(i: number): QueryCte;
}

export class EarlyCtes {
  readonly ctes: Cte[] = [];
  /** CTEs before this position are in `ctes`, or dropped. */
  private next = 0;
  /** The last final CTE that does more than pass rows on (see the header). */
  private lastFolding = -1;
  /** The relations each one is the single reader of, as lists through two arrays. */
  private readonly readsFirst: Int32Array | undefined;
  private readonly readsNext: Int32Array | undefined;

  constructor(
    private readonly s: StatementRelations,
    /** Writes a CTE for the statement; undefined: every CTE stays syntax. */
    private readonly writer: { cte(c: QueryCte): WrittenCte } | undefined,
  ) {
    if (!writer) return;
    const n = s.size;
    this.readsFirst = new Int32Array(n).fill(-1);
    this.readsNext = new Int32Array(n);
    for (let k = n - 1; k >= 0; k--) {
      const r = s.readOnceBy(k);
      if (r === undefined) continue;
      this.readsNext[k] = this.readsFirst[r]!;
      this.readsFirst[r] = k;
    }
  }

  /** After relation i's turn: writes the CTEs that are final and not among the last ones. */
  turn(i: number): void {
    const writer = this.writer;
    if (!writer) return;
    const s = this.s;
    // Final now: i, when it has no single reader, and the relations i is the single reader of.
    if (s.readOnceBy(i) === undefined) this.folding(i);
    for (let k = this.readsFirst![i]!; k >= 0; k = this.readsNext![k]!) this.folding(k);
    for (; this.next < this.lastFolding; this.next++) {
      const at = this.next;
      if (s.dropped[at]) {
        s.queries[at] = undefined;
        continue;
      }
      if ((s.readOnceBy(at) ?? -1) > i) break;
      this.ctes.push(writer.cte(s.cte(at)));
      s.queries[at] = undefined;
    }
  }

  /** The statement's CTEs: those written, then the rest as syntax. */
  end(): Cte[] {
    const s = this.s;
    for (; this.next < s.size; this.next++) if (!s.dropped[this.next]) this.ctes.push(s.cte(this.next));
    return this.ctes;
  }

  private folding(f: number): void {
    if (f > this.lastFolding && !this.s.dropped[f] && !passesRowsOn(this.s.queries[f]!)) this.lastFolding = f;
  }
}

/**
 * `SELECT * FROM r`: a CTE that passes its input's rows on as they are (a sort node's, or a
 * preview's last steps), which a reader may read through.
 */
export function passesRowsOn(q: Query): q is SelectQuery {
  return (
    q.kind === 'select' &&
    q.from?.kind === 'ref' &&
    !q.from.alias &&
    q.items.length === 1 &&
    q.items[0]!.kind === 'star' &&
    !q.items[0]!.table &&
    !q.items[0]!.except?.length &&
    !q.where &&
    !q.groupBy &&
    !q.having &&
    !q.qualify &&
    !q.distinct &&
    !q.orderBy &&
    q.limit === undefined &&
    q.offset === undefined
  );
}
