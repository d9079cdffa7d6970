/**
 * API token scopes (DESIGN.md §1.6): read < run < write < admin. A token holds a set of scopes and
 * its highest one implies every lower one, so a route names the least scope it needs.
 */
export const SCOPES = ['read', 'run', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Scope, number> = { read: 0, run: 1, write: 2, admin: 3 };

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** Whether a token holding `granted` may do what needs `needed`. */
export function allows(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((g) => RANK[g] >= RANK[needed]);
}

/** Whether a session acting with one scope (an MCP session: its token's highest) may do what needs `needed`. */
export function scopeAllows(session: Scope, needed: Scope): boolean {
  return RANK[session] >= RANK[needed];
}

/** The highest scope of a set (what it allows, in one word); undefined for an empty set. */
export function highestScope(granted: readonly Scope[]): Scope | undefined {
  let best: Scope | undefined;
  for (const g of granted) if (best === undefined || RANK[g] > RANK[best]) best = g;
  return best;
}

export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

/** Parses `read,run,write,admin` (as `edgeflow token create --scopes` takes it). */
export function parseScopes(text: string): Scope[] {
  const parts = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) throw new ScopeError(`give at least one scope: ${SCOPES.join(', ')}`);
  const out: Scope[] = [];
  for (const p of parts) {
    if (!isScope(p)) throw new ScopeError(`unknown scope "${p}": the scopes are ${SCOPES.join(', ')}`);
    if (!out.includes(p)) out.push(p);
  }
  return out.sort((a, b) => RANK[a] - RANK[b]);
}
