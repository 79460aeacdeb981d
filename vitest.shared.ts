import { defineConfig } from 'vitest/config';

/**
 * Per-package vitest settings. `*.test.ts` run against PGlite (`pnpm test`); `*.pg.test.ts` need real PostgreSQL
 * servers and run from the root `pnpm test:pg`.
 */
export const packageTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.pg.test.ts', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
