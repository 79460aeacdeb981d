import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzleLine } from '@multidb/config';
import { createPgliteTemplate, type PgliteTemplate } from '@multidb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatStatusReport, migrate, migrationStatus, type SplitClients } from '../src/index.js';
import {
  addMigration,
  cloneClients,
  copyMigrations,
  initTag,
  migrationPath,
  migrationsIn,
  removeMigration,
  tablesIn,
} from './support.js';

let empty: PgliteTemplate;
let clients: SplitClients;
let copy: ReturnType<typeof copyMigrations>;
beforeAll(async () => {
  empty = await createPgliteTemplate();
});
afterAll(() => empty.close());
afterEach(async () => {
  await clients?.close();
  copy?.remove();
});

/** Clients (one database) plus a temporary copy of the DATA folder used for the data side. */
async function withDataCopy() {
  clients = await cloneClients(empty, false);
  copy = copyMigrations('data');
  return { migrations: { data: { folder: copy.folder } } };
}

describe('migrationStatus', () => {
  it('lists pending, then applied migrations per database', async () => {
    const options = await withDataCopy();
    const before = await migrationStatus(clients, options);
    expect(before.ok).toBe(true);
    expect(before.databases.map((d) => [d.database, d.pending.map((m) => m.tag), d.applied.length])).toEqual([
      ['primary', [initTag('primary')], 0],
      ['data', [initTag('data')], 0],
    ]);
    await migrate(clients, options);
    const notes = addMigration(
      copy.folder,
      '0001_notes',
      'CREATE TABLE "events"."notes" ("id" text PRIMARY KEY NOT NULL);',
    );
    const after = await migrationStatus(clients, options);
    expect(after.databases.map((d) => [d.database, d.pending.map((m) => m.tag), d.applied.length])).toEqual([
      ['primary', [], 1],
      ['data', [notes], 1],
    ]);
    expect(formatStatusReport(after)).toContain(`pending      ${notes}`);
  });

  it('reports a changed migration and refuses to migrate that database', async () => {
    const options = await withDataCopy();
    await migrate(clients, options);
    const init = initTag('data');
    appendFileSync(migrationPath(copy.folder, init), '\n-- edited after it was applied\n');
    const notes = addMigration(
      copy.folder,
      '0001_notes',
      'CREATE TABLE "events"."notes" ("id" text PRIMARY KEY NOT NULL);',
    );
    const status = await migrationStatus(clients, options);
    expect(status.ok).toBe(false);
    expect(status.databases[1]?.changed.map((c) => c.tag)).toEqual([init]);

    const report = await migrate(clients, options);
    const data = report.databases[1];
    expect(data?.outcome).toBe('blocked');
    expect(data?.problems.map((p) => p.type)).toEqual(['ChangedMigration']);
    expect(data?.messages[0]).toContain(`${init} was applied but its file changed`);
    expect(data?.steps.map((s) => `${s.tag}:${s.outcome}`)).toEqual([
      `${init}:already-applied`,
      `${notes}:not-executed`,
    ]);
    expect(await tablesIn(clients.data.db, 'events')).not.toContain('notes');
    expect(report.databases[0]?.outcome).toBe('ok');
  });

  it('reports a vanished migration (recorded, file gone) and blocks on it', async () => {
    const options = await withDataCopy();
    const notes = addMigration(
      copy.folder,
      '0001_notes',
      'CREATE TABLE "events"."notes" ("id" text PRIMARY KEY NOT NULL);',
    );
    await migrate(clients, options);
    const gone = migrationsIn(copy.folder).at(-1);
    removeMigration(copy.folder, notes);
    const status = await migrationStatus(clients, options);
    expect(status.databases[1]?.vanished.map((v) => v.createdAt)).toEqual([gone?.when]);
    const report = await migrate(clients, options);
    expect(report.databases[1]?.problems.map((p) => p.type)).toEqual(['VanishedMigration']);
  });

  it.runIf(drizzleLine() === '0.45')(
    '0.45: reports a migration older than the last applied one, which drizzle would skip, and blocks',
    async () => {
      const options = await withDataCopy();
      await migrate(clients, options);
      const first = migrationsIn(copy.folder)[0]?.when ?? 0;
      const late = addMigration(
        copy.folder,
        '0001_late_branch',
        'CREATE TABLE "events"."late" ("id" text);',
        first - 1000,
      );
      const status = await migrationStatus(clients, options);
      expect(status.ok).toBe(false);
      expect(status.databases[1]?.outOfOrder).toEqual([
        expect.objectContaining({ tag: late, newestApplied: initTag('data'), runs: false }),
      ]);
      expect(status.databases[1]?.pending).toEqual([]);
      expect(formatStatusReport(status)).toContain(`out of order ${late}`);
      expect((await migrate(clients, options)).databases[1]?.outcome).toBe('blocked');
      expect(await tablesIn(clients.data.db, 'events')).not.toContain('late');
    },
  );

  it.runIf(drizzleLine() === '1.0')(
    '1.0: reports a migration older than the newest applied one as out of order; migrate applies it',
    async () => {
      const options = await withDataCopy();
      const first = migrationsIn(copy.folder)[0]?.when ?? 0;
      const second = addMigration(
        copy.folder,
        '0002_second',
        'CREATE TABLE "events"."second" ("id" text);',
        first + 3_600_000,
      );
      await migrate(clients, options);
      // A branch merged late: its folder sorts between the two applied ones.
      const late = addMigration(
        copy.folder,
        '0001_late_branch',
        'CREATE TABLE "events"."late" ("id" text);',
        first + 1_800_000,
      );
      expect(migrationsIn(copy.folder).map((m) => m.tag)).toEqual([initTag('data'), late, second]);
      const status = await migrationStatus(clients, options);
      const data = status.databases[1];
      expect(data?.outOfOrder).toEqual([
        expect.objectContaining({ tag: late, newestApplied: second, runs: true }),
      ]);
      expect(data?.pending.map((m) => m.tag)).toEqual([late]);
      expect(status.ok).toBe(true);
      expect(formatStatusReport(status)).toContain(
        `out of order ${late} (older than the applied ${second}; migrate runs it after it)`,
      );

      const report = await migrate(clients, options);
      expect(report.databases[1]?.outcome).toBe('ok');
      expect(report.databases[1]?.steps.at(-1)).toMatchObject({
        tag: late,
        outcome: 'applied',
        detail: `out of order: older than ${second}, which was applied before it`,
      });
      expect(await tablesIn(clients.data.db, 'events')).toContain('late');
      const again = await migrationStatus(clients, options);
      expect(again.databases[1]?.outOfOrder).toEqual([]);
      expect(again.databases[1]?.applied.map((m) => m.tag)).toEqual([initTag('data'), late, second]);
    },
  );

  it('reports an unreadable folder as an error of that database only', async () => {
    clients = await cloneClients(empty, false);
    copy = copyMigrations('data');
    const status = await migrationStatus(clients, {
      migrations: { data: { folder: join(copy.folder, 'nope') } },
    });
    expect(status.databases[0]?.error).toBeUndefined();
    expect(status.databases[1]?.error).toMatch(
      drizzleLine() === '1.0' ? /no folder/ : /no meta\/_journal.json/,
    );
  });
});

describe('migrate failures', () => {
  it('names the failing migration, rolls back the run and still migrates the other database', async () => {
    const options = await withDataCopy();
    const broken = addMigration(
      copy.folder,
      '0001_broken',
      'CREATE TABLE "events"."x" ("id" text);\n--> statement-breakpoint\nSELECT * FROM "nowhere";',
    );
    const report = await migrate(clients, options);
    expect(report.ok).toBe(false);
    expect(report.databases[0]?.outcome).toBe('ok');
    const data = report.databases[1];
    expect(data?.outcome).toBe('failed');
    expect(data?.error).toMatch(/nowhere/);
    expect(data?.steps.map((s) => `${s.tag}:${s.outcome}`)).toEqual([
      `${initTag('data')}:not-executed`,
      `${broken}:failed`,
    ]);
    expect(data?.steps[0]?.detail).toBe('rolled back with the failed migration');
    const status = await migrationStatus(clients, options);
    expect(status.databases[1]?.pending.map((m) => m.tag)).toEqual([initTag('data'), broken]);
  });

  it('under repair, runs a migration it cannot verify instead of recording it', async () => {
    const options = await withDataCopy();
    await migrate(clients, options);
    addMigration(
      copy.folder,
      '0001_alter',
      'ALTER TABLE "events"."event_log" ALTER COLUMN "kind" SET DEFAULT \'login\';',
    );
    const report = await migrate(clients, { ...options, repair: true });
    expect(report.ok).toBe(true);
    const step = report.databases[1]?.steps.at(-1);
    expect(step?.outcome).toBe('applied');
    expect(step?.detail).toMatch(/cannot verify: ALTER TABLE "events"."event_log" ALTER COLUMN/);
  });
});
