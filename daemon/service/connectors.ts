import { ConnectorError, type Connector } from '../../connectors/connector.js';
import type { LoadedConfig } from '../config/load.js';
import { ConnectionError, connectionConfig, openConnector } from '../connections.js';
import { ServiceError } from './errors.js';

/** A connection that may not open yet: see `ConnectorPool.holdUntil`. */
interface Hold {
  /** Resolves once the work it waits for has settled, whatever its outcome. */
  settled: Promise<void>;
  reason: string;
  timeoutMs: number;
  hint?: string;
}

/**
 * One open connector per connection, opened on first use and kept (a DuckDB file can be opened by
 * one process only, and pools are worth keeping).
 */
export class ConnectorPool {
  private readonly open = new Map<string, Promise<Connector>>();
  private readonly holds = new Map<string, Hold>();

  constructor(
    private readonly config: LoadedConfig,
    private readonly opts: { readOnly?: boolean } = {},
  ) {}

  /**
   * Not ready until `until` settles: meanwhile `get(name)` waits instead of opening the connection,
   * each caller at most `timeoutMs`, then fails CONNECTION_UNAVAILABLE saying `reason`. The daemon
   * holds `local` while a child process seeds the demo into its DuckDB file: opening it then would
   * fail on the file's lock ("Could not set lock") rather than wait for the data.
   */
  holdUntil(
    name: string,
    until: Promise<unknown>,
    opts: { reason: string; timeoutMs: number; hint?: string },
  ): void {
    const hold: Hold = {
      settled: until.then(
        () => undefined,
        () => undefined,
      ),
      ...opts,
    };
    this.holds.set(name, hold);
    void hold.settled.then(() => {
      if (this.holds.get(name) === hold) this.holds.delete(name);
    });
  }

  /** `duringHold`: the work a hold waits for (the seeding itself) opens the connection through it. */
  get(name: string, opts: { duringHold?: boolean } = {}): Promise<Connector> {
    try {
      connectionConfig(this.config, name);
    } catch (e) {
      throw new ServiceError('UNKNOWN_CONNECTION', (e as Error).message, {
        hint: (e as ConnectionError).hint,
      });
    }
    const hold = opts.duringHold ? undefined : this.holds.get(name);
    if (hold) return this.waitFor(name, hold).then(() => this.get(name));
    let c = this.open.get(name);
    if (!c) {
      c = openConnector(this.config, name, this.opts).catch((e: Error) => {
        this.open.delete(name);
        // Connector errors are already redacted; a secret that cannot be resolved is named by its
        // reference (variable or file), never by a value.
        const why =
          e instanceof ConnectionError && e.code === 'SECRET_UNRESOLVED'
            ? 'cannot be opened'
            : 'is not reachable';
        const hint =
          e instanceof ConnectionError ? e.hint : e instanceof ConnectorError ? e.details.hint : undefined;
        throw new ServiceError(
          'CONNECTION_UNAVAILABLE',
          `connection "${name}" ${why}: ${e.message.split('\n')[0]}`,
          {
            ...(hint ? { hint } : {}),
          },
        );
      });
      this.open.set(name, c);
    }
    return c;
  }

  /** Closes one connection; the next `get` opens it again. */
  async close(name: string): Promise<void> {
    const c = this.open.get(name);
    this.open.delete(name);
    await (await c?.catch(() => undefined))?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }

  private async waitFor(name: string, hold: Hold): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), hold.timeoutMs);
    });
    try {
      if ((await Promise.race([hold.settled, expired])) === 'expired')
        throw new ServiceError(
          'CONNECTION_UNAVAILABLE',
          `connection "${name}" is not ready: ${hold.reason} (waited ${Math.round(hold.timeoutMs / 1000)} s)`,
          { ...(hold.hint ? { hint: hold.hint } : {}) },
        );
    } finally {
      clearTimeout(timer);
    }
  }
}
