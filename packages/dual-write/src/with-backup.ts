import {
  type AnyPgDatabase,
  assertPgDatabase,
  loadConfig,
  MultiDbError,
  type Topology,
} from '@multidb/config';
import { createDualWriter, type DualWriter, type DualWriterOptions } from './dual-writer.js';
import { settleWriterOptions } from './options/settle-options.js';

export type WithBackupOptions = (
  | (Omit<DualWriterOptions, 'primary' | 'backup'> & {
      readonly backup: AnyPgDatabase;
      readonly primary?: AnyPgDatabase;
      readonly writer?: undefined;
    })
  | {
      /** A writer shared by several wrapped databases (e.g. a router's write and transactional clients). */
      readonly writer: DualWriter;
      readonly backup?: undefined;
    }
) & {
  /** Kill switch. Precedence: this option > `topology.backup.enabled` > `BACKUP_DB_ENABLED` > on. */
  readonly enabled?: boolean;
  readonly topology?: Topology;
  /** Environment for `BACKUP_DB_ENABLED` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
};

const writers = new WeakMap<object, DualWriter>();

/**
 * Returns `db` itself when backups are disabled (zero overhead); otherwise a database of the same type whose every
 * insert/update/delete also reaches the backup, built from the primary's `returning` rows.
 */
export function withBackup<TDb extends AnyPgDatabase>(db: TDb, options: WithBackupOptions): TDb {
  if (options.writer === undefined) settleWriterOptions(options); // refused even when disabled
  // Refused even when disabled, too: a raw driver or another drizzle copy would otherwise fail once enabled.
  assertPgDatabase(db, 'withBackup(db)');
  if (!backupEnabled(options)) return db;
  const writer =
    options.writer ??
    createDualWriter({ ...options, primary: options.primary ?? db, backup: options.backup });
  const wrapped = writer.wrap(db);
  writers.set(wrapped, writer);
  return wrapped;
}

/** The writer behind a database returned by `withBackup` (flush, metrics, repair); `undefined` when disabled. */
export function dualWriterOf(db: AnyPgDatabase): DualWriter | undefined {
  return writers.get(db);
}

export function backupEnabled(options: Pick<WithBackupOptions, 'enabled' | 'topology' | 'env'>): boolean {
  if (options.enabled !== undefined) return options.enabled;
  if (options.topology?.backup !== undefined) return options.topology.backup.enabled;
  const env = options.env ?? process.env;
  // Only BACKUP_DB_ENABLED is read, through the shared config parser (same spellings, same errors).
  const parsed = loadConfig(
    { primaryUrl: 'pglite:memory', backupUrl: 'pglite:memory', replicas: [], splitMode: false },
    { BACKUP_DB_ENABLED: env.BACKUP_DB_ENABLED },
  );
  if (parsed.isErr()) throw new MultiDbError('InvalidConfig', parsed.error.message);
  return parsed.value.backup?.enabled ?? true;
}
