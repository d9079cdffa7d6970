/** The shell: the session (sign-in when there is none), the header, and the page of the route. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { api, onSignedOut } from './api.js';
import { RunPage } from './pages/run.js';
import { RunsPage } from './pages/runs.js';
import { SignIn } from './pages/sign-in.js';
import { WorkflowsPage } from './pages/workflows.js';
import { href, useRoute } from './router.js';
import type { UiSessionInfo } from './types.js';

// The canvas (React Flow, dagre, the forms) is its own chunk: the sign-in, the lists and the run
// pages load without it.
const EditorPage = lazy(() => import('./pages/editor.js').then((m) => ({ default: m.EditorPage })));

export function App() {
  const [session, setSession] = useState<UiSessionInfo | null | undefined>(undefined);
  const [reason, setReason] = useState<string | undefined>();
  const route = useRoute();

  useEffect(() => {
    api.session().then(
      (s) => setSession(s ?? null),
      () => setSession(null),
    );
    return onSignedOut(() => {
      setSession(null);
      setReason(
        'Your session has ended (it expired, was signed out, or its token was revoked). Sign in again.',
      );
    });
  }, []);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null)
    return (
      <SignIn
        reason={reason}
        onSignedIn={(s) => {
          setReason(undefined);
          setSession(s);
        }}
      />
    );

  const page = route.page;
  return (
    <div className="app">
      <header className="app-header">
        <a className="brand" href={href({ page: 'workflows' })}>
          <span className="logo" aria-hidden="true" /> edgeflow
        </a>
        <nav aria-label="main">
          <a
            href={href({ page: 'workflows' })}
            aria-current={page === 'workflows' || page === 'editor' || page === 'new' ? 'page' : undefined}
          >
            Workflows
          </a>
          <a
            href={href({ page: 'runs' })}
            aria-current={page === 'runs' || page === 'run' ? 'page' : undefined}
          >
            Runs
          </a>
        </nav>
        <span className="spacer" />
        <span className="who" data-testid="session">
          {session.tokenName} <span className={`badge scope-${session.scope}`}>{session.scope}</span>
        </span>
        <button
          type="button"
          onClick={() => {
            void api.signOut().finally(() => {
              setReason('Signed out.');
              setSession(null);
            });
          }}
        >
          Sign out
        </button>
      </header>
      {route.page === 'workflows' ? <WorkflowsPage scope={session.scope} /> : null}
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {route.page === 'editor' ? (
          <EditorPage
            name={route.name}
            {...(route.version ? { version: route.version } : {})}
            scope={session.scope}
          />
        ) : null}
        {route.page === 'new' ? <EditorPage scope={session.scope} /> : null}
      </Suspense>
      {route.page === 'runs' ? <RunsPage workflow={route.workflow} status={route.status} /> : null}
      {route.page === 'run' ? <RunPage id={route.id} scope={session.scope} /> : null}
    </div>
  );
}
