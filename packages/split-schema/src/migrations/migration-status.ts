import { type DbHandle, describeError } from '@multidb/config';
import {
  type DatabaseName,
  type DatabaseTarget,
  databasesOf,
  type MigrationDatabase,
} from '../database-name.js';
import type { AnySchema } from '../define-split-schema.js';
import type { MigrationFolderLayout } from '../drizzle-line.js';
import type { SplitClients } from '../split-clients.js';
import { backupHistoryProblems } from './backup-history.js';
import { type MigrationFile, type MigrationFolderError, readMigrationFolder } from './migration-files.js';
import { migrationsTableName, readRecordedMigrations } from './migration-records.js';
import { compareMigrations, type MigrationRef, type MigrationState } from './migration-state.js';
import {
  backupTargets,
  inPrimaryDatabase,
  type MigrationsOverrides,
  type MigrationTarget,
  migrationTarget,
} from './migration-target.js';
import { describeProblem } from './preflight.js';

export interface DatabaseStatus extends Omit<MigrationState, 'pending'> {
  readonly database: MigrationDatabase;
  /** Whose migrations folder and table: the database's own, or for the backup the PRIMARY side's it mirrors. */
  readonly migrationsOf: DatabaseName;
  /** Credentials removed. */
  readonly url: string;
  readonly migrationsTable: string;
  readonly folder: string;
  readonly pending: readonly MigrationRef[];
  /** Set when the folder or the database could not be read; the lists are then empty. */
  readonly error?: string;
  /**
   * Set (with `error`) when the folder is in the other drizzle-kit line's layout than the installed drizzle-orm
   * migrates (a 0.31 journal folder under drizzle-orm 1.0, or the reverse); `migrate` then migrates nothing.
   */
  readonly layoutMismatch?: {
    readonly found: MigrationFolderLayout;
    readonly expected: MigrationFolderLayout;
  };
  /** The backup only: how its recorded migrations differ from the primary's (migrate would refuse). */
  readonly mismatch?: string;
}

export interface MigrationStatusReport {
  readonly splitMode: boolean;
  readonly databases: readonly DatabaseStatus[];
  /** No errors and nothing changed, vanished or out of order (pending migrations are fine). */
  readonly ok: boolean;
}

export interface MigrationStatusOptions {
  readonly target?: DatabaseTarget;
  readonly migrations?: MigrationsOverrides;
  /** The PRIMARY's backup, shown after the others with the PRIMARY's migrations (see `MigrateOptions.backup`). */
  readonly backup?: DbHandle<AnySchema>;
}

/** Internal: the full comparison of one database, with the migration files for the migrator. */
export interface InspectedDatabase {
  readonly target: MigrationTarget;
  readonly files: readonly MigrationFile[];
  readonly state: MigrationState | undefined;
  readonly error: string | undefined;
  readonly folderError?: MigrationFolderError;
}

const EMPTY: MigrationState = { applied: [], pending: [], changed: [], vanished: [], outOfOrder: [] };

export async function inspectDatabase(target: MigrationTarget): Promise<InspectedDatabase> {
  const files = readMigrationFolder(target.migrations.folder);
  if (files.isErr())
    return { target, files: [], state: undefined, error: files.error.message, folderError: files.error };
  try {
    const records = await readRecordedMigrations(target.handle.db, target.migrations);
    return { target, files: files.value, state: compareMigrations(files.value, records), error: undefined };
  } catch (error) {
    return { target, files: files.value, state: undefined, error: describeError(error) };
  }
}

export function toDatabaseStatus(inspected: InspectedDatabase): DatabaseStatus {
  const { target, state = EMPTY, error, folderError } = inspected;
  return {
    database: target.database,
    migrationsOf: target.migrationsOf,
    url: target.handle.safeUrl,
    migrationsTable: migrationsTableName(target.migrations),
    folder: target.migrations.folder,
    ...state,
    pending: state.pending.map((f) => ({ tag: f.tag, when: f.when })),
    ...(error === undefined ? {} : { error }),
    ...(folderError?.type === 'MigrationLayoutMismatch'
      ? { layoutMismatch: { found: folderError.found, expected: folderError.expected } }
      : {}),
  };
}

/** Applied / pending / changed / vanished migrations per database; reads only. */
export async function migrationStatus<P extends AnySchema, D extends AnySchema>(
  clients: SplitClients<P, D>,
  options: MigrationStatusOptions = {},
): Promise<MigrationStatusReport> {
  const any = clients as unknown as SplitClients;
  const targets = databasesOf(options.target ?? 'all').map((d) =>
    migrationTarget(any, d, options.migrations),
  );
  const databases: DatabaseStatus[] = [];
  for (const target of targets) databases.push(toDatabaseStatus(await inspectDatabase(target)));
  const mirrored = targets.filter((t) => inPrimaryDatabase(any, t));
  if (options.backup) {
    const backups = backupTargets(mirrored, options.backup);
    const mismatches = await backupHistoryProblems(mirrored, backups).catch(() => []);
    for (const target of backups) {
      const status = toDatabaseStatus(await inspectDatabase(target));
      const table = `${target.migrations.schema}.${target.migrations.table}`;
      const mismatch = mismatches.find((m) => m.migrationsTable === table);
      databases.push(mismatch ? { ...status, mismatch: describeProblem(mismatch, 'data') } : status);
    }
  }
  const ok = databases.every(
    (d) =>
      d.error === undefined &&
      d.mismatch === undefined &&
      d.changed.length + d.vanished.length + d.outOfOrder.filter((o) => !o.runs).length === 0,
  );
  return { splitMode: clients.splitMode, databases, ok };
}
