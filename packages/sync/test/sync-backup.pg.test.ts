import { connect, type DbHandle, type UrlDriver } from '@multidb/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEndpoint, type SqlEndpoint, syncBackup } from '../src/index.js';
import { type PgPair, startPgPair } from './support/pg-pair.js';
import { killGroup, runCli, startCli } from './support/run-cli.js';
import { SYNCED_TABLES, tableSnapshot } from './support/table-snapshot.js';
import { SCHEMA_DDL, seedSql } from './support/test-schema.js';

const MARKER = 'Marker-Pw-7c1e9';
const DROP = `DROP SCHEMA IF EXISTS shop CASCADE; DROP SCHEMA IF EXISTS "we""ird; schema" CASCADE;
  DROP SCHEMA IF EXISTS bulk CASCADE; DROP SCHEMA IF EXISTS multidb_sync CASCADE;`;
const BULK_DDL =
  'CREATE SCHEMA bulk; CREATE TABLE bulk.items (id bigint PRIMARY KEY, payload text NOT NULL);';

let pair: PgPair;
let primary: DbHandle;
let backup: DbHandle;
let source: SqlEndpoint;
let target: SqlEndpoint;

beforeAll(async () => {
  pair = await startPgPair(MARKER);
  ({ primary, backup } = pair);
  source = await resolveEndpoint(primary, 'source');
  target = await resolveEndpoint(backup, 'target');
});
afterAll(async () => {
  await pair?.stop();
});

async function reset(n: number): Promise<void> {
  await Promise.all([primary.exec(DROP + SCHEMA_DDL + BULK_DDL), backup.exec(DROP + SCHEMA_DDL + BULK_DDL)]);
  await primary.exec(seedSql(n));
}

async function expectEqual(tables = SYNCED_TABLES): Promise<void> {
  for (const table of tables) {
    const [a, b] = await Promise.all([tableSnapshot(source, table), tableSnapshot(target, table)]);
    expect(b.length, table).toBe(a.length);
    expect(b, table).toEqual(a);
  }
}

const urls = () => pair.urlFlags;

// The row path and the COPY path, with databases over each driver (the CLI cases below use the default one).
describe.each(['postgres', 'pg'] as const satisfies readonly UrlDriver[])('syncBackup over %s', (driver) => {
  let handles: { primary: DbHandle; backup: DbHandle };
  beforeAll(async () => {
    handles =
      driver === 'postgres'
        ? { primary, backup }
        : {
            primary: await connect(pair.primaryUrl, { driver, max: 1 }),
            backup: await connect(pair.backupUrl, { driver, max: 1 }),
          };
  });
  afterAll(async () => {
    if (driver !== 'postgres') await Promise.all([handles.primary.close(), handles.backup.close()]);
  });

  it('copies through COPY streams, row for row; a re-run writes nothing; changes are picked up', async () => {
    const { primary, backup } = handles;
    await reset(3000);
    const report = (
      await syncBackup({ source: primary, target: backup, copyChunkRows: 1000 })
    )._unsafeUnwrap();
    expect(report.ok).toBe(true);
    expect(report.tables.find((t) => t.table === 'shop.orders')).toMatchObject({
      strategy: 'copy',
      rowsRead: 6000,
      rowsWritten: 6000,
    });
    await expectEqual();
    const [customer] = await target.rows<{ id: number }>(
      `INSERT INTO shop.customers (name, created) VALUES ('new', now()) RETURNING id`,
    );
    expect(customer?.id).toBe(3001);
    await target.rows('DELETE FROM shop.customers WHERE id = 3001');

    const again = (
      await syncBackup({ source: primary, target: backup, copyChunkRows: 1000 })
    )._unsafeUnwrap();
    expect(again.rowsWritten).toBe(0);
    await source.rows(`UPDATE shop.customers SET meta = '{"changed": true}' WHERE id IN (10, 2000)`);
    const third = (
      await syncBackup({ source: primary, target: backup, copyChunkRows: 1000 })
    )._unsafeUnwrap();
    expect(third.rowsWritten).toBe(2);
    await expectEqual();
  });

  it('copies in row batches too, and reports a cycle a non-superuser cannot copy', async () => {
    const { primary, backup } = handles;
    await reset(500);
    const report = (await syncBackup({ source: primary, target: backup, useCopy: false }))._unsafeUnwrap();
    expect(report.tables.find((t) => t.table === 'shop.orders')?.strategy).toBe('batch');
    await expectEqual();
    await backup.exec(`ALTER TABLE shop.teams ALTER CONSTRAINT teams_captain_fk NOT DEFERRABLE;
      DROP ROLE IF EXISTS limited; CREATE ROLE limited LOGIN PASSWORD 'limited-pw';
      GRANT USAGE, CREATE ON SCHEMA shop TO limited; GRANT ALL ON ALL TABLES IN SCHEMA shop TO limited;
      GRANT CREATE ON DATABASE postgres TO limited; GRANT USAGE ON SCHEMA multidb_sync TO limited;
      GRANT ALL ON multidb_sync.checkpoint TO limited;`);
    const limitedUrl = pair.backupUrl.replace(/\/\/[^@]*@/, '//limited:limited-pw@');
    // A URL is opened with the driver MULTIDB_DRIVER names.
    process.env.MULTIDB_DRIVER = driver;
    let result: Awaited<ReturnType<typeof syncBackup>>;
    try {
      result = await syncBackup({
        source: primary,
        target: limitedUrl,
        tables: ['shop.teams', 'shop.players'],
      });
    } finally {
      delete process.env.MULTIDB_DRIVER;
    }
    if (result.isErr()) throw new Error(result.error.message);
    const blocked = result.value;
    expect(blocked.ok).toBe(false);
    expect(blocked.tables.map((t) => t.status)).toEqual(['failed', 'failed']);
    expect(blocked.tables[0]?.reason).toMatch(/reference each other.*session_replication_role/);
    await backup.exec('DROP OWNED BY limited; DROP ROLE limited;');
  });
});

describe('syncBackup on real PostgreSQL', () => {
  it('resumes after the CLI is killed mid-copy', async () => {
    await reset(10);
    await primary.exec(
      `INSERT INTO bulk.items SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, 400000) i`,
    );
    const run = startCli('sync-backup.ts', [
      ...urls(),
      '--tables',
      'bulk.items',
      '--chunk-rows',
      '2000',
      '--json',
    ]);
    try {
      let copied = 0;
      while (copied < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const [exists] = await target.rows<{ found: boolean }>(
          `SELECT to_regclass('multidb_sync.checkpoint') IS NOT NULL AS found`,
        );
        if (!exists?.found) continue;
        const [row] = await target.rows<{ n: string }>(
          `SELECT sum(rows_copied)::text AS n FROM multidb_sync.checkpoint WHERE table_id = '["bulk","items"]'`,
        );
        copied = Number(row?.n ?? 0);
      }
    } finally {
      killGroup(run.child);
    }
    const killed = await run.done;
    expect(killed.code).not.toBe(0);
    const [partial] = await target.rows<{ n: number }>('SELECT count(*)::int AS n FROM bulk.items');
    expect(partial?.n).toBeGreaterThanOrEqual(20_000);
    expect(partial?.n).toBeLessThan(400_000);

    const resumed = await runCli('sync-backup.ts', [
      ...urls(),
      '--tables',
      'bulk.items',
      '--chunk-rows',
      '50000',
      '--json',
    ]);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.tables[0].resumedAfterRows).toBeGreaterThanOrEqual(20_000);
    expect(report.tables[0].resumedAfterRows + report.tables[0].rowsRead).toBe(400_000);
    await expectEqual(['bulk.items']);
  });

  it('CLI: exit codes, --json, nothing written on bad arguments, no secret printed', async () => {
    await reset(50);
    const bad = await runCli('sync-backup.ts', [...urls(), '--batch-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--batch-size must be a whole number/);
    const unknown = await runCli('sync-backup.ts', [...urls(), '--tables', 'shop.nope', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { type: 'UnknownTable' } });
    const [schema] = await target.rows<{ found: boolean }>(
      `SELECT to_regnamespace('multidb_sync') IS NOT NULL AS found`,
    );
    expect(schema?.found).toBe(false);

    const good = await runCli('sync-backup.ts', ['--json'], {
      DATABASE_URL: pair.primaryUrl,
      BACKUP_DATABASE_URL: pair.backupUrl,
    });
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
    await expectEqual();

    const down = await runCli('sync-backup.ts', [
      '--source',
      pair.primaryUrl,
      '--target',
      `postgres://postgres:${MARKER}@127.0.0.1:1/postgres`,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/target/);
    for (const output of [bad, unknown, good, down]) {
      expect(output.stdout + output.stderr).not.toContain(MARKER);
    }
  });
});
