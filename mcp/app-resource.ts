/**
 * The MCP Apps extension (SEP-1865, @modelcontextprotocol/ext-apps): compile_workflow and get_run
 * name a UI resource, an HTML app a client that supports the extension renders beside the result —
 * the workflow's DAG, or the run's steps followed until it ends (ui/mcp-app/, built into
 * dist/mcp-app/ by `npm run build`). The tools' text and structured output are unchanged, so a
 * client without the extension sees what it saw before; it only finds one more resource listed.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  RESOURCE_MIME_TYPE,
  RESOURCE_URI_META_KEY,
  registerAppResource,
} from '@modelcontextprotocol/ext-apps/server';

export const WORKFLOW_DAG_APP_URI = 'ui://edgeflow/workflow-dag.html';

/** A tool's `_meta` naming the app (with the key older hosts read). */
export const WORKFLOW_DAG_APP_META = {
  ui: { resourceUri: WORKFLOW_DAG_APP_URI },
  [RESOURCE_URI_META_KEY]: WORKFLOW_DAG_APP_URI,
};

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><body><p>edgeflow's workflow view is not built on this server: run <code>npm run build</code> where edgeflow is installed. The tool's result is in the conversation as text.</p></body></html>`;

/** dist/mcp-app/workflow-dag.html of the edgeflow package, found from this module (sources or bundle). */
function appFile(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'edgeflow')
      return path.join(dir, 'dist', 'mcp-app', 'workflow-dag.html');
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function registerAppResources(server: McpServer): void {
  registerAppResource(
    server,
    'workflow-dag',
    WORKFLOW_DAG_APP_URI,
    {
      title: 'Workflow DAG view',
      description:
        "An MCP app drawing a workflow's DAG (compile_workflow) or a run's steps and progress (get_run). Needs no network.",
    },
    (uri) => {
      const file = appFile();
      const text = file && existsSync(file) ? readFileSync(file, 'utf8') : NOT_BUILT;
      // The app loads nothing from anywhere: no domains to allow, the host's default policy holds.
      return {
        contents: [
          { uri: uri.href, mimeType: RESOURCE_MIME_TYPE, text, _meta: { ui: { prefersBorder: true } } },
        ],
      };
    },
  );
}
