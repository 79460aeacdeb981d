import type { DatabaseName, MigrationDatabase } from '../database-name.js';
import type { PreflightProblem } from './preflight.js';

/**
 * What happened to one migration: `applied` (run now), `recorded` (repair: objects existed, recorded without
 * running), `already-applied`, `failed` (its statement failed; the whole run was rolled back), `not-executed`.
 */
export type MigrationOutcome = 'applied' | 'recorded' | 'already-applied' | 'failed' | 'not-executed';

export interface MigrationStepResult {
  readonly tag: string;
  readonly when: number;
  readonly outcome: MigrationOutcome;
  readonly detail?: string;
}

/** `blocked`: pre-flight refused to touch the database; `failed`: reading or migrating it failed. */
export type DatabaseOutcome = 'ok' | 'blocked' | 'failed';

export interface DatabaseMigrationResult {
  readonly database: MigrationDatabase;
  /** Whose migrations ran here: the database's own, or for the backup the PRIMARY side's it mirrors. */
  readonly migrationsOf: DatabaseName;
  /** Credentials removed. */
  readonly url: string;
  readonly migrationsTable: string;
  readonly outcome: DatabaseOutcome;
  readonly steps: readonly MigrationStepResult[];
  readonly problems: readonly PreflightProblem[];
  /** Human-readable lines for the problems, in the same order. */
  readonly messages: readonly string[];
  readonly error?: string;
}

/** A per-database report in the spirit of kysely's `MigrationResultSet`: a failure never hides the others. */
export interface MigrationReport {
  readonly splitMode: boolean;
  readonly ok: boolean;
  readonly databases: readonly DatabaseMigrationResult[];
}
