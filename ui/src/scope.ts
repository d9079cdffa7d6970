/** What a session's scope allows (read < run < write < admin), as the daemon decides it. */
import type { Scope } from './types.js';

const RANK: Record<Scope, number> = { read: 0, run: 1, write: 2, admin: 3 };

export const can = (scope: Scope, needed: Scope): boolean => RANK[scope] >= RANK[needed];
