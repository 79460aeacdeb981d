import { type DbHandle, drizzleLine, executeRows } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createPgliteTemplate, type PgliteTemplate } from '@multidb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationStatus, type SplitClients } from '../src/index.js';
import {
  addMigration,
  cloneClients,
  copyMigrations,
  migrationsIn,
  tablesIn,
  userSchemas,
} from './support.js';

let empty: PgliteTemplate;
let copy: ReturnType<typeof copyMigrations>;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  empty = await createPgliteTemplate();
});
afterAll(() => empty.close());
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  copy?.remove();
});

async function setup(split: boolean): Promise<{ clients: SplitClients; backup: DbHandle }> {
  const clients = await cloneClients(empty, split);
  const backup = fromPglite(await empty.clone(), { name: 'backup' });
  open.push(clients, backup);
  return { clients, backup };
}

const summary = (report: Awaited<ReturnType<typeof migrate>>) =>
  report.databases.map(
    (d) => `${d.database}/${d.migrationsOf}:${d.outcome}:${d.steps.map((s) => s.outcome).join(',')}`,
  );

describe('migrate with a backup', () => {
  it('split: migrates the backup with the PRIMARY migrations first, then primary and data; status shows all three', async () => {
    const { clients, backup } = await setup(true);
    const before = await migrationStatus(clients, { backup });
    expect(before.databases.map((d) => [d.database, d.migrationsOf, d.pending.length])).toEqual([
      ['primary', 'primary', 1],
      ['data', 'data', 1],
      ['backup', 'primary', 1],
    ]);
    const report = await migrate(clients, { backup });
    expect(report.ok).toBe(true);
    expect(summary(report)).toEqual([
      'backup/primary:ok:applied',
      'primary/primary:ok:applied',
      'data/data:ok:applied',
    ]);
    expect(await userSchemas(backup.db)).toEqual(['accounts', 'billing', 'drizzle']);
    expect(await tablesIn(backup.db, 'drizzle')).toEqual(['__migrations_primary']);
    const again = await migrate(clients, { backup, target: 'primary' });
    expect(summary(again)).toEqual([
      'backup/primary:ok:already-applied',
      'primary/primary:ok:already-applied',
    ]);
    // The DATA database alone does not touch the backup when split.
    expect(summary(await migrate(clients, { backup, target: 'data' }))).toEqual([
      'data/data:ok:already-applied',
    ]);
  });

  it('not split: the backup gets both folders, since both live in the PRIMARY database', async () => {
    const { clients, backup } = await setup(false);
    const report = await migrate(clients, { backup });
    expect(summary(report)).toEqual([
      'backup/primary:ok:applied',
      'backup/data:ok:applied',
      'primary/primary:ok:applied',
      'data/data:ok:applied',
    ]);
    expect(await userSchemas(backup.db)).toEqual(['accounts', 'billing', 'drizzle', 'events', 'lookup']);
  });

  it('a backup behind the primary catches up; one ahead (a run that stopped after it) lets the primary follow', async () => {
    const { clients, backup } = await setup(true);
    copy = copyMigrations('primary');
    const migrations = { primary: { folder: copy.folder } };
    expect((await migrate(clients, { target: 'primary', migrations })).ok).toBe(true); // the backup left behind
    addMigration(copy.folder, '0001_add_col', 'ALTER TABLE "accounts"."members" ADD COLUMN "nick" text;');
    const caughtUp = await migrate(clients, { target: 'primary', migrations, backup });
    expect(summary(caughtUp)).toEqual([
      'backup/primary:ok:applied,applied',
      'primary/primary:ok:already-applied,applied',
    ]);
    // The primary fails after the backup migrated: the backup is now ahead, and the next run lets the primary follow.
    addMigration(copy.folder, '0002_extra', 'CREATE TABLE "accounts"."extra" ("id" integer);');
    await clients.primary.exec('CREATE TABLE accounts.extra (id int)');
    const stopped = await migrate(clients, { target: 'primary', migrations, backup });
    expect(summary(stopped)).toEqual([
      'backup/primary:ok:already-applied,already-applied,applied',
      'primary/primary:failed:already-applied,already-applied,failed',
    ]);
    await clients.primary.exec('DROP TABLE accounts.extra');
    const followed = await migrate(clients, { target: 'primary', migrations, backup });
    expect(summary(followed)).toEqual([
      'backup/primary:ok:already-applied,already-applied,already-applied',
      'primary/primary:ok:already-applied,already-applied,applied',
    ]);
  });

  it('refuses everything when the backup recorded another history, and writes nothing', async () => {
    const { clients, backup } = await setup(true);
    expect((await migrate(clients, { backup })).ok).toBe(true);
    await backup.exec(`UPDATE drizzle.__migrations_primary SET hash = md5(hash)`);
    copy = copyMigrations('primary');
    addMigration(copy.folder, '0001_add_col', 'ALTER TABLE "accounts"."members" ADD COLUMN "nick" text;');
    const report = await migrate(clients, { backup, migrations: { primary: { folder: copy.folder } } });
    expect(report.ok).toBe(false);
    expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
      ['backup', 'blocked'],
      ['primary', 'blocked'],
      ['data', 'blocked'],
    ]);
    const problem = report.databases[1]?.problems[0];
    expect(problem).toMatchObject({
      type: 'BackupHistoryDiverged',
      migrationsTable: 'drizzle.__migrations_primary',
      index: 0,
    });
    expect(report.databases[1]?.messages[0]).toMatch(
      /backup's recorded migrations .* differ from the primary's at record 1/,
    );
    for (const db of [clients.primary.db, backup.db]) {
      const columns = await executeRows<{ n: number }>(
        db,
        `select count(*)::int as n from information_schema.columns where table_schema = 'accounts' and column_name = 'nick'`,
      );
      expect(columns[0]?.n).toBe(0);
    }
    const status = await migrationStatus(clients, {
      backup,
      migrations: { primary: { folder: copy.folder } },
    });
    expect(status.ok).toBe(false);
    expect(status.databases.find((d) => d.database === 'backup')?.mismatch).toMatch(
      /differ from the primary's/,
    );
  });

  it('leaves the primary alone when the backup fails to migrate', async () => {
    const { clients, backup } = await setup(true);
    await backup.exec('CREATE SCHEMA accounts; CREATE TABLE accounts.members (id int);');
    const report = await migrate(clients, { backup });
    expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
      ['backup', 'failed'],
      ['primary', 'blocked'],
      ['data', 'ok'],
    ]);
    expect(report.databases[1]?.problems).toEqual([{ type: 'BackupNotMigrated', outcome: 'failed' }]);
    expect(report.databases[1]?.messages[0]).toMatch(/the primary goes after the backup/);
    expect(await userSchemas(clients.primary.db)).toEqual([]);
  });

  it('a migration merged late (older than the newest applied): 1.0 applies it to the backup, then the primary; 0.45 blocks all', async () => {
    const { clients, backup } = await setup(true);
    copy = copyMigrations('primary');
    const migrations = { primary: { folder: copy.folder } };
    const first = migrationsIn(copy.folder)[0]?.when ?? 0;
    addMigration(
      copy.folder,
      '0002_extra',
      'CREATE TABLE "accounts"."extra" ("id" integer);',
      first + 7_200_000,
    );
    expect((await migrate(clients, { target: 'primary', migrations, backup })).ok).toBe(true);
    const late = addMigration(
      copy.folder,
      '0001_late',
      'CREATE TABLE "accounts"."late" ("id" integer);',
      first + 3_600_000,
    );
    const report = await migrate(clients, { target: 'primary', migrations, backup });
    if (drizzleLine() === '1.0') {
      expect(summary(report)).toEqual([
        'backup/primary:ok:already-applied,already-applied,applied',
        'primary/primary:ok:already-applied,already-applied,applied',
      ]);
      expect(report.databases.map((d) => d.steps.at(-1)?.tag)).toEqual([late, late]);
      for (const db of [backup.db, clients.primary.db])
        expect(await tablesIn(db, 'accounts')).toContain('late');
    } else {
      expect(report.databases.map((d) => [d.database, d.outcome])).toEqual([
        ['backup', 'blocked'],
        ['primary', 'blocked'],
      ]);
      expect(report.databases[0]?.problems.map((p) => p.type)).toEqual(['OutOfOrderMigration']);
      for (const db of [backup.db, clients.primary.db])
        expect(await tablesIn(db, 'accounts')).not.toContain('late');
    }
  });

  it.runIf(drizzleLine() === '1.0')(
    '1.0: a backup missing a migration in the middle is behind, not diverged, and catches up',
    async () => {
      const { clients, backup } = await setup(true);
      copy = copyMigrations('primary');
      const first = migrationsIn(copy.folder)[0]?.when ?? 0;
      addMigration(
        copy.folder,
        '0002_extra',
        'CREATE TABLE "accounts"."extra" ("id" integer);',
        first + 7_200_000,
      );
      // The backup got init + extra from a folder without `late`; the primary then got all three.
      expect(
        (
          await migrate(clients, {
            target: 'primary',
            migrations: { primary: { folder: copy.folder } },
            backup,
          })
        ).ok,
      ).toBe(true);
      addMigration(
        copy.folder,
        '0001_late',
        'CREATE TABLE "accounts"."late" ("id" integer);',
        first + 3_600_000,
      );
      const migrations = { primary: { folder: copy.folder } };
      expect((await migrate(clients, { target: 'primary', migrations })).ok).toBe(true);
      const report = await migrate(clients, { target: 'primary', migrations, backup });
      expect(summary(report)).toEqual([
        'backup/primary:ok:already-applied,already-applied,applied',
        'primary/primary:ok:already-applied,already-applied,already-applied',
      ]);
      expect(await tablesIn(backup.db, 'accounts')).toContain('late');
    },
  );
});
