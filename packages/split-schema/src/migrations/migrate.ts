import { describeError } from '@multidb/config';
import { type DatabaseTarget, databasesOf } from '../database-name.js';
import type { AnySchema } from '../define-split-schema.js';
import type { SplitClients } from '../split-clients.js';
import type { MigrationFile } from './migration-files.js';
import { migrationsTableName } from './migration-records.js';
import type { DatabaseMigrationResult, MigrationReport, MigrationStepResult } from './migration-report.js';
import { type InspectedDatabase, inspectDatabase } from './migration-status.js';
import { type MigrationsOverrides, migrationTarget } from './migration-target.js';
import { describeProblem, foreignSchemaTables, historyProblems, type PreflightProblem } from './preflight.js';
import { repairPending } from './repair.js';
import { runDrizzleMigrator } from './run-drizzle-migrator.js';

export interface MigrateOptions {
  /** Default `all`: primary first, then data. */
  readonly target?: DatabaseTarget;
  /** Record pending migrations whose objects already exist instead of running them; then run the rest. */
  readonly repair?: boolean;
  readonly migrations?: MigrationsOverrides;
}

/**
 * Migrates each database with drizzle's migrator after pre-flight checks, and reports per database and per
 * migration. Never throws for a database problem: a blocked or failed database does not stop the next one.
 */
export async function migrate<P extends AnySchema, D extends AnySchema>(
  clients: SplitClients<P, D>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const databases: DatabaseMigrationResult[] = [];
  for (const database of databasesOf(options.target ?? 'all')) {
    const target = migrationTarget(clients as unknown as SplitClients, database, options.migrations);
    databases.push(await migrateDatabase(await inspectDatabase(target), options.repair ?? false));
  }
  return { splitMode: clients.splitMode, ok: databases.every((d) => d.outcome === 'ok'), databases };
}

async function migrateDatabase(
  inspected: InspectedDatabase,
  repair: boolean,
): Promise<DatabaseMigrationResult> {
  const { target, state } = inspected;
  const other = target.database === 'primary' ? 'data' : 'primary';
  const base = {
    database: target.database,
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

  if (state === undefined) return result('failed', [], [], inspected.error);
  let problems: PreflightProblem[];
  try {
    problems = [
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
    const applied = pending.map((f, i): MigrationStepResult => {
      const step = { tag: f.tag, when: f.when, outcome: 'applied' as const };
      return i === 0 && note !== undefined ? { ...step, detail: note } : step;
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
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const query = (e as { query?: unknown }).query;
    if (typeof query === 'string') return query;
  }
  return undefined;
}

/** The database's reason and the first line of the failing statement, instead of the whole statement. */
function migrationError(error: unknown): string {
  const query = failedQuery(error);
  if (query === undefined || !(error instanceof Error) || !(error.cause instanceof Error))
    return describeError(error);
  const statement = query.trim().split('\n')[0]?.slice(0, 120) ?? '';
  return describeError(new Error(`${error.cause.message} (in: ${statement})`));
}
