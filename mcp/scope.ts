/** Token scopes, as the HTTP API has them: each implies the ones below it. */
export const MCP_SCOPES = ['read', 'run', 'write', 'admin'] as const;
export type McpScope = (typeof MCP_SCOPES)[number];

export function scopeAllows(session: McpScope, needed: McpScope): boolean {
  return MCP_SCOPES.indexOf(session) >= MCP_SCOPES.indexOf(needed);
}
