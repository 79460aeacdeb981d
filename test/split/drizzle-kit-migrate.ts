import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { splitLayout } from '@multidb/example-app';
import {
  type MigrationReport,
  type MigrationStatusReport,
  migrate,
  migrationStatus,
  openSplitClients,
  type SplitTarget,
} from '@multidb/split-schema';
import { expect } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRIZZLE_KIT = `${REPO_ROOT}node_modules/.bin/drizzle-kit`;
const DATABASE_VARS =
  /^(SUPABASE_|PRIMARY_|DATA_|REPLIT_|BACKUP_)?DATABASE_URL$|^SPLIT_DB_MODE$|^DATABASE_READ_REPLICA_/;

export interface KitRun {
  readonly config: string;
  readonly exitCode: number;
  readonly output: string;
}

/** The environment the app and drizzle-kit read, for one target and nothing inherited about databases. */
export function databaseEnv(target: SplitTarget): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !DATABASE_VARS.test(key)));
  return {
    ...env,
    PRIMARY_DATABASE_URL: target.primaryUrl,
    SPLIT_DB_MODE: String(target.splitMode),
    ...(target.splitMode && target.dataUrl ? { DATA_DATABASE_URL: target.dataUrl } : {}),
  };
}

/** `drizzle-kit migrate --config drizzle/<database>.config.ts` as a user runs it, from the repository root. */
export function runDrizzleKitMigrate(database: 'primary' | 'data', target: SplitTarget): Promise<KitRun> {
  const config = `drizzle/${database}.config.ts`;
  return new Promise((resolve) => {
    execFile(
      DRIZZLE_KIT,
      ['migrate', '--config', config],
      { cwd: REPO_ROOT, env: databaseEnv(target), timeout: 120_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ config, exitCode, output: `${stdout}${stderr}` });
      },
    );
  });
}

export interface KitMigrateCheck {
  readonly runs: readonly KitRun[];
  /** Our status right after drizzle-kit: everything applied, nothing changed. */
  readonly status: MigrationStatusReport;
  /** Our migrator right after drizzle-kit: must be a no-op (same bookkeeping as drizzle-kit). */
  readonly followUp: MigrationReport;
}

/**
 * Runs drizzle-kit migrate for PRIMARY then DATA against `target` (any URL kind: `pglite:./dir`, `postgres://`),
 * then inspects the result with the toolkit. Reused by the real-Postgres suite.
 */
export async function checkDrizzleKitMigrate(target: SplitTarget): Promise<KitMigrateCheck> {
  const runs = [await runDrizzleKitMigrate('primary', target), await runDrizzleKitMigrate('data', target)];
  const clients = await openSplitClients(splitLayout, target);
  try {
    const status = await migrationStatus(clients);
    const followUp = await migrate(clients);
    return { runs, status, followUp };
  } finally {
    await clients.close();
  }
}

/** drizzle-kit succeeded for both databases and the toolkit agrees: everything applied, a follow-up is a no-op. */
export function expectKitResult(check: KitMigrateCheck): void {
  for (const run of check.runs) expect(run, run.output).toMatchObject({ exitCode: 0 });
  expect(check.runs.map((r) => r.output).join('\n')).toMatch(/migrations applied successfully/);
  expect(check.status.ok).toBe(true);
  expect(check.status.databases.map((d) => [d.database, d.applied.length, d.pending.length])).toEqual([
    ['primary', 1, 0],
    ['data', 1, 0],
  ]);
  expect(check.followUp.databases.flatMap((d) => d.steps.map((s) => s.outcome))).toEqual([
    'already-applied',
    'already-applied',
  ]);
}
