import { describeComponent, describeComponents } from '../../../compiler/docs.js';
import { COMPONENT_IDS, getComponent } from '../../../compiler/components/index.js';
import { didYouMean } from '../../../compiler/suggest.js';
import { toJson, UsageError, type Io } from '../io.js';

export function componentsCommand(id: string | undefined, opts: { json?: boolean }, io: Io): number {
  if (id) {
    const def = getComponent(id);
    if (!def)
      throw new UsageError(`unknown component "${id}"; ${didYouMean(id, COMPONENT_IDS, 'components')}`);
    const doc = describeComponent(def);
    if (opts.json) io.out(toJson(doc));
    else {
      io.out(`${doc.id} (${doc.category}) — ${doc.summary}\n\n${doc.description}\n`);
      io.out(
        `inputs:  ${doc.inputs.map((p) => `${p.name}${p.many ? '[]' : ''}: ${p.description}`).join('; ') || 'none'}`,
      );
      io.out(`outputs: ${doc.outputs.map((p) => `${p.name}: ${p.description}`).join('; ') || 'none'}`);
      io.out(`config schema:\n${JSON.stringify(doc.configSchema, null, 2)}`);
      io.out(`example (${doc.example.title}):\n${JSON.stringify(doc.example.node, null, 2)}`);
      io.out(
        `dialects: ${doc.dialects.map((d) => `${d.dialect} ${d.supported ? '✓' : '✗'}${d.note ? ` (${d.note})` : ''}`).join(', ')}`,
      );
    }
    return 0;
  }
  const docs = describeComponents();
  if (opts.json) io.out(toJson({ components: docs }));
  else {
    const width = Math.max(...docs.map((d) => d.id.length));
    let category = '';
    for (const d of docs) {
      if (d.category !== category) {
        category = d.category;
        io.out(`\n${category}`);
      }
      const unsupported = d.dialects.filter((x) => !x.supported).map((x) => x.dialect);
      io.out(
        `  ${d.id.padEnd(width)}  ${d.summary}${unsupported.length ? ` (not on ${unsupported.join(', ')})` : ''}`,
      );
    }
    io.out('\n`edgeflow components ID` describes one: its config, an example and per-dialect support.');
  }
  return 0;
}
