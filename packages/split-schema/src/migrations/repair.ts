import type { AnyPgDatabase } from '@multidb/config';
import type { MigrationsConfig } from '../split-declaration.js';
import type { MigrationFile } from './migration-files.js';
import { describeObject, parseMigrationObjects } from './migration-objects.js';
import { recordMigrations } from './migration-records.js';
import { missingObjects } from './object-exists.js';

export interface RepairOutcome {
  /** Pending migrations whose objects all exist: now recorded as applied, not run. */
  readonly recorded: readonly MigrationFile[];
  /**
   * The first pending migration that could not be recorded, and why (later ones wait behind it). `partial`:
   * some of its objects exist, so running it would fail too.
   */
  readonly notRecorded:
    | { readonly file: MigrationFile; readonly reason: string; readonly partial: boolean }
    | undefined;
}

/**
 * Records, in order, the pending migrations whose objects (schemas, tables and their columns, types, indexes,
 * constraints, sequences, views) all exist already. Stops at the first that does not fully exist, because
 * drizzle only runs migrations newer than the last recorded one.
 */
export async function repairPending(
  db: AnyPgDatabase,
  config: MigrationsConfig,
  pending: readonly MigrationFile[],
): Promise<RepairOutcome> {
  const recordable: MigrationFile[] = [];
  let notRecorded: RepairOutcome['notRecorded'];
  for (const file of pending) {
    const parsed = parseMigrationObjects(file.statements);
    if (parsed.unverifiable.length > 0) {
      notRecorded = { file, reason: `cannot verify: ${parsed.unverifiable.join('; ')}`, partial: false };
      break;
    }
    const missing = await missingObjects(db, parsed.objects);
    if (missing.length === parsed.objects.length) break; // nothing of it exists: an ordinary pending migration
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map(describeObject).join(', ');
      const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
      notRecorded = { file, reason: `partly applied; missing ${shown}${more}`, partial: true };
      break;
    }
    recordable.push(file);
  }
  if (recordable.length > 0) await recordMigrations(db, config, recordable);
  return { recorded: recordable, notRecorded };
}
