/**
 * `edgeflow token create --scopes read,run,write,admin [--name N]`: a new API token, printed once
 * (only its SHA-256 is stored). `token list` and `token revoke ID` manage the ones there are.
 */
import { parseScopes, ScopeError } from '../../auth/scopes.js';
import { createApiToken } from '../../auth/tokens.js';
import { loadConfig } from '../../config/load.js';
import { stateLocation } from '../../config/state.js';
import { RunStore } from '../../store/index.js';
import { toJson, UsageError, type Io } from '../io.js';

export interface TokenFlags {
  config?: string;
  scopes?: string;
  name?: string;
  json?: boolean;
}

export function tokenCommand(args: string[], flags: TokenFlags, io: Io): number {
  const [sub, ...rest] = args;
  const loaded = loadConfig(flags.config);
  const open = () => RunStore.open(stateLocation(loaded).target);
  switch (sub) {
    case 'create': {
      if (!flags.scopes)
        throw new UsageError('token create needs --scopes, e.g. --scopes read or --scopes read,run');
      let scopes;
      try {
        scopes = parseScopes(flags.scopes);
      } catch (e) {
        if (e instanceof ScopeError) throw new UsageError(e.message);
        throw e;
      }
      const name = flags.name ?? `token-${new Date().toISOString().slice(0, 10)}`;
      const store = open();
      try {
        const { token, record } = createApiToken(store, { name, scopes });
        if (flags.json) io.out(toJson({ token, id: record.id, name: record.name, scopes: record.scopes }));
        else {
          // The token alone on stdout, so `TOKEN=$(edgeflow token create …)` works.
          io.out(token);
          io.err(
            `created token "${record.name}" (${record.id}) with scopes ${record.scopes.join(', ')}. It is shown only now: store it where you keep secrets.`,
          );
        }
        return 0;
      } finally {
        store.close();
      }
    }
    case 'list': {
      const store = open();
      try {
        const tokens = store.listTokens().map(({ hash: _hash, ...t }) => t);
        if (flags.json) io.out(toJson({ tokens }));
        else if (tokens.length === 0) io.out('no tokens');
        else
          for (const t of tokens)
            io.out(
              `${t.id}  ${t.name}  ${t.scopes.join(',')}  created ${t.createdAt}  last used ${t.lastUsedAt ?? 'never'}${t.revokedAt ? `  REVOKED ${t.revokedAt}` : ''}`,
            );
        return 0;
      } finally {
        store.close();
      }
    }
    case 'revoke': {
      const id = rest[0];
      if (!id) throw new UsageError('token revoke needs the token id (see `edgeflow token list`)');
      const store = open();
      try {
        const done = store.revokeToken(id);
        if (flags.json) io.out(toJson({ id, revoked: done }));
        else io.out(done ? `revoked ${id}` : `no active token ${id}`);
        return done ? 0 : 1;
      } finally {
        store.close();
      }
    }
    default:
      throw new UsageError(`token ${sub ?? ''}: the token commands are create, list and revoke`);
  }
}
