import { type AnyPgDatabase, executeRows } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { MigrationFolderLayout } from '../drizzle-line.js';
import type { BackupHistoryDiverged } from './backup-history.js';
import type { RecordedMigration } from './migration-records.js';
import type { ChangedMigration, MigrationState, OutOfOrderMigration } from './migration-state.js';

/** A reason not to migrate a database. Each one blocks that database only. */
export type PreflightProblem =
  | { readonly type: 'ForeignSchemaTables'; readonly schema: string; readonly tables: readonly string[] }
  | ({ readonly type: 'ChangedMigration' } & ChangedMigration)
  | ({ readonly type: 'VanishedMigration' } & RecordedMigration)
  | ({ readonly type: 'OutOfOrderMigration' } & OutOfOrderMigration)
  /**
   * A migrations folder (`folder`, of this database or another of the run) is in the other drizzle-kit line's
   * layout than the installed drizzle-orm migrates: nothing is migrated anywhere. `message` says how to fix it.
   */
  | {
      readonly type: 'MigrationLayoutMismatch';
      readonly folder: string;
      readonly found: MigrationFolderLayout;
      readonly expected: MigrationFolderLayout;
      readonly message: string;
    }
  | BackupHistoryDiverged
  /** The backup did not migrate: the PRIMARY is left as it is, so dual-write never sends what the backup lacks. */
  | { readonly type: 'BackupNotMigrated'; readonly outcome: 'blocked' | 'failed' };

const recorded = (r: { hash: string; createdAt: number } | undefined) =>
  r === undefined ? 'nothing' : `created_at ${r.createdAt} (hash ${r.hash.slice(0, 12)})`;

export function describeProblem(problem: PreflightProblem, otherDatabase: string): string {
  switch (problem.type) {
    case 'ForeignSchemaTables':
      return `schema "${problem.schema}" belongs to the ${otherDatabase} database but has tables here (${problem.tables.join(', ')}): wrong URL, or data left from single-database mode`;
    case 'ChangedMigration':
      return `migration ${problem.tag} was applied but its file changed since (recorded ${problem.recordedHash.slice(0, 12)}, file ${problem.fileHash.slice(0, 12)}): restore the file, or add a new migration instead of editing an applied one`;
    case 'VanishedMigration':
      return `a recorded migration (created_at ${problem.createdAt}, hash ${problem.hash.slice(0, 12)}) has no file any more: restore it from version control`;
    case 'OutOfOrderMigration':
      return `migration ${problem.tag} is older than the last applied one (${problem.newestApplied}) but was never applied; drizzle would skip it: regenerate it after the latest migration`;
    case 'MigrationLayoutMismatch':
      return problem.message;
    case 'BackupHistoryDiverged':
      return `the backup's recorded migrations (${problem.migrationsTable}) differ from the primary's at record ${problem.index + 1}: the primary has ${recorded(problem.primary)}, the backup ${recorded(problem.backup)}. Nothing was migrated: make the backup's schema match the primary's (restore it, or sync it from a pg_dump --schema-only of the primary) and run again`;
    case 'BackupNotMigrated':
      return `not migrated because the backup was ${problem.outcome}: the primary goes after the backup, so dual-write never sends a column the backup lacks. Fix the backup (see its messages; --repair records migrations whose objects exist) and run again, or pass --skip-backup`;
  }
}

/** Tables that sit in schemas of the other database (only meaningful when split). */
export async function foreignSchemaTables(
  db: AnyPgDatabase,
  foreignSchemas: readonly string[],
): Promise<PreflightProblem[]> {
  if (foreignSchemas.length === 0) return [];
  const rows = await executeRows<{ schema: string; table: string }>(
    db,
    sql`select n.nspname as schema, c.relname as table
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname in (${sql.join(
          foreignSchemas.map((s) => sql`${s}`),
          sql`, `,
        )})
        order by 1, 2`,
  );
  const bySchema = new Map<string, string[]>();
  for (const row of rows) bySchema.set(row.schema, [...(bySchema.get(row.schema) ?? []), row.table]);
  return [...bySchema].map(([schema, tables]) => ({ type: 'ForeignSchemaTables', schema, tables }));
}

/** Recorded history that no longer matches the folder: migrating on top of it could corrupt the database. */
export function historyProblems(state: MigrationState): PreflightProblem[] {
  return [
    ...state.changed.map((c) => ({ type: 'ChangedMigration' as const, ...c })),
    ...state.vanished.map((v) => ({ type: 'VanishedMigration' as const, ...v })),
    // drizzle-orm 1.0 runs an out-of-order migration (reported, not blocking); 0.45 would skip it for good.
    ...state.outOfOrder.filter((o) => !o.runs).map((o) => ({ type: 'OutOfOrderMigration' as const, ...o })),
  ];
}
