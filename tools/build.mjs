/**
 * `npm run build` (also run by `npm install` through `prepare`): bundles the CLI and daemon into
 * dist/ with esbuild, so `npm start` loads plain JavaScript instead of transpiling every TypeScript
 * module through tsx's loader on each start (cold start ~1.1 s → see the bench). npm packages stay
 * external; dynamic imports become their own chunks, so a driver still loads only when a
 * connection of its type opens. bin/edgeflow.js runs the sources through tsx instead whenever a
 * source file is newer than the bundle, so editing a file never runs stale code.
 *
 * It also bundles the web UI (ui/src → dist/ui: index.html and hashed, minified, precompressed
 * assets the daemon serves as they are) and the MCP app (ui/mcp-app → dist/mcp-app: one HTML
 * file, scripts inline, as MCP Apps hosts load it). `node tools/build.mjs ui` rebuilds only those,
 * replacing dist/ui and dist/mcp-app whole once they are written.
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { NODE_BUNDLE } from './node-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv[2];
if (only !== undefined && only !== 'ui') {
  console.error(`usage: node tools/build.mjs [ui]  (got "${only}")`);
  process.exit(2);
}

if (only === undefined) {
  rmSync(`${root}/dist`, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { edgeflow: 'daemon/cli/main.ts' },
    outdir: 'dist',
    ...NODE_BUNDLE,
  });
}

const browser = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16.4'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
};

/** Builds into a fresh directory beside the target, then swaps it in. */
function replaceDir(target, write) {
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return write(tmp).then(() => {
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
  });
}

function precompress(dir) {
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/\.(html|js|css|svg)$/.test(e.name)) continue;
    const file = path.join(e.parentPath ?? e.path, e.name);
    const data = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
  }
}

// The web UI: index.html names the hashed bundles, so a new build is a new name (cached forever)
// and only index.html is revalidated.
await replaceDir(`${root}/dist/ui`, async (out) => {
  const result = await build({
    ...browser,
    entryPoints: { app: 'ui/src/main.tsx' },
    outdir: path.join(out, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    splitting: true,
    metafile: true,
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([, o]) => o.entryPoint);
  const js = outputs.find(([f]) => f.endsWith('.js'));
  if (!js) throw new Error('the UI build wrote no entry script');
  const css = js[1].cssBundle;
  const href = (f) => `/assets/${path.basename(f)}`;
  const html = readFileSync(`${root}/ui/index.html`, 'utf8').replace(
    '<!-- assets -->',
    [
      css ? `<link rel="stylesheet" href="${href(css)}">` : '',
      `<script type="module" src="${href(js[0])}"></script>`,
    ].join('\n    '),
  );
  writeFileSync(path.join(out, 'index.html'), html);
  precompress(out);
});

// The MCP app: one self-contained HTML file (hosts render it in a sandboxed frame of their own).
await replaceDir(`${root}/dist/mcp-app`, async (out) => {
  const result = await build({
    ...browser,
    entryPoints: ['ui/mcp-app/main.ts'],
    write: false,
    outdir: out,
    // `</script` inside a string would end the inline script early: esbuild escapes it.
    supported: { 'inline-script': false },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = readFileSync(`${root}/ui/mcp-app/style.css`, 'utf8');
  const html = readFileSync(`${root}/ui/mcp-app/index.html`, 'utf8')
    .replace('/* style */', () => css)
    .replace('/* script */', () => js);
  writeFileSync(path.join(out, 'workflow-dag.html'), html);
});
