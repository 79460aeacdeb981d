import { type MigrateCliIo, runMigrateCli } from '@multidb/cli';
import { connect, executeRows } from '@multidb/config';
import { splitLayout } from '@multidb/example-app';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `multidb migrate` with a backup configured (BACKUP_DATABASE_URL), on real PostgreSQL: the backup is migrated
// with the PRIMARY's migrations before the primary, after checking that it recorded the same history.
const PASSWORD = 'backup-mig-pw';
let cluster: PgCluster;
const urlOf = (database: string) => cluster.primary.url.replace(/\/postgres$/, `/${database}`);

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0, password: PASSWORD });
  for (const db of [
    'ok_primary',
    'ok_data',
    'ok_backup',
    'div_primary',
    'div_data',
    'div_backup',
    'bad_backup',
  ])
    await cluster.primary.sql(`create database ${db}`);
});
afterAll(() => cluster?.stop());

const envOf = (prefix: string, backup = `${prefix}_backup`) => ({
  SPLIT_DB_MODE: 'true',
  PRIMARY_DATABASE_URL: urlOf(`${prefix}_primary`),
  DATA_DATABASE_URL: urlOf(`${prefix}_data`),
  BACKUP_DATABASE_URL: urlOf(backup),
});

async function run(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: MigrateCliIo = { env, layout: splitLayout, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runMigrateCli(argv, io);
  const text = out.join('\n');
  expect(text + err.join('\n')).not.toContain(PASSWORD);
  return { code, out: text, err: err.join('\n') };
}

type Db = { database: string; migrationsOf: string; outcome: string; problems: { type: string }[] };

async function sql<T extends Record<string, unknown>>(database: string, text: string): Promise<T[]> {
  const handle = await connect(urlOf(database));
  try {
    return await executeRows<T>(handle.db, text);
  } finally {
    await handle.close();
  }
}
const schemasOf = async (database: string) =>
  (
    await sql<{ name: string }>(
      database,
      `select nspname as name from pg_namespace where nspname in ('config','customer','workspace','reference','drizzle') order by 1`,
    )
  ).map((r) => r.name);

describe('multidb migrate with a backup (real PostgreSQL)', () => {
  it('migrates backup, then primary, then data; status shows all three; a second run is a no-op', async () => {
    const before = await run(['status', '--json'], envOf('ok'));
    expect(before.code).toBe(0);
    const databases = (JSON.parse(before.out) as { databases: (Db & { pending: unknown[] })[] }).databases;
    expect(databases.map((d) => [d.database, d.migrationsOf, d.pending.length])).toEqual([
      ['primary', 'primary', 1],
      ['data', 'data', 1],
      ['backup', 'primary', 1],
    ]);
    const first = await run(['all', '--json'], envOf('ok'));
    expect(first.code, first.out).toBe(0);
    const report = JSON.parse(first.out) as { databases: Db[] };
    expect(report.databases.map((d) => `${d.database}:${d.outcome}`)).toEqual([
      'backup:ok',
      'primary:ok',
      'data:ok',
    ]);
    expect(await schemasOf('ok_backup')).toEqual(['config', 'customer', 'drizzle']);
    // The backup and the primary recorded the same history.
    const history = 'select hash, created_at::text from drizzle.__migrations_primary order by id';
    expect(await sql('ok_backup', history)).toEqual(await sql('ok_primary', history));
    const text = await run(['status'], envOf('ok'));
    expect(text.out).toMatch(
      /backup \(primary migrations\) postgres:\/\/.*\(drizzle\.__migrations_primary\)\n\s+applied 1, pending 0/,
    );
    const again = await run(['all', '--json'], envOf('ok'));
    expect(again.code).toBe(0);
  });

  it('refuses every database when the backup recorded another history, writing nothing (exit 1)', async () => {
    await sql(
      'div_backup',
      `create schema drizzle; create table drizzle.__migrations_primary (id serial primary key, hash text not null, created_at bigint);
       insert into drizzle.__migrations_primary (hash, created_at) values ('from-somewhere-else', 1)`,
    );
    // The backup records a migration the folder does not have: nothing is migrated anywhere.
    const unknown = await run(['all', '--json'], envOf('div'));
    expect(unknown.code).toBe(1);
    const first = JSON.parse(unknown.out) as { ok: boolean; databases: (Db & { messages: string[] })[] };
    expect(first.databases.map((d) => `${d.database}:${d.outcome}`)).toEqual([
      'backup:blocked',
      'primary:blocked',
      'data:blocked',
    ]);
    expect(first.databases[0]?.problems[0]?.type).toBe('VanishedMigration');
    expect(first.databases[1]?.problems[0]).toEqual({ type: 'BackupNotMigrated', outcome: 'blocked' });
    expect(await schemasOf('div_primary')).toEqual([]);
    expect(await schemasOf('div_data')).toEqual([]);

    // --skip-backup migrates without it, and says what that means; then the two histories differ at record 1.
    const skipped = await run(['primary', '--skip-backup'], envOf('div'));
    expect(skipped.code).toBe(0);
    expect(skipped.err).toMatch(/--skip-backup: the backup is not migrated/);
    const refused = await run(['all', '--json'], envOf('div'));
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.out) as { ok: boolean; databases: (Db & { messages: string[] })[] };
    expect(report.ok).toBe(false);
    expect(report.databases.map((d) => `${d.database}:${d.outcome}`)).toEqual([
      'backup:blocked',
      'primary:blocked',
      'data:blocked',
    ]);
    expect(report.databases[1]?.problems[0]?.type).toBe('BackupHistoryDiverged');
    expect(report.databases[1]?.messages[0]).toMatch(
      /differ from the primary's at record 1: the primary has created_at \d+ \(hash [0-9a-f]{12}\), the backup created_at 1/,
    );
    expect(await schemasOf('div_data')).toEqual([]);
    expect(await schemasOf('div_backup')).toEqual(['drizzle']);
    const status = await run(['status'], envOf('div'));
    expect(status.code).toBe(1);
    expect(status.out).toMatch(/! the backup's recorded migrations/);
  });

  it('a backup that fails to migrate leaves the primary untouched; a backup that is the primary is bad config', async () => {
    await sql('bad_backup', 'create schema config; create table config.feature_flags (id int)');
    const env = { ...envOf('div', 'bad_backup'), PRIMARY_DATABASE_URL: urlOf('bad_backup') };
    expect((await run(['all'], env)).code).toBe(2);
    await sql(
      'div_primary',
      'drop schema config cascade; drop schema customer cascade; drop schema drizzle cascade',
    );
    const failing = await run(['primary', '--json'], envOf('div', 'bad_backup'));
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.out) as { databases: Db[] };
    expect(report.databases.map((d) => `${d.database}:${d.outcome}`)).toEqual([
      'backup:failed',
      'primary:blocked',
    ]);
    expect(report.databases[1]?.problems).toEqual([{ type: 'BackupNotMigrated', outcome: 'failed' }]);
    expect(await schemasOf('div_primary')).toEqual([]);
  });
});
