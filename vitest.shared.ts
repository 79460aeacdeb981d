import { defineConfig } from 'vitest/config';

/**
 * Per-package vitest settings. `*.test.ts` run against PGlite (`pnpm test`); `*.pg.test.ts` need real PostgreSQL
 * servers and run from the root `pnpm test:pg`.
 */
export const packageTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.pg.test.ts', '**/node_modules/**'],
    // Safety nets, not performance assertions: PGlite start-up is CPU-bound and CI machines have 2 cores.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // turbo runs two packages at a time (root `pnpm test`); two files per package keeps 2 cores busy, not swamped.
    maxWorkers: 2,
  },
});
