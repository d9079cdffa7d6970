/**
 * Every message the MCP server sends — tool results, errors, resources, prompts, progress, log
 * notifications — goes through the daemon's redactor first, on stdio and on Streamable HTTP alike.
 * One place on the way out, so no tool has to remember it.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export function redactingTransport<T extends Transport>(transport: T, redact: <V>(v: V) => V): T {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => send(redact(message), options);
  return transport;
}
