import { fileURLToPath } from 'node:url';
import { defineSplitSchema } from '@multidb/split-schema';
import { schema } from './schema/index.js';

const migrationsFolder = (database: string) =>
  fileURLToPath(new URL(`../../../drizzle/${database}`, import.meta.url));

/** Each database's drizzle-kit folder per release line: drizzle-kit 0.31's journal layout, 1.0's folder layout. */
const folders = (database: string) => ({
  '0.45': migrationsFolder(database),
  '1.0': migrationsFolder(`1.0/${database}`),
});

/**
 * The reference split: `config` + `customer` in PRIMARY, `workspace` + `reference` in DATA, each database with
 * its own drizzle-kit folder and migrations table (so both sets fit in one database when not split).
 */
export const splitLayout = defineSplitSchema({
  primary: {
    schemas: ['config', 'customer'],
    migrations: { folder: folders('primary'), table: '__migrations_primary', schema: 'drizzle' },
  },
  data: {
    schemas: ['workspace', 'reference'],
    migrations: { folder: folders('data'), table: '__migrations_data', schema: 'drizzle' },
  },
  tables: schema,
});

export type ExampleLayout = typeof splitLayout;
