import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DbHandle, drizzleLine, executeRows } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createPgliteTemplate, type PgliteTemplate } from '@multidb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  formatMigrationReport,
  formatStatusReport,
  installedFolderLayout,
  migrate,
  migrationStatus,
  type SplitClients,
} from '../src/index.js';
import { runDrizzleMigrator } from '../src/migrations/run-drizzle-migrator.js';
import { MIGRATIONS_ROOT, MIGRATIONS_ROOT_1 } from './fixtures/test-layout.js';
import {
  addMigration,
  cloneClients,
  copyMigrations,
  initSql,
  initTag,
  migrationsIn,
  tablesIn,
  userSchemas,
} from './support.js';

let empty: PgliteTemplate;
const open: { close(): Promise<void> }[] = [];
const cleanup: (() => void)[] = [];
beforeAll(async () => {
  empty = await createPgliteTemplate();
});
afterAll(() => empty.close());
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  for (const f of cleanup.splice(0)) f();
});

/** A copy of the DATA fixture folder in the layout of the line that is NOT installed. */
function otherLineDataFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'multidb-layout-'));
  cleanup.push(() => rmSync(root, { recursive: true, force: true }));
  const source = drizzleLine() === '1.0' ? MIGRATIONS_ROOT : MIGRATIONS_ROOT_1;
  cpSync(join(source, 'data'), join(root, 'data'), { recursive: true });
  return join(root, 'data');
}

async function setup(): Promise<{ clients: SplitClients; backup: DbHandle }> {
  const clients = await cloneClients(empty, true);
  const backup = fromPglite(await empty.clone(), { name: 'backup' });
  open.push(clients, backup);
  return { clients, backup };
}

describe('a migrations folder in the other drizzle-kit line layout', () => {
  it('blocks every database of the run (backup included) and applies nothing; status names the folder', async () => {
    const { clients, backup } = await setup();
    const folder = otherLineDataFolder();
    const migrations = { data: { folder } };
    const expected = installedFolderLayout();
    const found = expected === 'folders' ? 'journal' : 'folders';

    const report = await migrate(clients, { backup, migrations });
    expect(report.ok).toBe(false);
    expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
      ['backup', 'blocked'],
      ['primary', 'blocked'],
      ['data', 'blocked'],
    ]);
    for (const db of report.databases)
      expect(db.problems).toEqual([
        expect.objectContaining({ type: 'MigrationLayoutMismatch', folder, found, expected }),
      ]);
    const message = report.databases[0]?.messages[0] ?? '';
    expect(message).toContain(folder);
    expect(message).toContain('nothing was migrated');
    expect(message).toMatch(drizzleLine() === '1.0' ? /drizzle-kit up/ : /install drizzle-orm 1\.0/);
    expect(formatMigrationReport(report)).toContain(`! ${message}`);
    for (const db of [clients.primary.db, clients.data.db, backup.db])
      expect(await userSchemas(db)).toEqual([]);

    const status = await migrationStatus(clients, { backup, migrations });
    expect(status.ok).toBe(false);
    const [primary, data] = status.databases;
    expect(primary?.error).toBeUndefined();
    expect(primary?.pending.map((m) => m.tag)).toEqual([initTag('primary')]);
    expect(data?.layoutMismatch).toEqual({ found, expected });
    expect(data?.error).toContain(folder);
    expect(formatStatusReport(status)).toContain(`error: ${data?.error}`);
  });

  it('the migrator wrapper refuses it with a DrizzleIncompatible error before running anything', async () => {
    const { clients } = await setup();
    const folder = otherLineDataFolder();
    await expect(
      runDrizzleMigrator(clients.data, { folder, table: '__migrations_data', schema: 'drizzle' }),
    ).rejects.toMatchObject({ code: 'DrizzleIncompatible', context: { folder } });
    expect(await userSchemas(clients.data.db)).toEqual([]);
  });
});

describe.runIf(drizzleLine() === '1.0')('1.0: a database migrated by drizzle-orm 0.45', () => {
  it('its records (no name column, created_at in ms) count as applied; the next migrate upgrades the table', async () => {
    const clients = await cloneClients(empty, true);
    open.push(clients);
    const copy = copyMigrations('data');
    cleanup.push(copy.remove);
    const migrations = { data: { folder: copy.folder } };
    // What drizzle-orm 0.45 left: the objects, and its table with the journal's `when` (ms) of the 0.31 folder.
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_ROOT, 'data', 'meta', '_journal.json'), 'utf8'));
    const legacy = (journal as { entries: { when: number }[] }).entries[0]?.when ?? 0;
    expect(legacy % 1000).not.toBe(0); // ms precision, unlike 1.0's folder timestamps
    await clients.data.exec(initSql('data'));
    await clients.data.exec(
      `CREATE SCHEMA drizzle; CREATE TABLE drizzle.__migrations_data (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
       INSERT INTO drizzle.__migrations_data (hash, created_at)
         VALUES ('${migrationsIn(copy.folder)[0]?.hash}', ${legacy});`,
    );
    const status = await migrationStatus(clients, { target: 'data', migrations });
    expect(status.ok).toBe(true);
    expect(status.databases[0]).toMatchObject({
      applied: [{ tag: initTag('data') }],
      pending: [],
      vanished: [],
    });

    const notes = addMigration(copy.folder, '0001_notes', 'CREATE TABLE "events"."notes" ("id" text);');
    const report = await migrate(clients, { target: 'data', migrations });
    expect(report.databases[0]?.steps.map((s) => `${s.tag}:${s.outcome}`)).toEqual([
      `${initTag('data')}:already-applied`,
      `${notes}:applied`,
    ]);
    expect(await tablesIn(clients.data.db, 'events')).toContain('notes');
    const rows = await executeRows<{ name: string | null }>(
      clients.data.db,
      'select name from drizzle.__migrations_data order by id',
    );
    expect(rows.map((r) => r.name)).toEqual([initTag('data'), notes]);
  });

  it('repair records the migration name, so drizzle 1.0 does not run it again', async () => {
    const clients = await cloneClients(empty, true);
    open.push(clients);
    const copy = copyMigrations('data');
    cleanup.push(copy.remove);
    const migrations = { data: { folder: copy.folder } };
    await clients.data.exec(initSql('data'));
    const repaired = await migrate(clients, { target: 'data', migrations, repair: true });
    expect(repaired.databases[0]?.steps.map((s) => s.outcome)).toEqual(['recorded']);
    const rows = await executeRows<{ name: string | null }>(
      clients.data.db,
      'select name from drizzle.__migrations_data',
    );
    expect(rows.map((r) => r.name)).toEqual([initTag('data')]);
    // drizzle's own migrator, with one more migration: runs only the new one (the recorded one is matched by name).
    addMigration(copy.folder, '0001_notes', 'CREATE TABLE "events"."notes" ("id" text);');
    const next = await migrate(clients, { target: 'data', migrations });
    expect(next.ok).toBe(true);
    expect(next.databases[0]?.steps.map((s) => s.outcome)).toEqual(['already-applied', 'applied']);
  });

  it('a row of a 1.0 table with an empty name is not taken as applied (drizzle 1.0 would run it again): blocked', async () => {
    const clients = await cloneClients(empty, true);
    open.push(clients);
    expect((await migrate(clients, { target: 'data' })).ok).toBe(true);
    await clients.data.exec('UPDATE drizzle.__migrations_data SET name = NULL');
    const status = await migrationStatus(clients, { target: 'data' });
    expect(status.ok).toBe(false);
    expect(status.databases[0]?.vanished).toHaveLength(1);
    expect(status.databases[0]?.pending.map((m) => m.tag)).toEqual([initTag('data')]);
    const report = await migrate(clients, { target: 'data' });
    expect(report.databases[0]?.outcome).toBe('blocked');
    expect(report.databases[0]?.problems.map((p) => p.type)).toEqual(['VanishedMigration']);
  });
});
