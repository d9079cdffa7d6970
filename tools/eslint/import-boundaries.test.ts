import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'edgeflow/import-boundaries').map((m) => m.message);
}

describe('import-boundary lint rule (DESIGN.md import rules)', () => {
  it('keeps compiler/ free of our other layers', async () => {
    expect(
      await violations(
        'compiler/x.ts',
        "import { openDuckDb } from '../connectors/duckdb/index.js';\nexport const y = openDuckDb;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations('compiler/x.ts', "import { T } from './schema/types.js';\nexport const y = T;\n"),
    ).toHaveLength(0);
  });

  it('lets connectors/ import compiler types only', async () => {
    expect(
      await violations(
        'connectors/x.ts',
        "import type { Catalog } from '../compiler/catalog.js';\nexport type Y = Catalog;\n",
      ),
    ).toHaveLength(0);
    const bad = await violations(
      'connectors/x.ts',
      "import { createCatalog } from '../compiler/catalog.js';\nexport const y = createCatalog;\n",
    );
    expect(bad[0]).toMatch(/compiler types only/);
  });

  it('keeps mcp/ a face over daemon/service/ only', async () => {
    expect(
      await violations('mcp/x.ts', "import { s } from '../daemon/service/index.js';\nexport const y = s;\n"),
    ).toHaveLength(0);
    expect(
      await violations('mcp/x.ts', "import { s } from '../daemon/store/index.js';\nexport const y = s;\n"),
    ).toHaveLength(1);
  });

  it('lets only the composition root wire mcp/ and the HTTP layer', async () => {
    expect(
      await violations(
        'daemon/cli/main2.ts',
        "import { m } from '../../mcp/server.js';\nexport const y = m;\n",
      ),
    ).toHaveLength(0);
    expect(
      await violations(
        'daemon/service/x.ts',
        "import { m } from '../../mcp/server.js';\nexport const y = m;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations('daemon/service/x.ts', "import { h } from '../http/app.js';\nexport const y = h;\n"),
    ).toHaveLength(1);
  });

  it('finds no violation in the repository itself', async () => {
    const results = await eslint.lintFiles(['compiler', 'connectors', 'daemon']);
    const found = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'edgeflow/import-boundaries')
        .map((m) => `${r.filePath}: ${m.message}`),
    );
    expect(found).toEqual([]);
  });
});
