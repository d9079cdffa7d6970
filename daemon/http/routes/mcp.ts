/**
 * `/mcp`: MCP over Streamable HTTP (DESIGN.md §1.7). The HTTP layer only authenticates and checks
 * Host and Origin (like every route); the MCP protocol is the injected face's (mcp/http.ts, wired
 * by the composition root: daemon/http does not import mcp/). The route's scope is `read`, the
 * least any MCP session needs: the token's highest scope becomes the session's, and a session
 * lists and calls only the tools that scope allows.
 */
import { z } from 'zod';
import { highestScope, type Scope } from '../../auth/scopes.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import type { Context } from 'hono';
import { errors } from './common.js';

/** What the HTTP layer needs of the MCP transport (mcp/http.ts implements it). */
export interface McpHttpFace {
  handle(req: Request, principal: { tokenId: string; scope: Scope }): Promise<Response>;
}

const SESSION_HEADER = {
  name: 'Mcp-Session-Id',
  description:
    'The session, as the answer to `initialize` named it; a session belongs to the token that created it',
  schema: z.string(),
};

const DESCRIPTION =
  "MCP Streamable HTTP (protocol revisions of the MCP TypeScript SDK 1.x). The token's highest scope is the session's: a read token lists and calls only read tools. An `Origin` header other than this daemon's own address is refused (403), against DNS rebinding. Bodies and answers are JSON-RPC (answers as JSON or an SSE stream); see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports.";

export function mcpRoutes(face: McpHttpFace | undefined): AnyRoute[] {
  const handler = (c: Context<ApiEnv>) => {
    if (!face) throw new ApiError('SERVICE_UNAVAILABLE', 'MCP is not available in this process');
    const token = c.get('token');
    const scope = highestScope(token.scopes);
    if (!scope)
      throw new ApiError(
        'FORBIDDEN',
        'this token has no scope; create one with `edgeflow token create --scopes read`',
      );
    return face.handle(c.req.raw, { tokenId: token.id, scope });
  };
  const common = { path: '/mcp', scope: 'read' as const, tag: 'mcp', description: DESCRIPTION, handler };
  return [
    route({
      ...common,
      method: 'post',
      operationId: 'mcpPost',
      summary: 'Send JSON-RPC messages to the MCP server (`initialize` starts a session)',
      headers: [SESSION_HEADER],
      responses: {
        200: { description: 'a JSON-RPC answer, as JSON or an SSE stream (text/event-stream)' },
        202: { description: 'notifications and responses accepted' },
        ...errors(400, 401, 403, 404),
      },
    }),
    route({
      ...common,
      method: 'get',
      operationId: 'mcpStream',
      summary: "The session's SSE stream of server messages (tools/list_changed, …)",
      headers: [SESSION_HEADER],
      responses: {
        200: { description: 'an SSE stream', contentType: 'text/event-stream' },
        ...errors(400, 401, 403, 404),
      },
    }),
    route({
      ...common,
      method: 'delete',
      operationId: 'mcpEnd',
      summary: 'Ends an MCP session',
      headers: [SESSION_HEADER],
      responses: { 200: { description: 'the session ended' }, ...errors(400, 401, 403, 404) },
    }),
  ];
}
