/**
 * The k nearest shapes of a list, for spatial.nearest on DuckDB: a k-d tree over the shapes' cap
 * centres (unit vectors), searched best-first with a lower bound on the true distance (the angle
 * to a node's box, less the largest reach in it), so a query looks at the shapes near it only.
 */
import { distance, type Prepared } from './sphere.js';

const LEAF = 8;

interface Node {
  lo: number;
  hi: number;
  min: [number, number, number];
  max: [number, number, number];
  reach: number;
  left?: Node;
  right?: Node;
}

export class NearestIndex {
  private readonly order: number[];
  private readonly root: Node | undefined;

  /** `shapes[i]` undefined (null or empty) never matches. */
  constructor(private readonly shapes: ReadonlyArray<Prepared | undefined>) {
    this.order = shapes.flatMap((s, i) => (s && !s.empty ? [i] : []));
    this.root = this.order.length ? this.build(0, this.order.length) : undefined;
  }

  private build(lo: number, hi: number): Node {
    const min: [number, number, number] = [Infinity, Infinity, Infinity];
    const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    let reach = 0;
    for (let i = lo; i < hi; i++) {
      const s = this.shapes[this.order[i]!]!;
      const c = [s.cx, s.cy, s.cz];
      for (let a = 0; a < 3; a++) {
        min[a] = Math.min(min[a]!, c[a]!);
        max[a] = Math.max(max[a]!, c[a]!);
      }
      reach = Math.max(reach, s.reach);
    }
    const node: Node = { lo, hi, min, max, reach };
    if (hi - lo > LEAF) {
      const spread = [0, 1, 2].map((a) => max[a]! - min[a]!);
      const axis = spread.indexOf(Math.max(...spread));
      const key = (i: number) => {
        const s = this.shapes[i]!;
        return axis === 0 ? s.cx : axis === 1 ? s.cy : s.cz;
      };
      const part = this.order.slice(lo, hi).sort((a, b) => key(a) - key(b));
      for (let i = lo; i < hi; i++) this.order[i] = part[i - lo]!;
      const mid = (lo + hi) >> 1;
      node.left = this.build(lo, mid);
      node.right = this.build(mid, hi);
    }
    return node;
  }

  /** The smallest possible distance (radians) from q to any shape under a node. */
  private bound(n: Node, q: Prepared): number {
    const c = [q.cx, q.cy, q.cz];
    let d2 = 0;
    for (let a = 0; a < 3; a++) {
      const v = c[a]!;
      const out = v < n.min[a]! ? n.min[a]! - v : v > n.max[a]! ? v - n.max[a]! : 0;
      d2 += out * out;
    }
    const chord = Math.min(2, Math.sqrt(d2));
    return 2 * Math.asin(chord / 2) - n.reach - q.reach;
  }

  /**
   * The indexes (0-based, into the list given) of the k nearest shapes to q within maxAngle
   * (radians), nearest first; a tie in distance goes to the lower index.
   */
  nearest(q: Prepared, k: number, maxAngle = Infinity): number[] {
    if (!this.root || q.empty || k <= 0) return [];
    const best: Array<{ d: number; i: number }> = [];
    const worst = () => (best.length < k ? maxAngle : best[best.length - 1]!.d);
    const queue: Array<{ n: Node; b: number }> = [{ n: this.root, b: this.bound(this.root, q) }];
    while (queue.length) {
      // Best-first: the node with the smallest bound (queues stay small; a scan is enough).
      let at = 0;
      for (let j = 1; j < queue.length; j++) if (queue[j]!.b < queue[at]!.b) at = j;
      const { n, b } = queue[at]!;
      queue[at] = queue[queue.length - 1]!;
      queue.pop();
      if (b > worst()) continue;
      if (!n.left || !n.right) {
        for (let j = n.lo; j < n.hi; j++) {
          const i = this.order[j]!;
          const d = distance(q, this.shapes[i]!, { beyond: worst() });
          if (!(d <= worst())) continue;
          if (best.length === k && d === worst() && i > best[best.length - 1]!.i) continue;
          best.push({ d, i });
          best.sort((x, y) => x.d - y.d || x.i - y.i);
          if (best.length > k) best.pop();
        }
      } else {
        queue.push({ n: n.left, b: this.bound(n.left, q) }, { n: n.right, b: this.bound(n.right, q) });
      }
    }
    return best.map((x) => x.i);
  }
}
