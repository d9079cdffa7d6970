// Enforces DESIGN.md's import rules between the top-level folders:
//   compiler/   imports nothing of ours
//   connectors/ imports compiler types only (`import type`)
//   daemon/     imports compiler and connectors (not mcp/)
//   mcp/        imports the daemon's service layer only (daemon/service/)
//   only the composition root (daemon/cli/) imports mcp/, evals/ and the HTTP layer (daemon/http/)
//   ui/         the web app: a face over the HTTP API; shared types only (`import type` from
//               compiler/ and daemon/service/shapes/), and nothing imports it
import path from 'node:path';

const LAYERS = ['compiler', 'connectors', 'daemon', 'mcp', 'prompts', 'evals', 'ui'];

function layerOf(root, file) {
  const rel = path.relative(root, file).split(path.sep);
  return LAYERS.includes(rel[0]) ? { layer: rel[0], rest: rel.slice(1).join('/') } : undefined;
}

function violation(from, to, isTypeOnly) {
  if (from.layer === to.layer) {
    if (
      from.layer === 'daemon' &&
      (to.rest.startsWith('http/') || to.rest.startsWith('cli/')) &&
      !from.rest.startsWith('cli/') &&
      !from.rest.startsWith(to.rest.split('/')[0] + '/')
    ) {
      return `only the composition root (daemon/cli/) may import daemon/${to.rest.split('/')[0]}/`;
    }
    return undefined;
  }
  if (to.layer === 'ui') return 'ui/ is the web app, bundled on its own: nothing imports it';
  switch (from.layer) {
    case 'ui':
      if (
        isTypeOnly &&
        (to.layer === 'compiler' || (to.layer === 'daemon' && to.rest.startsWith('service/shapes/')))
      )
        return undefined;
      // Its tests check it against the compiler's real output (the catalog, the DAG diagram).
      if (from.rest.endsWith('.test.ts') && to.layer === 'compiler') return undefined;
      return 'ui/ talks to the daemon over HTTP only: it may `import type` shared types from compiler/ and daemon/service/shapes/, nothing else';
    case 'compiler':
      return 'compiler/ is pure and imports nothing of ours';
    case 'connectors':
      if (to.layer === 'compiler' && isTypeOnly) return undefined;
      return to.layer === 'compiler'
        ? 'connectors/ may import compiler types only: use `import type`'
        : `connectors/ may not import ${to.layer}/`;
    case 'daemon':
      if (to.layer === 'compiler' || to.layer === 'connectors' || to.layer === 'prompts') return undefined;
      // The composition root wires mcp/ and runs evals/ (`edgeflow eval`).
      if ((to.layer === 'mcp' || to.layer === 'evals') && from.rest.startsWith('cli/')) return undefined;
      return `daemon/ may not import ${to.layer}/ (only daemon/cli/, the composition root, wires mcp/)`;
    case 'mcp':
      if (to.layer === 'daemon' && to.rest.startsWith('service/')) return undefined;
      if (to.layer === 'prompts') return undefined;
      if (to.layer === 'compiler' && isTypeOnly) return undefined;
      return 'mcp/ is a thin face over the service layer: import daemon/service/ only';
    case 'evals':
      if (
        to.layer === 'compiler' ||
        to.layer === 'daemon' ||
        to.layer === 'connectors' ||
        to.layer === 'prompts'
      )
        return undefined;
      return `evals/ may not import ${to.layer}/`;
    case 'prompts':
      return 'prompts/ holds templates and their loader; it imports nothing of ours';
    default:
      return undefined;
  }
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: { type: 'problem', docs: { description: 'enforce the import rules of DESIGN.md' }, schema: [] },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = layerOf(root, file);
    if (!from) return {};
    const check = (node, source, isTypeOnly) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const to = layerOf(root, target);
      if (!to) return;
      const why = violation(from, to, isTypeOnly);
      if (why) context.report({ node, message: `${from.layer}/ → ${path.relative(root, target)}: ${why}` });
    };
    return {
      ImportDeclaration(node) {
        check(
          node,
          node.source.value,
          node.importKind === 'type' ||
            (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')),
        );
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
    };
  },
};

export default { rules: { 'import-boundaries': importBoundaries } };
