import { defineConfig } from 'vitest/config';

// Cross-package integration suites on PGlite (`pnpm test`). Real-PostgreSQL suites (`pg/`, `*.pg.test.ts`) and the
// chaos suite run from the root with their own configs.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['pg/**', 'chaos/**', '**/*.pg.test.ts', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
