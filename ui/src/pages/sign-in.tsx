/** Sign in with an API token: exchanged once for an HttpOnly session cookie, never kept by the page. */
import { useState } from 'react';
import { api } from '../api.js';
import type { UiSessionInfo } from '../types.js';

export function SignIn(props: { onSignedIn: (s: UiSessionInfo) => void; reason?: string | undefined }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <form
        aria-labelledby="sign-in-title"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          api.signIn(token.trim()).then(
            (s) => {
              setToken('');
              props.onSignedIn(s);
            },
            (err: Error) => {
              setError(err.message);
              setBusy(false);
            },
          );
        }}
      >
        <h1 id="sign-in-title">
          <span className="logo" aria-hidden="true" /> edgeflow
        </h1>
        {props.reason ? <p className="notice">{props.reason}</p> : null}
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="ef_…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby="token-help"
          required
          autoFocus
        />
        <p id="token-help" className="muted">
          The daemon printed where its admin token is (<code>.edgeflow/admin.token</code>);{' '}
          <code>npx edgeflow token create --scopes read</code> makes another. The token is exchanged for a
          session cookie that scripts cannot read, and is not stored by this page. Its scope decides what you
          can do here.
        </p>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
