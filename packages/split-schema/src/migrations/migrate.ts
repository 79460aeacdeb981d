import { type DbHandle, describeError, findCause } from '@multidb/config';
import { type DatabaseTarget, databasesOf } from '../database-name.js';
import type { AnySchema } from '../define-split-schema.js';
import type { SplitClients } from '../split-clients.js';
import { backupHistoryProblems } from './backup-history.js';
import { type MigrationFile, readMigrationFolder } from './migration-files.js';
import { migrationsTableName } from './migration-records.js';
import type { DatabaseMigrationResult, MigrationReport, MigrationStepResult } from './migration-report.js';
import { type InspectedDatabase, inspectDatabase } from './migration-status.js';
import {
  backupTargets,
  inPrimaryDatabase,
  type MigrationsOverrides,
  type MigrationTarget,
  migrationTarget,
} from './migration-target.js';
import { describeProblem, foreignSchemaTables, historyProblems, type PreflightProblem } from './preflight.js';
import { repairPending } from './repair.js';
import { runDrizzleMigrator } from './run-drizzle-migrator.js';

export interface MigrateOptions {
  /** Default `all`: primary first, then data. */
  readonly target?: DatabaseTarget;
  /** Record pending migrations whose objects already exist instead of running them; then run the rest. */
  readonly repair?: boolean;
  readonly migrations?: MigrationsOverrides;
  /**
   * The PRIMARY's backup: migrated with the PRIMARY's migrations (when not split, the DATA ones too, since they
   * live in the same database) BEFORE the primary, so dual-write never sends a column the backup lacks. First a
   * pre-flight: each of the backup's migrations tables must record the same history as the primary's (one may
   * be behind); if not, nothing is migrated anywhere. A backup that does not migrate leaves the primary as it is.
   */
  readonly backup?: DbHandle<AnySchema>;
}

/**
 * Migrates each database with drizzle's migrator after pre-flight checks, and reports per database and per
 * migration. Never throws for a database problem: a blocked or failed database does not stop the next one.
 */
export async function migrate<P extends AnySchema, D extends AnySchema>(
  clients: SplitClients<P, D>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const any = clients as unknown as SplitClients;
  const repair = options.repair ?? false;
  const targets = databasesOf(options.target ?? 'all').map((d) =>
    migrationTarget(any, d, options.migrations),
  );
  const mirrored = targets.filter((t) => inPrimaryDatabase(any, t));
  const backups = options.backup && mirrored.length > 0 ? backupTargets(mirrored, options.backup) : [];
  const report = (databases: DatabaseMigrationResult[]): MigrationReport => ({
    splitMode: clients.splitMode,
    ok: databases.every((d) => d.outcome === 'ok'),
    databases,
  });
  const everyTarget = [...backups, ...targets];
  // A folder in the other drizzle-kit line's layout: nothing is migrated anywhere (not half a run).
  const mismatched = layoutMismatches(everyTarget);
  if (mismatched.length > 0)
    return report(await Promise.all(everyTarget.map((t) => blockedBy(t, mismatched))));
  if (backups.length > 0) {
    let diverged: PreflightProblem[];
    try {
      diverged = await backupHistoryProblems(mirrored, backups);
    } catch (error) {
      const reason: PreflightProblem = { type: 'BackupNotMigrated', outcome: 'failed' };
      const failed = await migrateDatabase(
        await inspectDatabase(backups[0] as MigrationTarget),
        repair,
        [],
        error,
      );
      const rest = await Promise.all(everyTarget.slice(1).map(async (t) => blockedBy(t, [reason])));
      return report([failed, ...rest]);
    }
    if (diverged.length > 0) return report(await Promise.all(everyTarget.map((t) => blockedBy(t, diverged))));
  }
  const inspectedBackups = await Promise.all(backups.map(inspectDatabase));
  // A backup whose own records do not match the folder (changed, vanished) blocks every database, not just itself.
  const ownProblems = (i: InspectedDatabase) => (i.state === undefined ? [] : historyProblems(i.state));
  if (inspectedBackups.some((i) => ownProblems(i).length > 0)) {
    const blocked: PreflightProblem = { type: 'BackupNotMigrated', outcome: 'blocked' };
    const own = await Promise.all(
      inspectedBackups.map((i) => migrateDatabase(i, false, ownProblems(i).length > 0 ? [] : [blocked])),
    );
    return report([...own, ...(await Promise.all(targets.map((t) => blockedBy(t, [blocked]))))]);
  }
  const databases: DatabaseMigrationResult[] = [];
  for (const inspected of inspectedBackups) databases.push(await migrateDatabase(inspected, repair));
  const backupFailure = databases.find((d) => d.outcome !== 'ok');
  for (const target of targets) {
    if (backupFailure && mirrored.includes(target)) {
      const outcome = backupFailure.outcome === 'blocked' ? 'blocked' : 'failed';
      databases.push(await blockedBy(target, [{ type: 'BackupNotMigrated', outcome }]));
    } else databases.push(await migrateDatabase(await inspectDatabase(target), repair));
  }
  return report(databases);
}

/** The layout mismatches among the targets' folders, one per folder. */
function layoutMismatches(targets: readonly MigrationTarget[]): PreflightProblem[] {
  const found = new Map<string, PreflightProblem>();
  for (const target of targets) {
    const folder = readMigrationFolder(target.migrations.folder);
    if (folder.isErr() && folder.error.type === 'MigrationLayoutMismatch' && !found.has(folder.error.folder))
      found.set(folder.error.folder, { ...folder.error });
  }
  return [...found.values()];
}

/** A database left untouched because of a problem found elsewhere (its own state is still reported). */
async function blockedBy(
  target: MigrationTarget,
  problems: PreflightProblem[],
): Promise<DatabaseMigrationResult> {
  return migrateDatabase(await inspectDatabase(target), false, problems);
}

async function migrateDatabase(
  inspected: InspectedDatabase,
  repair: boolean,
  imposed: PreflightProblem[] = [],
  readError?: unknown,
): Promise<DatabaseMigrationResult> {
  const { target, state } = inspected;
  const other = target.migrationsOf === 'primary' ? 'data' : 'primary';
  const base = {
    database: target.database,
    migrationsOf: target.migrationsOf,
    url: target.handle.safeUrl,
    migrationsTable: migrationsTableName(target.migrations),
  };
  const already: MigrationStepResult[] = (state?.applied ?? []).map((m) => ({
    ...m,
    outcome: 'already-applied',
  }));
  const notRun = (files: readonly MigrationFile[], detail?: string): MigrationStepResult[] =>
    files.map((f) => ({ tag: f.tag, when: f.when, outcome: 'not-executed', ...(detail ? { detail } : {}) }));
  const result = (
    outcome: DatabaseMigrationResult['outcome'],
    steps: MigrationStepResult[],
    problems: PreflightProblem[] = [],
    error?: string,
  ): DatabaseMigrationResult => ({
    ...base,
    outcome,
    steps,
    problems,
    messages: problems.map((p) => describeProblem(p, other)),
    ...(error === undefined ? {} : { error }),
  });

  if (state === undefined) {
    const layout = imposed.length > 0 && imposed.every((p) => p.type === 'MigrationLayoutMismatch');
    return result(layout ? 'blocked' : 'failed', [], imposed, inspected.error);
  }
  if (readError !== undefined)
    return result('failed', [...already, ...notRun(state.pending)], imposed, describeError(readError));
  let problems: PreflightProblem[];
  try {
    problems = [
      ...imposed,
      ...(await foreignSchemaTables(target.handle.db, target.foreignSchemas)),
      ...historyProblems(state),
    ];
  } catch (error) {
    return result('failed', [...already, ...notRun(state.pending)], [], describeError(error));
  }
  if (problems.length > 0) return result('blocked', [...already, ...notRun(state.pending)], problems);

  const steps: MigrationStepResult[] = [...already];
  let pending = state.pending;
  let note: string | undefined;
  if (repair && pending.length > 0) {
    try {
      const repaired = await repairPending(target.handle.db, target.migrations, pending);
      steps.push(
        ...repaired.recorded.map((f) => ({ tag: f.tag, when: f.when, outcome: 'recorded' as const })),
      );
      pending = pending.slice(repaired.recorded.length);
      const refused = repaired.notRecorded;
      if (refused?.partial) {
        const error = `repair stopped at ${refused.file.tag}: ${refused.reason}`;
        return result('failed', [...steps, ...notRun(pending, `not recorded: ${refused.reason}`)], [], error);
      }
      if (refused !== undefined) note = `not recorded by repair (${refused.reason}); run instead`;
    } catch (error) {
      return result('failed', [...steps, ...notRun(pending)], [], `repair failed: ${describeError(error)}`);
    }
  }
  if (pending.length === 0) return result('ok', steps);
  try {
    await runDrizzleMigrator(target.handle, target.migrations);
    const late = new Map(state.outOfOrder.map((o) => [o.tag, o.newestApplied]));
    const applied = pending.map((f, i): MigrationStepResult => {
      const step = { tag: f.tag, when: f.when, outcome: 'applied' as const };
      const notes = [
        ...(i === 0 && note !== undefined ? [note] : []),
        ...(late.has(f.tag)
          ? [`out of order: older than ${late.get(f.tag)}, which was applied before it`]
          : []),
      ];
      return notes.length > 0 ? { ...step, detail: notes.join('; ') } : step;
    });
    return result('ok', [...steps, ...applied]);
  } catch (error) {
    return result('failed', [...steps, ...failedSteps(pending, error)], [], migrationError(error));
  }
}

/** drizzle runs every pending migration in one transaction: the failing one is `failed`, the rest not executed. */
function failedSteps(pending: readonly MigrationFile[], error: unknown): MigrationStepResult[] {
  const query = failedQuery(error);
  const culprit = query === undefined ? -1 : pending.findIndex((f) => f.statements.some((s) => s === query));
  return pending.map((f, i) => {
    if (i === culprit) return { tag: f.tag, when: f.when, outcome: 'failed', detail: migrationError(error) };
    const detail = i < culprit ? 'rolled back with the failed migration' : 'not run after the failure';
    return { tag: f.tag, when: f.when, outcome: 'not-executed', ...(culprit >= 0 ? { detail } : {}) };
  });
}

function failedQuery(error: unknown): string | undefined {
  const query = (cause: unknown) =>
    cause instanceof Error ? (cause as { query?: unknown }).query : undefined;
  const found = query(findCause(error, (cause) => typeof query(cause) === 'string'));
  return typeof found === 'string' ? found : undefined;
}

/** The database's reason and the first line of the failing statement, instead of the whole statement. */
function migrationError(error: unknown): string {
  const query = failedQuery(error);
  if (query === undefined || !(error instanceof Error) || !(error.cause instanceof Error))
    return describeError(error);
  const statement = query.trim().split('\n')[0]?.slice(0, 120) ?? '';
  return describeError(new Error(`${error.cause.message} (in: ${statement})`));
}
