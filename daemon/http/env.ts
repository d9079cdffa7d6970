import type { StoredToken } from '../auth/tokens.js';
import type { UiSession } from '../auth/ui-sessions.js';
import type { Logger } from '../observability/logger.js';

/** What middleware leave on the context for the handlers after them. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    /** The registered route pattern (`/v1/runs/:id`): the metrics label, never the raw path. */
    route: string;
    /** The authenticated token (absent on public routes). */
    token: StoredToken;
    /** The request's logger (carries the request id). */
    log: Logger;
    /** The web UI session that authenticated the request (absent for a bearer token). */
    session: { id: string; session: UiSession };
  };
}
