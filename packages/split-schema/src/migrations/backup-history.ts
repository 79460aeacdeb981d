import { historyDivergence } from '../drizzle-line.js';
import { type RecordedMigration, readRecordedMigrations } from './migration-records.js';
import type { MigrationTarget } from './migration-target.js';

/**
 * The backup's recorded migrations for one migrations table and the PRIMARY's have parted ways: at `index` the
 * two histories record different migrations. Migrating either on top could leave the backup with another schema
 * than the primary.
 */
export interface BackupHistoryDiverged {
  readonly type: 'BackupHistoryDiverged';
  readonly migrationsTable: string;
  /** 0-based position of the first differing record. */
  readonly index: number;
  readonly primary: Pick<RecordedMigration, 'hash' | 'createdAt'> | undefined;
  readonly backup: Pick<RecordedMigration, 'hash' | 'createdAt'> | undefined;
}

const brief = (r: RecordedMigration | undefined) => r && { hash: r.hash, createdAt: r.createdAt };

/**
 * Compares each migrations table of the PRIMARY with the backup's. One history being behind the other is fine
 * (0.45: a prefix; 1.0, whose migrator runs by name: a subset): a backup that is behind catches up, and a backup
 * ahead of the primary is a previous run that migrated the backup and then stopped. Anything else is a
 * divergence. Reads only.
 */
export async function backupHistoryProblems(
  primaryTargets: readonly MigrationTarget[],
  backupTargets: readonly MigrationTarget[],
): Promise<BackupHistoryDiverged[]> {
  const problems: BackupHistoryDiverged[] = [];
  for (const [i, primary] of primaryTargets.entries()) {
    const backup = backupTargets[i] as MigrationTarget;
    const [a, b] = await Promise.all([
      readRecordedMigrations(primary.handle.db, primary.migrations),
      readRecordedMigrations(backup.handle.db, backup.migrations),
    ]);
    const diverged = historyDivergence(a, b);
    if (diverged === undefined) continue;
    problems.push({
      type: 'BackupHistoryDiverged',
      migrationsTable: `${primary.migrations.schema}.${primary.migrations.table}`,
      index: diverged.index,
      primary: brief(diverged.primary as RecordedMigration | undefined),
      backup: brief(diverged.backup as RecordedMigration | undefined),
    });
  }
  return problems;
}
