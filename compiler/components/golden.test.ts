/**
 * Golden SQL per component × dialect: each component's documented example, compiled for every
 * dialect, is compared with a committed file. `UPDATE_GOLDEN=1 npx vitest run compiler/components`
 * rewrites them; review the diff like code.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  compilePlan,
  compilePreview,
  COMPONENTS,
  DIALECT_NAMES,
  formatDiagnostic,
} from '../index.js';
import { exampleWorkflow, EXAMPLE_CATALOG } from './examples.js';

const GOLDEN_DIR = path.join(import.meta.dirname, '__golden__');
const update = process.env['UPDATE_GOLDEN'] === '1';

function render(componentId: string, dialect: (typeof DIALECT_NAMES)[number]): string {
  const def = COMPONENTS.find((c) => c.id === componentId)!;
  const wf = exampleWorkflow(def);
  const analysis = analyzeWorkflow(wf, { dialect, catalog: EXAMPLE_CATALOG });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    return `-- does not compile on ${dialect}:\n${errors.map((d) => `-- ${formatDiagnostic(d).replace(/\n/g, '\n-- ')}`).join('\n')}\n`;
  if (def.category === 'output') {
    const { plan, diagnostics } = compilePlan(analysis, { runId: 'golden' });
    if (!plan) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
    return plan.steps
      .map((s) => `-- step ${s.id}: ${s.purpose}\n${s.statements.map((x) => `${x};`).join('\n')}\n`)
      .join('\n');
  }
  const nodes = def.outputs.map((p) => p.name);
  return nodes
    .map((port) => {
      const { query, diagnostics } = compilePreview(analysis, {
        node: 'example',
        port,
        paramMode: 'literal',
      });
      if (!query) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
      return `-- ${componentId} → ${port}\n${query.sql};\n`;
    })
    .join('\n');
}

describe('golden SQL per component and dialect', () => {
  for (const def of COMPONENTS) {
    for (const dialect of DIALECT_NAMES) {
      it(`${def.id} on ${dialect}`, () => {
        const file = path.join(GOLDEN_DIR, `${def.id}.${dialect}.sql`);
        const sql = render(def.id, dialect);
        if (update || !existsSync(file)) {
          if (!update)
            throw new Error(
              `missing golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run compiler/components`,
            );
          mkdirSync(GOLDEN_DIR, { recursive: true });
          writeFileSync(file, sql);
        }
        expect(sql).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});
