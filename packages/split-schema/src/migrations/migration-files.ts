import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { type FolderReadError, listFolderEntries } from '../drizzle-line.js';

/** One migration of a drizzle-kit folder, hashed exactly as drizzle-orm's `readMigrationFiles` does. */
export interface MigrationFile {
  /** drizzle-kit 0.31: the journal tag (`0000_init`); 1.0: the migration's folder name (`20260101120000_init`). */
  readonly tag: string;
  /** What drizzle records as `created_at`: the journal's `when` (0.31), the folder's timestamp in ms (1.0). */
  readonly when: number;
  /** sha256 (hex) of the file's text. */
  readonly hash: string;
  readonly statements: readonly string[];
}

/**
 * The folder cannot be read, or (`MigrationLayoutMismatch`) it is in the other drizzle-kit line's layout than the
 * installed drizzle-orm migrates: then nothing is migrated anywhere, and `message` names the folder and the fix.
 */
export type MigrationFolderError = FolderReadError & { readonly folder: string };

export const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export function hashMigration(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readMigrationFolder(folder: string): Result<MigrationFile[], MigrationFolderError> {
  const absolute = resolve(folder);
  const listed = listFolderEntries(absolute);
  if ('error' in listed) return err({ ...listed.error, folder: absolute });
  return ok(
    listed.ok.map((entry) => {
      const text = readFileSync(entry.path).toString();
      return {
        tag: entry.tag,
        when: entry.when,
        hash: hashMigration(text),
        statements: text.split(STATEMENT_BREAKPOINT),
      };
    }),
  );
}
