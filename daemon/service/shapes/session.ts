/** The web UI's session (GET/POST /v1/session): who is signed in, with what scope, until when. */
import { z } from 'zod';
import { ScopeName } from './scope.js';

export const UiSessionInfo = z
  .object({
    tokenName: z.string().describe('the name the token was created with'),
    scopes: z.array(ScopeName),
    scope: ScopeName.describe('the highest of them: what the session may do'),
    via: z.enum(['cookie', 'bearer']).describe('how this request was authenticated'),
    expiresAt: z.string().nullable().describe('when the session ends (null: a bearer token, no session)'),
    csrf: z
      .string()
      .optional()
      .describe('send it as X-Edgeflow-Csrf on every state-changing request the cookie authenticates'),
  })
  .describe('the signed-in token (never the token itself)');
export type UiSessionInfo = z.infer<typeof UiSessionInfo>;
