import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';

/** One migration of a drizzle-kit folder, hashed exactly as drizzle-orm's `readMigrationFiles` does. */
export interface MigrationFile {
  readonly tag: string;
  /** The journal's `when`: drizzle records it as `created_at` and compares it to decide what is pending. */
  readonly when: number;
  /** sha256 (hex) of the file's text. */
  readonly hash: string;
  readonly statements: readonly string[];
}

export interface MigrationFolderError {
  readonly type: 'MigrationFolderUnreadable';
  readonly folder: string;
  readonly message: string;
}

interface JournalEntry {
  readonly tag: string;
  readonly when: number;
}

export const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export function hashMigration(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readMigrationFolder(folder: string): Result<MigrationFile[], MigrationFolderError> {
  const absolute = resolve(folder);
  const fail = (message: string) =>
    err({ type: 'MigrationFolderUnreadable' as const, folder: absolute, message });
  const journalPath = join(absolute, 'meta', '_journal.json');
  if (!existsSync(journalPath)) return fail(`no meta/_journal.json in ${absolute}`);
  let entries: JournalEntry[];
  try {
    entries = (JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: JournalEntry[] }).entries;
  } catch (error) {
    return fail(`cannot parse ${journalPath}: ${(error as Error).message}`);
  }
  const files: MigrationFile[] = [];
  for (const entry of entries) {
    const path = join(absolute, `${entry.tag}.sql`);
    if (!existsSync(path)) return fail(`the journal lists ${entry.tag} but ${path} does not exist`);
    const text = readFileSync(path).toString();
    files.push({
      tag: entry.tag,
      when: entry.when,
      hash: hashMigration(text),
      statements: text.split(STATEMENT_BREAKPOINT),
    });
  }
  return ok(files);
}
