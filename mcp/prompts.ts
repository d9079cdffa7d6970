/** Prompts (DESIGN.md §1.7): their text is in prompts/mcp/*.md, filled here. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { renderPrompt } from '../prompts/index.js';
import type { McpService } from './service-face.js';

const user = (text: string) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
});

export function registerPrompts(server: McpServer, svc: McpService): void {
  server.registerPrompt(
    'build_workflow',
    {
      title: 'Build a workflow',
      description: 'Steps to turn a request into a validated edgeflow workflow with the edgeflow tools.',
      argsSchema: {
        request: z.string().describe('what the workflow should compute, in plain words'),
        connection: z.string().optional().describe('the connection to use (default local)'),
      },
    },
    (a) =>
      user(renderPrompt('mcp/build_workflow', { request: a.request, connection: a.connection ?? 'local' })),
  );

  server.registerPrompt(
    'explain_workflow',
    {
      title: 'Explain a workflow',
      description: 'Explains a saved workflow in plain language, with its document and DAG.',
      argsSchema: { name: z.string().describe('a saved workflow') },
    },
    (a) => {
      const v = svc.getWorkflow(a.name);
      return user(
        renderPrompt('mcp/explain_workflow', {
          name: v.name,
          document: JSON.stringify(v.document, null, 2),
          diagram: svc.diagram(v.document).diagram ?? '(the document does not parse)',
        }),
      );
    },
  );

  server.registerPrompt(
    'debug_run',
    {
      title: 'Debug a run',
      description: 'Finds why a run failed and how to fix it, starting from the run record.',
      argsSchema: { run_id: z.string().describe('the run id, e.g. from run_workflow or get_run') },
    },
    (a) => {
      const run = svc.getRun(a.run_id);
      return user(renderPrompt('mcp/debug_run', { run_id: run.id, run: JSON.stringify(run, null, 2) }));
    },
  );
}
