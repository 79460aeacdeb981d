import { loadConfig } from '@multidb/config';
import { splitTableList } from '@multidb/sync';
import { err, ok, type Result } from 'neverthrow';

export interface UsageError {
  readonly type: 'UsageError';
  readonly message: string;
}

/**
 * Source and target from the flags, else from the environment through the config package: the primary
 * (`SUPABASE_DATABASE_URL`, `PRIMARY_DATABASE_URL`, `DATABASE_URL`, default embedded) and the backup
 * (`BACKUP_DATABASE_URL`, `REPLIT_DATABASE_URL`). Messages are redacted by the config package.
 */
export function resolveDatabaseUrls(
  flags: { readonly source?: string; readonly target?: string },
  env: Readonly<Record<string, string | undefined>>,
): Result<{ source: string; target: string }, UsageError> {
  const topology = loadConfig({ primaryUrl: flags.source, backupUrl: flags.target }, env);
  if (topology.isErr()) return err({ type: 'UsageError', message: topology.error.message });
  const target = topology.value.backup?.url;
  if (target === undefined) {
    return err({
      type: 'UsageError',
      message: 'no backup database: pass --target or set BACKUP_DATABASE_URL (or REPLIT_DATABASE_URL)',
    });
  }
  if (target === topology.value.primaryUrl) {
    return err({ type: 'UsageError', message: 'the source and the target are the same database' });
  }
  return ok({ source: topology.value.primaryUrl, target });
}

/** A whole number flag within bounds, or a usage error naming the flag. */
export function wholeNumberFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  max: number,
): Result<number, UsageError> {
  if (value === undefined) return ok(fallback);
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
    return err({
      type: 'UsageError',
      message: `--${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`,
    });
  }
  return ok(parsed);
}

/** `--tables a,"odd name",s.t`: the names (double quotes keep commas and dots), or a usage error for an empty list. */
export function tablesFlag(value: string | undefined): Result<string[] | undefined, UsageError> {
  if (value === undefined) return ok(undefined);
  const tables = splitTableList(value);
  return tables.length === 0 ? err({ type: 'UsageError', message: '--tables is empty' }) : ok(tables);
}
