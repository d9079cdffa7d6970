/** Resources (DESIGN.md §1.7): the component catalog, saved workflows and runs, as JSON. */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpService } from './service-face.js';

const json = (uri: URL, value: unknown) => ({
  contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
});

const one = (v: string | string[] | undefined): string =>
  decodeURIComponent(Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

export function registerResources(server: McpServer, svc: McpService): void {
  server.registerResource(
    'components',
    'edgeflow://components',
    {
      title: 'Component catalog',
      description: 'Every component a workflow node can be: ports, config schema, example, dialect support.',
      mimeType: 'application/json',
    },
    (uri) => json(uri, svc.components()),
  );

  server.registerResource(
    'workflow',
    new ResourceTemplate('edgeflow://workflows/{name}', {
      list: () => {
        let workflows: ReturnType<McpService['listWorkflows']> = [];
        try {
          workflows = svc.listWorkflows();
        } catch {
          // No run store in this process: no saved workflows to list.
        }
        return {
          resources: workflows.map((w) => ({
            uri: `edgeflow://workflows/${encodeURIComponent(w.name)}`,
            name: w.name,
            ...(w.description ? { description: w.description } : {}),
            mimeType: 'application/json',
          })),
        };
      },
    }),
    {
      title: 'Saved workflow',
      description: "A saved workflow's latest version: its document, version and hash.",
      mimeType: 'application/json',
    },
    (uri, vars) => json(uri, svc.getWorkflow(one(vars['name']))),
  );

  server.registerResource(
    'run',
    new ResourceTemplate('edgeflow://runs/{id}', { list: undefined }),
    {
      title: 'Run',
      description: 'A run with its status, error and steps.',
      mimeType: 'application/json',
    },
    (uri, vars) => json(uri, svc.getRun(one(vars['id']))),
  );
}
