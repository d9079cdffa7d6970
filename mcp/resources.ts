/**
 * Resources (DESIGN.md §1.7): the component catalog, the expression language (markdown, and as
 * JSON), saved workflows and runs.
 */
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

  // The language every expression field is written in (the component docs point here): an agent
  // reads the markdown; a program may prefer the same document as JSON.
  server.registerResource(
    'expressions',
    'edgeflow://expressions',
    {
      title: 'Expression language',
      description:
        'The portable expression language of filters, computed columns, measures, window columns and join conditions: ' +
        'where expressions go, syntax and operators, types, every function with its signature, meaning, example and ' +
        'the dialects that cannot express it, date units and parts, regular expressions.',
      mimeType: 'text/markdown',
    },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: svc.expressionsMarkdown() }] }),
  );

  server.registerResource(
    'expressions-json',
    'edgeflow://expressions.json',
    {
      title: 'Expression language (JSON)',
      description: 'The expression language reference (edgeflow://expressions) as one JSON document.',
      mimeType: 'application/json',
    },
    (uri) => json(uri, svc.expressions()),
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
