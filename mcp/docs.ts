/**
 * The built-in tools as documentation (the README's MCP tool list is generated from this by
 * `npm run docs`): registered into a recorder instead of a server, so the text is the very text a
 * model sees.
 */
import type { McpService } from './service-face.js';
import type { ToolRegistry, ToolSpec } from './tool-registry.js';
import { registerBuiltinTools } from './tools.js';
import type { McpScope } from './scope.js';

export interface ToolDoc {
  name: string;
  title: string;
  scope: McpScope;
  description: string;
  readOnly: boolean;
  destructive: boolean;
}

export function builtinToolDocs(): ToolDoc[] {
  const out: ToolDoc[] = [];
  const recorder = {
    add(name: string, spec: ToolSpec<never>) {
      out.push({
        name,
        title: spec.title,
        scope: spec.scope,
        description: spec.description,
        readOnly: spec.annotations.readOnlyHint === true,
        destructive: spec.annotations.destructiveHint === true,
      });
      return undefined;
    },
  };
  // Registering only reads the definitions: the service is never called.
  registerBuiltinTools(recorder as unknown as ToolRegistry, {
    service: {} as McpService,
    origin: 'mcp',
    scope: 'admin',
  });
  return out;
}

/** The README's tool table: name, scope, what it is for (its first sentence), and its example. */
export function toolsMarkdown(): string {
  const rows = builtinToolDocs().map((t) => {
    const first = t.description.split(/(?<=\.)\s/)[0]!.replace(/\|/g, '\\|');
    const example = /Example:\s*(.*)$/s.exec(t.description)?.[1]?.trim().replace(/\|/g, '\\|');
    return `| \`${t.name}\` | ${t.scope} | ${first} | ${example ? `\`${example.replace(/`/g, "'")}\`` : ''} |`;
  });
  return ['| tool | scope | what it is for | example arguments |', '|---|---|---|---|', ...rows].join('\n');
}
