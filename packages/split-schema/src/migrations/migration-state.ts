import { matchRecords, pendingRule } from '../drizzle-line.js';
import type { MigrationFile } from './migration-files.js';
import type { RecordedMigration } from './migration-records.js';

export interface MigrationRef {
  readonly tag: string;
  readonly when: number;
}

export interface ChangedMigration extends MigrationRef {
  readonly recordedHash: string;
  readonly fileHash: string;
}

/** How a migrations folder compares to what one database recorded. */
export interface MigrationState {
  /** Recorded with the file's hash (changed ones are listed in `changed` too). */
  readonly applied: readonly MigrationRef[];
  /** What drizzle's migrator will run next, in its order (0.45: newer than the last recorded; 1.0: unrecorded). */
  readonly pending: readonly MigrationFile[];
  /** Recorded, but the file's hash differs: the database may not match the file. */
  readonly changed: readonly ChangedMigration[];
  /** Recorded, but no file of the folder is the one recorded (0.45: by timestamp; 1.0: by name). */
  readonly vanished: readonly RecordedMigration[];
  /**
   * Never recorded yet older than the newest applied one: drizzle 0.45's migrator would silently skip them
   * (`runs: false`, blocks migrating); 1.0's runs them after the newer ones (`runs: true`, also in `pending`).
   */
  readonly outOfOrder: readonly OutOfOrderMigration[];
}

export interface OutOfOrderMigration extends MigrationRef {
  /** The newest applied migration it is older than. */
  readonly newestApplied: string;
  /** `true` on drizzle-orm 1.0: the migrator applies it (after newer ones); `false` on 0.45: skipped for good. */
  readonly runs: boolean;
}

const ref = (file: MigrationFile): MigrationRef => ({ tag: file.tag, when: file.when });

/**
 * Mirrors the installed drizzle's migrator. 0.45: a migration runs when its `when` is after the newest recorded
 * `created_at`, and an unrecorded older one is skipped for good (out of order, blocking). 1.0: every migration
 * whose name is not recorded runs, in name order; an unrecorded one older than the newest applied is still
 * pending, and also listed as out of order (it runs after newer ones).
 */
export function compareMigrations(
  files: readonly MigrationFile[],
  records: readonly RecordedMigration[],
): MigrationState {
  const matched = matchRecords(files, records);
  const recordOf = new Map([...matched].map(([record, file]) => [file, record]));
  const rule = pendingRule();
  const last = records.reduce((max, r) => Math.max(max, r.createdAt), Number.NEGATIVE_INFINITY);
  const newest = files.filter((f) => recordOf.has(f)).at(-1);
  const applied: MigrationRef[] = [];
  const pending: MigrationFile[] = [];
  const changed: ChangedMigration[] = [];
  const outOfOrder: OutOfOrderMigration[] = [];
  for (const [i, file] of files.entries()) {
    const record = recordOf.get(file);
    if (record !== undefined) {
      applied.push(ref(file));
      if (record.hash !== file.hash)
        changed.push({ ...ref(file), recordedHash: record.hash, fileHash: file.hash });
      continue;
    }
    const older = newest !== undefined && i < files.indexOf(newest);
    if (rule.kind === 'unrecorded') {
      pending.push(file);
      if (older) outOfOrder.push({ ...ref(file), newestApplied: newest.tag, runs: true });
    } else if (file.when > last) {
      pending.push(file);
    } else {
      outOfOrder.push({ ...ref(file), newestApplied: newest?.tag ?? '', runs: false });
    }
  }
  const vanished = records.filter((r) => !matched.has(r));
  return { applied, pending, changed, vanished, outOfOrder };
}
