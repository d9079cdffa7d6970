/**
 * Token scopes, as the HTTP API has them (declared once in daemon/auth/scopes.ts, reached through
 * the service layer): each implies the ones below it. A session acts with its token's highest.
 */
export { SCOPES as MCP_SCOPES, scopeAllows, type Scope as McpScope } from '../daemon/service/shapes/index.js';
