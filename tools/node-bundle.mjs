/**
 * How Node code is bundled, shared by the daemon's build (tools/build.mjs) and the benchmark's
 * (tools/bench.mjs), so the benchmark measures the code the daemon runs: esbuild without
 * `keepNames` (tsx's loader sets it, and wraps every named closure in a call that defines its
 * `name`, which the bundle never does).
 *
 * npm packages stay external (loaded from node_modules), except those in BUNDLED_PACKAGES.
 */

/**
 * Pure-JavaScript packages compiled into the bundle. JSTS is some 200 ES modules: loaded one by
 * one from node_modules they hold ~17 MB resident (a module record, source and scope each), the
 * parts edgeflow uses bundled into one script ~3 MB, for the life of every daemon (the DuckDB
 * spatial functions import it when a connection opens). Its dependency goes with it (it need not be
 * where node_modules/ resolution from dist/ would find it). Not zod: the MCP SDK, loaded from
 * node_modules, reads edgeflow's zod schemas, and two copies of zod would not know each other's.
 */
const BUNDLED_PACKAGES = new Set(['jsts', /* JSTS's one dependency */ 'fastpriorityqueue']);

/** A bare import's package name: `jsts` of `jsts/org/…`, `@scope/name` of `@scope/name/…`. */
const packageName = (spec) => spec.split('/', spec.startsWith('@') ? 2 : 1).join('/');

const externalPackages = {
  name: 'external-packages',
  setup(build) {
    // Bare specifiers (packages and node: builtins); relative and absolute paths are bundled.
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

export const NODE_BUNDLE = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackages],
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
};
