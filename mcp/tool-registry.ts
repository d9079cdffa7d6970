/**
 * Registers tools by scope: a session sees (tools/list) and may call only the tools its scope
 * allows. A call to a tool its scope does not allow is answered with a FORBIDDEN tool error that
 * says which scope it needs — not the SDK's "tool not found", which would send an agent looking
 * for a typo.
 */
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { errorResult, toErrorResult } from './result.js';
import { scopeAllows, type McpScope } from './scope.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolSpec<I extends z.ZodRawShape> {
  title: string;
  description: string;
  /** The lowest scope that may call it. */
  scope: McpScope;
  input: z.ZodObject<I>;
  output?: z.ZodObject<z.ZodRawShape>;
  annotations: ToolAnnotations;
  /** The tool's `_meta` (an MCP app it offers: ./app-resource.ts). */
  meta?: Record<string, unknown>;
}

export class ToolRegistry {
  /** Tools this session may not call, with the scope each needs. */
  private readonly forbidden = new Map<string, McpScope>();

  constructor(
    readonly server: McpServer,
    readonly scope: McpScope,
  ) {
    this.interceptForbiddenCalls();
  }

  /** Registers the tool if the session's scope allows it (returns it), else remembers it as forbidden. */
  add<I extends z.ZodRawShape>(
    name: string,
    spec: ToolSpec<I>,
    handler: (args: z.infer<z.ZodObject<I>>, extra: ToolExtra) => Promise<CallToolResult>,
  ): RegisteredTool | undefined {
    if (!scopeAllows(this.scope, spec.scope)) {
      this.forbidden.set(name, spec.scope);
      return undefined;
    }
    this.forbidden.delete(name);
    return this.server.registerTool(
      name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        ...(spec.output ? { outputSchema: spec.output } : {}),
        annotations: { title: spec.title, ...spec.annotations },
        ...(spec.meta ? { _meta: spec.meta } : {}),
      },
      (async (args: z.infer<z.ZodObject<I>>, extra: ToolExtra) => {
        try {
          return await handler(args, extra);
        } catch (e) {
          return toErrorResult(e);
        }
      }) as never,
    );
  }

  /** Forgets a tool that was forbidden (a workflow tool that is no longer published). */
  unforbid(name: string): void {
    this.forbidden.delete(name);
  }

  isForbidden(name: string): boolean {
    return this.forbidden.has(name);
  }

  /**
   * The SDK answers a call to an unregistered tool with "Tool X not found", so forbidden tools are
   * caught before its handler. It offers no hook for that, hence its handler map: checked here so an
   * SDK that renames it fails loudly at server creation (and in the tests), not silently.
   */
  private interceptForbiddenCalls(): void {
    const handlers = (this.server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
    if (!(handlers instanceof Map))
      throw new Error('the MCP SDK changed: Protocol._requestHandlers is gone; update mcp/tool-registry.ts');
    const original = handlers.get('tools/call') as
      ((request: { params?: { name?: unknown } }, extra: unknown) => Promise<unknown>) | undefined;
    if (!original)
      throw new Error(
        'the MCP SDK changed: no tools/call handler after registration; update mcp/tool-registry.ts',
      );
    handlers.set('tools/call', (request: { params?: { name?: unknown } }, extra: unknown) => {
      const name = request.params?.name;
      const needed = typeof name === 'string' ? this.forbidden.get(name) : undefined;
      if (needed)
        return Promise.resolve(
          errorResult({
            code: 'FORBIDDEN',
            message: `tool "${name}" needs a token with the "${needed}" scope; this session has "${this.scope}"`,
            details: {
              tool: name,
              requiredScope: needed,
              sessionScope: this.scope,
              hint: 'ask the user for a token with that scope; tools/list shows what this session may call',
            },
          }),
        );
      return original(request, extra);
    });
  }
}
