import { defineConfig } from 'vitest/config';

// Real PostgreSQL clusters: one test file at a time, each in its own process, with room for start-up.
export default defineConfig({
  test: {
    include: ['test/pg/**/*.test.ts', 'packages/*/test/**/*.pg.test.ts', 'test/**/*.pg.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 120_000,
  },
});
