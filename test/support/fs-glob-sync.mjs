// `node:fs` with `globSync` (Node 22) added, for @modelcontextprotocol/conformance on Node 20.
// Loaded in place of `fs` for that package only (see ./conformance-node20.mjs). The suite calls
// globSync once, in `tier-check`, as `globSync('**/checks.json', { cwd })`; this covers `*`, `?`
// and `**/` in relative patterns, which is all it needs.
import fs from 'node:fs';
import path from 'node:path';

export * from 'node:fs';
export default fs;

function toRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      // `**/` is any number of directories (none too); a trailing `**` is anything.
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function globSync(pattern, options = {}) {
  const cwd = options.cwd ? String(options.cwd) : process.cwd();
  const patterns = (Array.isArray(pattern) ? pattern : [pattern]).map(toRegExp);
  let entries;
  try {
    entries = fs.readdirSync(cwd, { recursive: true });
  } catch {
    return [];
  }
  return entries
    .map((e) => String(e).split(path.sep).join('/'))
    .filter((rel) => patterns.some((re) => re.test(rel)))
    .map((rel) => rel.split('/').join(path.sep));
}
