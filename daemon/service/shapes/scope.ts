/**
 * Token scopes, declared once in daemon/auth/scopes.ts: re-exported here for the faces (mcp/
 * imports the service layer only), with their zod declaration.
 */
import { z } from 'zod';
import { SCOPES } from '../../auth/scopes.js';

export { SCOPES, scopeAllows, type Scope } from '../../auth/scopes.js';

export const ScopeName = z
  .enum(SCOPES)
  .describe('read < run < write < admin: each allows what the lower ones do');
