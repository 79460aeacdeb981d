import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyPgDatabase, drizzleLine, executeRows } from '@multidb/config';
import type { PgliteTemplate } from '@multidb/testing';
import { type DatabaseName, type MigrationFile, readMigrationFolder } from '../src/index.js';
import { splitClientsFromPglite } from '../src/pglite-index.js';
import { testLayout } from './fixtures/test-layout.js';

/** Clients over fresh clones of an empty template: one database, or two when `split`. */
export async function cloneClients(template: PgliteTemplate, split: boolean) {
  const primary = await template.clone();
  const data = split ? await template.clone() : undefined;
  return splitClientsFromPglite(testLayout, data === undefined ? { primary } : { primary, data });
}

export async function userSchemas(db: AnyPgDatabase): Promise<string[]> {
  const rows = await executeRows<{ name: string }>(
    db,
    `select nspname as name from pg_namespace
      where nspname not like 'pg\\_%' and nspname not in ('information_schema', 'public') order by 1`,
  );
  return rows.map((r) => r.name);
}

export async function tablesIn(db: AnyPgDatabase, schema: string): Promise<string[]> {
  const rows = await executeRows<{ name: string }>(
    db,
    `select tablename as name from pg_tables where schemaname = '${schema}' order by 1`,
  );
  return rows.map((r) => r.name);
}

/** A throwaway copy of one database's migrations folder, to edit freely. */
export function copyMigrations(database: DatabaseName): { folder: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `multidb-${database}-`));
  const folder = join(root, database);
  cpSync(testLayout[database].migrations.folder, folder, { recursive: true });
  return { folder, remove: () => rmSync(root, { recursive: true, force: true }) };
}

interface Journal {
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

function readJournal(folder: string): Journal {
  return JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
}

function writeJournal(folder: string, journal: Journal): void {
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal, null, 2));
}

/** The migrations of a folder as the installed drizzle reads them (throws when unreadable). */
export function migrationsIn(folder: string): MigrationFile[] {
  return readMigrationFolder(folder)._unsafeUnwrap();
}

const stamp = (when: number) => new Date(when).toISOString().replace(/\D/g, '').slice(0, 14);

/**
 * Adds a hand-written migration to a folder copy as the installed drizzle-kit would (`when` defaults to a second
 * after the last) and returns its tag: 0.31 journal entry `name` (`0001_notes`); 1.0 folder
 * `<YYYYMMDDHHmmss>_notes` (the `0001_` of `name` dropped).
 */
export function addMigration(folder: string, name: string, sqlText: string, when?: number): string {
  const last = migrationsIn(folder).at(-1)?.when ?? 0;
  const at = when ?? last + 1000;
  if (drizzleLine() === '1.0') {
    const tag = `${stamp(at)}_${name.replace(/^\d{4}_/, '')}`;
    mkdirSync(join(folder, tag));
    writeFileSync(join(folder, tag, 'migration.sql'), sqlText);
    return tag;
  }
  const journal = readJournal(folder);
  journal.entries.push({ idx: journal.entries.length, version: '7', when: at, tag: name, breakpoints: true });
  writeFileSync(join(folder, `${name}.sql`), sqlText);
  writeJournal(folder, journal);
  return name;
}

/** The file of one migration of a folder, in either layout. */
export function migrationPath(folder: string, tag: string): string {
  return drizzleLine() === '1.0' ? join(folder, tag, 'migration.sql') : join(folder, `${tag}.sql`);
}

/** Removes a migration from a folder copy (its journal entry too). */
export function removeMigration(folder: string, tag: string): void {
  if (drizzleLine() === '1.0') {
    rmSync(join(folder, tag), { recursive: true });
    return;
  }
  const journal = readJournal(folder);
  journal.entries = journal.entries.filter((e) => e.tag !== tag);
  writeJournal(folder, journal);
  rmSync(join(folder, `${tag}.sql`));
}

/** The tag of the first (`init`) migration of a database's fixture folder. */
export function initTag(database: DatabaseName): string {
  return migrationsIn(testLayout[database].migrations.folder)[0]?.tag as string;
}

export function initSql(database: DatabaseName): string {
  return readFileSync(migrationPath(testLayout[database].migrations.folder, initTag(database)), 'utf8');
}
