import { resolve } from 'node:path';
import type { DbHandle } from '@multidb/config';
import type { DatabaseName, MigrationDatabase } from '../database-name.js';
import type { AnySchema } from '../define-split-schema.js';
import type { SplitClients } from '../split-clients.js';
import type { MigrationsConfig } from '../split-declaration.js';

/** Per-database overrides of the layout's migrations settings (e.g. a temporary copy of a folder). */
export type MigrationsOverrides = Partial<Record<DatabaseName, Partial<MigrationsConfig>>>;

/** One database to migrate or inspect: its handle, settings, and the schemas that must not be in it. */
export interface MigrationTarget {
  readonly database: MigrationDatabase;
  /** Whose migrations folder and table: the database's own, or for the backup the PRIMARY side's it mirrors. */
  readonly migrationsOf: DatabaseName;
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
    migrationsOf: database,
    handle: clients.handle(database),
    migrations: { ...migrations, folder: resolve(migrations.folder) },
    foreignSchemas: clients.splitMode ? other.schemas : [],
  };
}

/**
 * The backup's targets for the given PRIMARY-database targets: the same migrations folders and tables (and the
 * same schemas that must not be there), on the backup's handle.
 */
export function backupTargets(
  primaryTargets: readonly MigrationTarget[],
  backup: DbHandle<AnySchema>,
): MigrationTarget[] {
  return primaryTargets.map((t) => ({ ...t, database: 'backup', handle: backup }));
}

/** The sides whose tables live in the PRIMARY database (and so on its backup): `primary`, and `data` when not split. */
export function inPrimaryDatabase(clients: SplitClients, target: MigrationTarget): boolean {
  return target.database === 'primary' || !clients.splitMode;
}
