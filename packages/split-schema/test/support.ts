import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnyPgDatabase, executeRows } from '@multidb/config';
import type { PgliteTemplate } from '@multidb/testing';
import type { DatabaseName } from '../src/index.js';
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

export function readJournal(folder: string): Journal {
  return JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal;
}

export function writeJournal(folder: string, journal: Journal): void {
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal, null, 2));
}

/** Appends a hand-written migration to a folder copy, as drizzle-kit would (`when` defaults to after the last). */
export function addMigration(folder: string, tag: string, sqlText: string, when?: number): void {
  const journal = readJournal(folder);
  const last = journal.entries.at(-1)?.when ?? 0;
  journal.entries.push({
    idx: journal.entries.length,
    version: '7',
    when: when ?? last + 1000,
    tag,
    breakpoints: true,
  });
  journal.entries.sort((a, b) => a.idx - b.idx);
  writeFileSync(join(folder, `${tag}.sql`), sqlText);
  writeJournal(folder, journal);
}

export function initSql(database: DatabaseName): string {
  return readFileSync(join(testLayout[database].migrations.folder, '0000_init.sql'), 'utf8');
}
