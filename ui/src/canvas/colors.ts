/** A colour per component category, so a DAG reads at a glance: where data comes in, goes out. */
const CATEGORY_COLORS: Record<string, string> = {
  source: '#15803d',
  transform: '#2563eb',
  combine: '#7c3aed',
  output: '#c2410c',
  spatial: '#0f766e',
};

export function categoryColor(category: string | undefined): string {
  return (category && CATEGORY_COLORS[category]) || '#64748b';
}

/** The category of a component id, when the catalog is not loaded (or the type is unknown). */
export function guessCategory(type: string): string {
  if (type.startsWith('source.')) return 'source';
  if (type.startsWith('output.')) return 'output';
  if (type.startsWith('spatial.') || type.startsWith('h3.')) return 'spatial';
  if (type === 'join' || type === 'union') return 'combine';
  return 'transform';
}
