import { ConnectorError, type Connector } from '../../connectors/connector.js';
import type { LoadedConfig } from '../config/load.js';
import { ConnectionError, connectionConfig, openConnector } from '../connections.js';
import { ServiceError } from './errors.js';

/**
 * One open connector per connection, opened on first use and kept (a DuckDB file can be opened by
 * one process only, and pools are worth keeping).
 */
export class ConnectorPool {
  private readonly open = new Map<string, Promise<Connector>>();

  constructor(
    private readonly config: LoadedConfig,
    private readonly opts: { readOnly?: boolean } = {},
  ) {}

  get(name: string): Promise<Connector> {
    try {
      connectionConfig(this.config, name);
    } catch (e) {
      throw new ServiceError('UNKNOWN_CONNECTION', (e as Error).message, {
        hint: (e as ConnectionError).hint,
      });
    }
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

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}
