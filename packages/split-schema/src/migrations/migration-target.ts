import { resolve } from 'node:path';
import type { DbHandle } from '@multidb/config';
import type { DatabaseName } from '../database-name.js';
import type { AnySchema } from '../define-split-schema.js';
import type { SplitClients } from '../split-clients.js';
import type { MigrationsConfig } from '../split-declaration.js';

/** Per-database overrides of the layout's migrations settings (e.g. a temporary copy of a folder). */
export type MigrationsOverrides = Partial<Record<DatabaseName, Partial<MigrationsConfig>>>;

/** One database to migrate or inspect: its handle, settings, and the schemas that must not be in it. */
export interface MigrationTarget {
  readonly database: DatabaseName;
  readonly handle: DbHandle<AnySchema>;
  readonly migrations: MigrationsConfig;
  /** The other database's schemas, when split (they must not be here); empty otherwise. */
  readonly foreignSchemas: readonly string[];
}

export function migrationTarget(
  clients: SplitClients,
  database: DatabaseName,
  overrides: MigrationsOverrides = {},
): MigrationTarget {
  const side = clients.layout[database];
  const other = clients.layout[database === 'primary' ? 'data' : 'primary'];
  const migrations = { ...side.migrations, ...overrides[database] };
  return {
    database,
    handle: clients.handle(database),
    migrations: { ...migrations, folder: resolve(migrations.folder) },
    foreignSchemas: clients.splitMode ? other.schemas : [],
  };
}
