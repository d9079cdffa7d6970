/**
 * MCP over Streamable HTTP (the daemon's `/mcp`), stateful: each session is one McpServer and one
 * SDK transport, made at `initialize` and named by the `Mcp-Session-Id` the transport generates.
 * Stateful, not stateless, because what makes MCP worth more than the HTTP API needs a session:
 * `run_workflow`'s progress notifications and its cancellation (a `notifications/cancelled` comes
 * in another POST and must reach the request it cancels), and `tools/list_changed` when a
 * workflow published as a tool is saved (sent on the session's GET stream).
 *
 * The HTTP layer authenticates first (bearer token, Host and Origin checks) and hands each request
 * here with who sent it. A session belongs to the token that created it: the token's scope is the
 * session's scope for its whole life, and the same session id presented with another token is
 * answered as unknown (404), so a session id that leaks is no use without its token. A revoked
 * token is refused by the HTTP layer before it gets here.
 *
 * Sessions live in this process's memory: a daemon restart ends them (clients initialize again on
 * the 404, as the spec asks). Idle sessions are closed after `idleMs`; at most `maxSessions` are
 * open at once (the oldest idle one makes room, else 503), and at most `maxSessionsPerToken` per
 * token (a new one ends that token's least recently used session): one token cannot take every
 * slot and lock the others out.
 */
import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { isInitializeRequest, isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_GONE } from './run-follow.js';
import { createMcpServer, type McpScope } from './server.js';
import type { McpService } from './service-face.js';

/** Who sent a request: the token's id (a session is bound to it) and its highest scope. */
export interface McpPrincipal {
  tokenId: string;
  scope: McpScope;
}

export interface McpHttpHandler {
  /** Answers one request to /mcp (POST, GET for the session's SSE stream, DELETE to end it). */
  handle(req: Request, principal: McpPrincipal): Promise<Response>;
  /** Open sessions. */
  readonly sessionCount: number;
  /** Ends every session (closing their SSE streams, so the HTTP server can close). */
  close(): Promise<void>;
}

export interface McpHttpOptions {
  service: McpService;
  version?: string;
  /** A session without a request for this long is closed (default 30 min). */
  idleMs?: number;
  maxSessions?: number;
  /** Sessions one token may hold at once (default 16; `limits.mcpSessionsPerToken`). */
  maxSessionsPerToken?: number;
  /** Where a session's server reports trouble that is not an answer (a workflow tool it cannot publish). */
  log?: (message: string) => void;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  tokenId: string;
  lastSeen: number;
}

const DEFAULT_IDLE_MS = 30 * 60_000;
const DEFAULT_MAX_SESSIONS = 200;
const DEFAULT_MAX_SESSIONS_PER_TOKEN = 16;
/** A session used this recently is not taken from its client to make room. */
const IN_USE_MS = 60_000;

export function createMcpHttpHandler(opts: McpHttpOptions): McpHttpHandler {
  const sessions = new Map<string, Session>();
  const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
  const maxSessions = opts.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const sweep = setInterval(() => closeIdle(Date.now() - idleMs), Math.min(idleMs, 60_000));
  sweep.unref();

  function closeIdle(before: number): void {
    for (const [id, s] of sessions) if (s.lastSeen < before) void end(id);
  }

  async function end(id: string): Promise<void> {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    // Closing the server closes its transport (and the session's open streams).
    await s.server.close().catch(() => undefined);
  }

  const maxPerToken = opts.maxSessionsPerToken ?? DEFAULT_MAX_SESSIONS_PER_TOKEN;

  /**
   * Makes room for a new session of `tokenId`. A token at its share gives up its own least
   * recently used session — it can only crowd out itself; then, when every slot is taken, the
   * least recently used idle session of anyone goes. False when there is no room.
   */
  function admit(tokenId: string): boolean {
    const own = [...sessions].filter(([, s]) => s.tokenId === tokenId);
    if (own.length >= maxPerToken) {
      void end(leastRecent(own)![0]);
      return true;
    }
    if (sessions.size < maxSessions) return true;
    const oldest = leastRecent([...sessions]);
    // A session used within the last minute is not taken from its client.
    if (!oldest || oldest[1].lastSeen > Date.now() - IN_USE_MS) return false;
    void end(oldest[0]);
    return true;
  }

  async function open(req: Request, principal: McpPrincipal): Promise<Response> {
    if (req.method !== 'POST')
      return rpcError(
        400,
        -32000,
        'Bad Request: no Mcp-Session-Id header; start a session with a POST of `initialize`',
      );
    // Only an `initialize` starts a session: anything else is refused before a server is made
    // (or another session's slot given up for it).
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return rpcError(400, -32700, 'Parse error: the body is not JSON');
    }
    if (!(Array.isArray(body) ? body : [body]).some((m) => isInitializeRequest(m)))
      return rpcError(
        400,
        -32000,
        'Bad Request: no Mcp-Session-Id header; start a session with a POST of `initialize`',
      );
    if (!admit(principal.tokenId))
      return rpcError(503, -32000, `too many MCP sessions are open (${maxSessions}); try again later`);
    const server = createMcpServer({
      service: opts.service,
      scope: principal.scope,
      caller: principal.tokenId,
      origin: 'mcp',
      ...(opts.version ? { version: opts.version } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, tokenId: principal.tokenId, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const res = await transport.handleRequest(req, { parsedBody: body });
    // An `initialize` the transport refused (a bad batch, a wrong Accept): nothing to keep.
    if (!transport.sessionId || !sessions.has(transport.sessionId))
      await server.close().catch(() => undefined);
    return res;
  }

  return {
    get sessionCount() {
      return sessions.size;
    },
    async handle(req, principal) {
      const id = req.headers.get('mcp-session-id');
      if (!id) return open(req, principal);
      const s = sessions.get(id);
      // Another token's session is answered like an unknown one: its existence is not confirmed.
      if (!s || s.tokenId !== principal.tokenId)
        return rpcError(404, -32001, 'Session not found: start a new session with `initialize`');
      s.lastSeen = Date.now();
      if (req.method !== 'POST') return s.transport.handleRequest(req);
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        return rpcError(400, -32700, 'Parse error: the body is not JSON');
      }
      cancelOnDisconnect(req.signal, s.transport, body);
      return s.transport.handleRequest(req, { parsedBody: body });
    },
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => end(id)));
    },
  };
}

/**
 * A client that goes away stops what it asked for: a preview nobody waits for must not hold the
 * warehouse. The SDK cancels a request only on `notifications/cancelled`, so when the HTTP
 * request of a POST is aborted (the connection closed before its answer was written), that
 * notification is handed to the server for each request the POST carried — the protocol's own
 * cancellation, down to the warehouse statement. A request already answered is not affected.
 * The reason is CLIENT_GONE, so a run followed by `run_workflow` keeps running (it is durable;
 * only an explicit cancellation cancels it).
 */
function cancelOnDisconnect(
  signal: AbortSignal,
  transport: WebStandardStreamableHTTPServerTransport,
  body: unknown,
) {
  const ids = (Array.isArray(body) ? body : [body]).filter(isJSONRPCRequest).map((m) => m.id);
  if (ids.length === 0) return;
  signal.addEventListener(
    'abort',
    () => {
      for (const requestId of ids)
        transport.onmessage?.({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId, reason: CLIENT_GONE },
        });
    },
    { once: true },
  );
}

function leastRecent(list: Array<[string, Session]>): [string, Session] | undefined {
  let oldest: [string, Session] | undefined;
  for (const entry of list) if (!oldest || entry[1].lastSeen < oldest[1].lastSeen) oldest = entry;
  return oldest;
}

/** The transport's own error shape: a JSON-RPC error without an id. */
function rpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}
