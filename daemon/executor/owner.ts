/**
 * Who holds a running run: `<host>:<pid>:<nonce>`. Recovery takes a run over only from an owner
 * that is gone: on this host, a process that no longer exists (or this very pid under an earlier
 * nonce: a container restarts its daemon as pid 1 again); anywhere, one whose heartbeat is stale.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export function newOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is just not ours to signal.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface OwnerCheck {
  /** Our own owner id (never gone). */
  self: string;
  now: number;
  /** A heartbeat older than this means the owner is gone, wherever it ran. */
  staleAfterMs: number;
  isAlive?: (pid: number) => boolean;
}

export function ownerIsGone(owner: string, heartbeatAt: string | null, check: OwnerCheck): boolean {
  return ownerGone(owner, heartbeatAt, check) !== false;
}

/**
 * Why an owner is gone: `dead` (its process on this host no longer exists: take its runs at once),
 * `expired` (its lease — the last heartbeat plus `staleAfterMs` — has passed, wherever it ran: take
 * them only if the heartbeat is still that old when the takeover is written), or false.
 */
export function ownerGone(
  owner: string,
  heartbeatAt: string | null,
  check: OwnerCheck,
): 'dead' | 'expired' | false {
  if (owner === check.self) return false;
  const m = /^(.*):(\d+):([0-9a-f]+)$/.exec(owner);
  if (m && m[1] === os.hostname()) {
    const pid = Number(m[2]);
    if (pid === process.pid) return 'dead';
    if (!(check.isAlive ?? processIsAlive)(pid)) return 'dead';
  }
  const beat = heartbeatAt ? Date.parse(heartbeatAt) : Number.NaN;
  return !Number.isFinite(beat) || check.now - beat > check.staleAfterMs ? 'expired' : false;
}
