/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  const m = s.length;
  const n = t.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** Names longer than this are not anyone's typo; comparing them would only cost time. */
const MAX_SUGGESTED_LENGTH = 256;

/** The candidate nearest to `name`, if it is close enough to be a plausible typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3) + 1));
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    if (name.length > MAX_SUGGESTED_LENGTH || c.length > MAX_SUGGESTED_LENGTH) continue;
    const prefixHit = cl.startsWith(lower) || lower.startsWith(cl);
    // The distance is at least the difference in length: skip the quadratic work when that loses.
    const atLeast = Math.abs(c.length - name.length);
    if (!prefixHit && (atLeast > limit || atLeast >= bestDistance)) continue;
    const score = prefixHit
      ? atLeast >= limit
        ? limit
        : Math.min(editDistance(name, c), limit)
      : editDistance(name, c);
    if (score < bestDistance) {
      bestDistance = score;
      best = c;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `did you mean "x"?` or a short list of what is valid. */
export function didYouMean(name: string, candidates: readonly string[], what = 'valid names'): string {
  const near = nearest(name, candidates);
  if (near !== undefined) return `did you mean "${near}"?`;
  if (candidates.length === 0) return `there are no ${what}`;
  const shown = candidates.slice(0, 12).map((c) => `"${c}"`);
  return `${what}: ${shown.join(', ')}${candidates.length > 12 ? `, … (${candidates.length} in all)` : ''}`;
}

/**
 * The candidates a misspelt `name` most plausibly meant, nearest first (at most `max`, all at the
 * same distance), or none. Stricter than `nearest`: no edit for a name of up to 3 characters (`sin`
 * is not `sign`, `cot` not `cos`), one up to 5, two up to 8, three beyond; or, for names of 3
 * characters or more, a candidate that begins with it or that it begins with (`percentile` →
 * `percentile_cont`, `substring` → `substr`), ranked as if at the limit.
 */
export function nearNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  if (name.length > MAX_SUGGESTED_LENGTH) return [];
  const lower = name.toLowerCase();
  const limit = name.length <= 3 ? 0 : name.length <= 5 ? 1 : name.length <= 8 ? 2 : 3;
  const scored: Array<{ name: string; score: number }> = [];
  for (const c of candidates) {
    if (c.length > MAX_SUGGESTED_LENGTH) continue;
    const cl = c.toLowerCase();
    if (cl === lower) return [c];
    const prefix = Math.min(cl.length, lower.length) >= 3 && (cl.startsWith(lower) || lower.startsWith(cl));
    if (!prefix && Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name, c);
    const score = prefix ? Math.min(d, limit) : d;
    if (score <= limit) scored.push({ name: c, score });
  }
  const best = Math.min(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score === best)
    .slice(0, max)
    .map((s) => s.name);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function orList(names: readonly string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
}
