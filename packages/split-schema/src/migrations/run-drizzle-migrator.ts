import type { DbHandle } from '@multidb/config';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { AnySchema } from '../define-split-schema.js';
import { assertInstalledLayout } from '../drizzle-line.js';
import type { MigrationsConfig } from '../split-declaration.js';

/**
 * drizzle-orm's own migrator for the handle's driver, so what is run and recorded is exactly what
 * `drizzle-kit migrate` would do (all pending migrations in one transaction). The migrator modules have the same
 * paths and signature on drizzle-orm 0.45 and 1.0. A folder in the other line's layout is refused with
 * `MultiDbError('DrizzleIncompatible')` before anything runs.
 */
export async function runDrizzleMigrator(
  handle: DbHandle<AnySchema>,
  config: MigrationsConfig,
): Promise<void> {
  // drizzle 1.0 refuses a journal folder itself; 0.45 would report a missing journal: both as one typed error.
  assertInstalledLayout(config.folder);
  const migrationConfig = {
    migrationsFolder: config.folder,
    migrationsTable: config.table,
    migrationsSchema: config.schema,
  };
  // The database types differ per line (1.0's are typed by relations); the call is the same on both.
  switch (handle.kind) {
    case 'pglite':
      await migratePglite(handle.db as unknown as PgliteDatabase<never>, migrationConfig);
      return;
    case 'pg':
      await migrateNodePostgres(handle.db as unknown as NodePgDatabase<never>, migrationConfig);
      return;
    case 'postgres':
      await migratePostgres(handle.db as unknown as PostgresJsDatabase<never>, migrationConfig);
      return;
  }
}
