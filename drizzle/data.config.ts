import { defineConfig } from 'drizzle-kit';
import { kitDatabase, kitOut } from './kit-database.js';

// DATA database: `workspace` + `reference`. Paths are relative to the repository root (run drizzle-kit there).
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './packages/example-app/src/schema/workspace.ts',
    './packages/example-app/src/schema/reference.ts',
  ],
  schemaFilter: ['workspace', 'reference'],
  // drizzle-kit 0.31: ./drizzle/data; drizzle-kit 1.0: ./drizzle/1.0/data (its folder layout differs).
  out: kitOut('data'),
  // Distinct per database so both sets can share one database when SPLIT_DB_MODE=false.
  migrations: { schema: 'drizzle', table: '__migrations_data' },
  strict: true,
  ...kitDatabase('data'),
});
