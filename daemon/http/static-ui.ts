/**
 * The web UI's static files (ui/, bundled by tools/build.mjs into dist/ui/): index.html at `/` and
 * the hashed bundles under /assets/. Files are read from disk per request (precompressed .br/.gz
 * beside each, picked by Accept-Encoding), so the daemon never loads or keeps the UI's code: a
 * daemon nobody opens in a browser costs nothing more.
 *
 * Headers: a strict Content-Security-Policy (scripts, styles and connections to this origin only:
 * no inline script, no CDN), nosniff, no framing, no referrer; `immutable` for hashed names,
 * `no-cache` for index.html (revalidated with its ETag) so a new build is picked up at once.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import type { ApiEnv } from './env.js';

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': UI_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** An asset name as the build writes it: name-HASH.ext (esbuild's hash is 8 base32 characters). */
const ASSET = /^[A-Za-z0-9_.-]+-[A-Z0-9]{8}\.(js|css|svg|png|woff2)$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>edgeflow: the web UI is not built</title></head>
<body><h1>The web UI is not built</h1>
<p>This daemon runs, and its HTTP API and MCP answer, but the web UI's files (<code>dist/ui/</code>) are missing.
Build them with <code>npm run build</code> (<code>npm install</code> does it), then reload this page.</p>
</body></html>
`;

/** Whether the UI is built in `dir` (the daemon logs a line at start when it is not). */
export function uiBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}

/** Mounts GET / and GET /assets/* (before authentication: these files hold no data). */
export function mountStaticUi(app: Hono<ApiEnv>, dir: string): void {
  app.on(['GET', 'HEAD'], '/', async function uiIndex(c) {
    c.set('route', '/');
    const file = path.join(dir, 'index.html');
    if (!existsSync(file))
      return c.html(NOT_BUILT, 503, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' });
    return sendFile(c, file, 'no-cache');
  });
  app.on(['GET', 'HEAD'], '/assets/:name', async function uiAsset(c) {
    c.set('route', '/assets/:name');
    const name = c.req.param('name');
    const file = path.join(dir, 'assets', name);
    if (!ASSET.test(name) || !existsSync(file))
      return c.text('no such file', 404, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' });
    return sendFile(c, file, 'public, max-age=31536000, immutable');
  });
  // Browsers ask for it whatever the page says; an answer keeps a 401 out of the console.
  app.on(['GET', 'HEAD'], '/favicon.ico', function favicon(c) {
    c.set('route', '/favicon.ico');
    return c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' });
  });
}

function sendFile(c: Context<ApiEnv>, file: string, cacheControl: string): Response {
  const accepts = (c.req.header('accept-encoding') ?? '').toLowerCase();
  const [chosen, encoding] =
    accepts.includes('br') && existsSync(`${file}.br`)
      ? [`${file}.br`, 'br']
      : accepts.includes('gzip') && existsSync(`${file}.gz`)
        ? [`${file}.gz`, 'gzip']
        : [file, undefined];
  const stat = statSync(chosen);
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': cacheControl,
    Vary: 'Accept-Encoding',
    ETag: etag,
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
  };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  headers['Content-Length'] = String(stat.size);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  const body = Readable.toWeb(createReadStream(chosen)) as unknown as ReadableStream<Uint8Array>;
  return c.body(body, 200, headers);
}
