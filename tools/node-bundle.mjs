/**
 * How Node code is bundled, shared by the daemon's build (tools/build.mjs) and the benchmark's
 * (tools/bench.mjs), so the benchmark measures the code the daemon runs: esbuild without
 * `keepNames` (tsx's loader sets it, and wraps every named closure in a call that defines its
 * `name`, which the bundle never does), npm packages left external.
 */
export const NODE_BUNDLE = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
};
