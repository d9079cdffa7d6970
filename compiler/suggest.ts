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
