import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.edgeflow/**'],
    setupFiles: ['./test/preload/no-network.mjs'],
    env: {
      // Cloud SDKs probe metadata hosts at load time unless told not to.
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      METADATA_SERVER_DETECTION: 'none',
      // As bin/edgeflow.js sets it for the daemon: DuckDB statements run on libuv's thread pool.
      UV_THREADPOOL_SIZE: '64',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
