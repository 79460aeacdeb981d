import { defineConfig } from 'drizzle-kit';
import { kitDatabase, kitOut } from './kit-database.js';

// PRIMARY database: `config` + `customer`. Paths are relative to the repository root (run drizzle-kit there).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./packages/example-app/src/schema/config.ts', './packages/example-app/src/schema/customer.ts'],
  schemaFilter: ['config', 'customer'],
  // drizzle-kit 0.31: ./drizzle/primary; drizzle-kit 1.0: ./drizzle/1.0/primary (its folder layout differs).
  out: kitOut('primary'),
  // Distinct per database so both sets can share one database when SPLIT_DB_MODE=false.
  migrations: { schema: 'drizzle', table: '__migrations_primary' },
  strict: true,
  ...kitDatabase('primary'),
});
