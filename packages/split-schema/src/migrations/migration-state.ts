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
  /** Newer than the last recorded migration: drizzle's migrator will run these. */
  readonly pending: readonly MigrationFile[];
  /** Recorded, but the file's hash differs: the database may not match the file. */
  readonly changed: readonly ChangedMigration[];
  /** Recorded, but no file in the folder has its timestamp. */
  readonly vanished: readonly RecordedMigration[];
  /** Never recorded yet older than the last recorded one: drizzle's migrator would silently skip them. */
  readonly outOfOrder: readonly MigrationRef[];
}

const ref = (file: MigrationFile): MigrationRef => ({ tag: file.tag, when: file.when });

/** Mirrors drizzle's rule: a migration runs when its `when` is after the newest recorded `created_at`. */
export function compareMigrations(
  files: readonly MigrationFile[],
  records: readonly RecordedMigration[],
): MigrationState {
  const byCreatedAt = new Map(records.map((r) => [r.createdAt, r]));
  const last = records.reduce((max, r) => Math.max(max, r.createdAt), Number.NEGATIVE_INFINITY);
  const applied: MigrationRef[] = [];
  const pending: MigrationFile[] = [];
  const changed: ChangedMigration[] = [];
  const outOfOrder: MigrationRef[] = [];
  for (const file of files) {
    const record = byCreatedAt.get(file.when);
    if (record !== undefined) {
      applied.push(ref(file));
      if (record.hash !== file.hash)
        changed.push({ ...ref(file), recordedHash: record.hash, fileHash: file.hash });
    } else if (file.when > last) {
      pending.push(file);
    } else {
      outOfOrder.push(ref(file));
    }
  }
  const whens = new Set(files.map((f) => f.when));
  const vanished = records.filter((r) => !whens.has(r.createdAt));
  return { applied, pending, changed, vanished, outOfOrder };
}
