import { connect, type DbHandle, type UrlDriver } from '@multidb/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDrift, createDriftHealthHandler, syncBackup } from '../src/index.js';
import { type PgPair, startPgPair } from './support/pg-pair.js';
import { runCli } from './support/run-cli.js';
import { SCHEMA_DDL, seedSql } from './support/test-schema.js';

const MARKER = 'Marker-Pw-d41f0';
const TOKEN = 'operator-token-0123456789';
let pair: PgPair;
let primary: DbHandle;
let backup: DbHandle;
let backupUrl: string;

beforeAll(async () => {
  pair = await startPgPair(MARKER);
  ({ primary, backup, backupUrl } = pair);
  const bulk =
    'CREATE SCHEMA bulk; CREATE TABLE bulk.items (id bigint PRIMARY KEY, payload text NOT NULL, n int);';
  await Promise.all([primary.exec(SCHEMA_DDL + bulk), backup.exec(SCHEMA_DDL + bulk)]);
  await primary.exec(`${seedSql(400)}
    INSERT INTO bulk.items SELECT i, md5(i::text), i % 97 FROM generate_series(1, 50000) AS i;`);
  expect((await syncBackup({ source: primary, target: backup }))._unsafeUnwrap().ok).toBe(true);
});
afterAll(async () => {
  await pair?.stop();
});

const urls = () => pair.urlFlags;

// Drift found and repaired with databases over each driver, and the CLI opening its URLs with MULTIDB_DRIVER.
describe.each(['postgres', 'pg'] as const satisfies readonly UrlDriver[])('drift over %s', (driver) => {
  it('finds changed, missing and extra rows and repairs them', async () => {
    const [source, target] = await Promise.all([
      connect(pair.primaryUrl, { driver, max: 1 }),
      connect(pair.backupUrl, { driver, max: 1 }),
    ]);
    try {
      await backup.exec(`UPDATE bulk.items SET n = -2 WHERE id IN (5, 25000);
        DELETE FROM bulk.items WHERE id = 4242; INSERT INTO bulk.items VALUES (70000, 'extra', 0);`);
      const found = (
        await checkDrift({ source, target, recheckDelayMs: 0, tables: ['bulk.items'] })
      )._unsafeUnwrap();
      expect(found.tables[0]).toMatchObject({ changed: 2, missing: 1, extra: 1 });
      const repaired = (
        await checkDrift({ source, target, recheckDelayMs: 0, tables: ['bulk.items'], repair: true })
      )._unsafeUnwrap();
      expect(repaired).toMatchObject({ driftFound: true, repaired: true, clean: true });
      await backup.exec('UPDATE bulk.items SET n = -3 WHERE id = 6');
      const cli = await runCli(
        'drift.ts',
        [...urls(), '--tables', 'bulk.items', '--repair', '--recheck-delay-ms', '0'],
        {
          MULTIDB_DRIVER: driver,
        },
      );
      expect(cli.code).toBe(0);
      expect(cli.stdout).toMatch(/clean after repair/);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  });
});

describe('drift on real PostgreSQL', () => {
  it('locates 10 changed rows among 50,000 and the other kinds, repairs them through the CLI', async () => {
    const clean = await runCli('drift.ts', [...urls(), '--json', '--recheck-delay-ms', '0']);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ clean: true, driftFound: false });

    const changed = [3, 999, 10_000, 10_001, 19_999, 20_000, 33_333, 40_000, 49_999, 50_000];
    await backup.exec(`UPDATE bulk.items SET n = -1 WHERE id IN (${changed.join(', ')});
      DELETE FROM bulk.items WHERE id = 777; INSERT INTO bulk.items VALUES (60000, 'extra', 0);
      UPDATE shop.customers SET tags = ARRAY['x'] WHERE id = 9;`);
    const report = (await checkDrift({ source: primary, target: backup, recheckDelayMs: 0 }))._unsafeUnwrap();
    const items = report.tables.find((t) => t.table === 'bulk.items');
    expect(items).toMatchObject({
      sourceRows: 50_000,
      targetRows: 50_000,
      changed: 10,
      missing: 1,
      extra: 1,
    });
    expect(
      items?.rows
        .filter((r) => r.kind === 'changed')
        .map((r) => Number(r.key.id))
        .sort((a, b) => a - b),
    ).toEqual(changed);

    const found = await runCli('drift.ts', [...urls(), '--json', '--recheck-delay-ms', '10']);
    expect(found.code).toBe(1);
    expect(
      JSON.parse(found.stdout).tables.find((t: { table: string }) => t.table === 'shop.customers'),
    ).toMatchObject({
      changed: 1,
    });
    const repaired = await runCli('drift.ts', [...urls(), '--repair', '--recheck-delay-ms', '0']);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/clean after repair/);
    const after = await runCli('drift.ts', [...urls(), '--recheck-delay-ms', '0']);
    expect(after.code).toBe(0);
    for (const run of [clean, found, repaired, after]) expect(run.stdout + run.stderr).not.toContain(MARKER);
  });

  it('reports schema drift (exit 1) and errors (exit 2) without printing secrets', async () => {
    await backup.exec(
      'ALTER TABLE bulk.items ALTER COLUMN n TYPE bigint; CREATE INDEX items_n ON bulk.items (n);',
    );
    try {
      const schema = await runCli('drift.ts', [
        ...urls(),
        '--json',
        '--tables',
        'bulk.items',
        '--recheck-delay-ms',
        '0',
      ]);
      expect(schema.code).toBe(1);
      const report = JSON.parse(schema.stdout);
      expect(report.schema).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'column',
            object: 'bulk.items.n',
            source: 'integer',
            target: 'bigint',
          }),
          expect.objectContaining({
            kind: 'index',
            object: 'bulk.items items_n',
            difference: 'extra-on-target',
          }),
        ]),
      );
      expect(report.tables[0]).toMatchObject({ status: 'clean', ignoredColumns: ['n'] });
    } finally {
      await backup.exec('DROP INDEX bulk.items_n; ALTER TABLE bulk.items ALTER COLUMN n TYPE int;');
    }
    const bad = await runCli('drift.ts', [...urls(), '--chunk-rows', 'many']);
    expect(bad.code).toBe(2);
    const down = await runCli('drift.ts', ['--json'], {
      DATABASE_URL: pair.primaryUrl,
      BACKUP_DATABASE_URL: `postgres://postgres:${MARKER}@127.0.0.1:1/postgres`,
    });
    expect(down.code).toBe(2);
    expect(JSON.parse(down.stdout)).toMatchObject({ error: { type: 'ConnectFailed' } });
    for (const run of [bad, down]) expect(run.stdout + run.stderr).not.toContain(MARKER);
  });

  it('health handler: admin only, counts per table, no connection string even when a database is down', async () => {
    const handler = createDriftHealthHandler({
      source: pair.primaryUrl,
      target: backupUrl,
      token: TOKEN,
      tables: ['bulk.items'],
    });
    expect((await handler(new Request('http://x/health'))).status).toBe(401);
    const ok = await handler(
      new Request('http://x/health', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(ok.status).toBe(200);
    const body = await ok.text();
    expect(JSON.parse(body)).toMatchObject({
      status: 'ok',
      tables: [{ table: 'bulk.items', sourceRows: 50_000, drift: false }],
    });
    const down = createDriftHealthHandler({
      source: pair.primaryUrl,
      target: `postgres://postgres:${MARKER}@127.0.0.1:1/postgres`,
      token: TOKEN,
    });
    const failed = await down(
      new Request('http://x/health', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(failed.status).toBe(503);
    const text = await failed.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'error', error: { side: 'target' } });
    for (const output of [body, text]) {
      expect(output).not.toContain(MARKER);
      expect(output).not.toMatch(/postgres:\/\//);
    }
  });
});
