/**
 * The context the model starts with, built to fit: a component catalog summary generated from the
 * component definitions, and for the connection only the tables and columns most relevant to the
 * request (ranked by name and comment match); the full list stays reachable through `list_tables`.
 */
import type { ComponentDoc, TableDescription, TableEntry } from '../service/index.js';
import type { AssistantService } from './index.js';

/** Warehouse text (names, comments, sample values) as inert data: JSON, with no `<` to close a tag. */
export function asData(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
}

/** A block of warehouse data, fenced so the model reads it as data, never as instructions. */
export function dataBlock(source: string, value: unknown): string {
  return `<data source=${JSON.stringify(source.replace(/[<>]/g, ''))}>\n${asData(value)}\n</data>`;
}

interface SchemaLike {
  properties?: Record<string, unknown>;
  required?: string[];
}

/** One line per component, from its definition: id, ports, config keys (required ones unmarked). */
export function componentCatalog(docs: readonly ComponentDoc[]): string {
  return docs
    .map((d) => {
      const ins = d.inputs.map((p) => (p.many ? `${p.name}[]` : p.name)).join(', ');
      const outs = d.outputs.map((p) => p.name).join(', ');
      const s = d.configSchema as SchemaLike;
      const req = new Set(s.required ?? []);
      const keys = Object.keys(s.properties ?? {}).map((k) => (req.has(k) ? k : `${k}?`));
      const ports = `${ins || '—'} → ${outs || '—'}`;
      return `- \`${d.id}\` (${ports}) ${d.summary}${keys.length ? ` config: ${keys.join(', ')}` : ''}`;
    })
    .join('\n');
}

/** Lower-case words of a text, with a naive singular (orders → order). */
export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (w.length < 3) continue;
    out.add(w);
    if (w.endsWith('ies')) out.add(`${w.slice(0, -3)}y`);
    else if (w.endsWith('s')) out.add(w.slice(0, -1));
  }
  return out;
}

function overlap(a: Set<string>, text: string): number {
  let n = 0;
  for (const t of tokens(text)) if (a.has(t)) n++;
  return n;
}

export function rankTables(
  request: string,
  tables: ReadonlyArray<{ name: string; comment?: string; columns?: readonly string[] }>,
): Array<{ name: string; score: number }> {
  const want = tokens(request);
  return tables
    .map((t, i) => ({
      name: t.name,
      i,
      score:
        overlap(want, t.name) * 3 +
        overlap(want, t.comment ?? '') +
        (t.columns ?? []).reduce((n, c) => n + (overlap(want, c) > 0 ? 1 : 0), 0),
    }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map(({ name, score }) => ({ name, score }));
}

export interface TableContextOptions {
  /** Tables described in the prompt (default 8). */
  maxTables?: number;
  /** Columns shown per table (default 40): those named in the request first. */
  maxColumns?: number;
}

function tableLine(info: TableDescription, request: string, maxColumns: number): string {
  const want = tokens(request);
  const cols = info.columns.map((c, i) => ({ c, i, hit: overlap(want, `${c.name} ${c.comment ?? ''}`) }));
  const shown =
    cols.length <= maxColumns
      ? cols
      : [...cols]
          .sort((a, b) => b.hit - a.hit || a.i - b.i)
          .slice(0, maxColumns)
          .sort((a, b) => a.i - b.i);
  const entry: Record<string, unknown> = {
    table: info.parts.join('.'),
    columns: shown.map(({ c }) => (c.comment ? [c.name, c.type, c.comment] : [c.name, c.type])),
  };
  if (info.comment) entry.comment = info.comment;
  if (shown.length < cols.length) entry.more_columns = cols.length - shown.length;
  return asData(entry);
}

/** The tables section of the system prompt. */
export async function tablesContext(
  service: AssistantService,
  connection: string,
  request: string,
  opts: TableContextOptions = {},
): Promise<string> {
  const maxTables = opts.maxTables ?? 8;
  const maxColumns = opts.maxColumns ?? 40;
  let listing: TableEntry[];
  try {
    listing = (await service.listTables(connection)).tables;
  } catch (e) {
    return `The tables of \`${connection}\` could not be listed (${(e as Error).message.split('\n')[0]}); try \`list_tables\`.`;
  }
  if (listing.length === 0) return `The connection \`${connection}\` has no tables.`;
  const names = listing.map((t) => t.parts.join('.'));
  // By name first; then the best candidates are described and ranked again by columns and comment.
  const candidates =
    names.length <= maxTables
      ? names
      : rankTables(
          request,
          names.map((name) => ({ name })),
        )
          .slice(0, maxTables * 2)
          .map((r) => r.name);
  const infos = new Map<string, TableDescription>();
  for (const name of candidates) {
    try {
      infos.set(name, await service.describeTable(connection, name));
    } catch {
      // A table that cannot be described is left to the tools.
    }
  }
  const ranked = rankTables(
    request,
    candidates.map((name) => {
      const info = infos.get(name);
      return {
        name,
        ...(info?.comment ? { comment: info.comment } : {}),
        columns: info?.columns.map((c) => `${c.name} ${c.comment ?? ''}`) ?? [],
      };
    }),
  ).slice(0, maxTables);
  const lines = ranked.flatMap((r) => {
    const info = infos.get(r.name);
    return info ? [tableLine(info, request, maxColumns)] : [];
  });
  const more = names.length - lines.length;
  const head =
    more > 0
      ? `The ${lines.length} tables of \`${connection}\` most relevant to the request (of ${names.length}; \`list_tables\` lists them all, \`describe_table\` gives columns and sample values):`
      : `The tables of \`${connection}\` (\`describe_table\` adds sample values):`;
  return `${head}\n\n<data source="tables">\n${lines.join('\n')}\n</data>`;
}
