import { defineConfig } from 'vitest/config';

// Faults on real PostgreSQL clusters (`pnpm test:chaos`): one file at a time, each in its own process with at most
// one cluster; every scenario writes its figures to RELIABILITY.md.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
