import { type PgCluster, startPgCluster } from '@multidb/testing';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePostgresJs } from 'drizzle-orm/postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertPgDatabase, connect, driverOf, drizzleLine, executeRows } from '../src/index.js';
import { describeDriver } from './support/driver-suite.js';

let cluster: PgCluster;

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

describeDriver({ kind: 'postgres', open: () => connect(cluster.primary.url, { max: 3 }) });
describeDriver({ kind: 'pg', open: () => connect(cluster.primary.url, { driver: 'pg', max: 3 }) });

it('MULTIDB_DRIVER=pg opens node-postgres, with a redacted safeUrl', async () => {
  const handle = await connect(cluster.primary.url, { env: { MULTIDB_DRIVER: 'pg' } });
  try {
    expect(handle.kind).toBe('pg');
    expect(handle.safeUrl).not.toMatch(/:[^/@]+@/);
    await handle.exec('select 1; select 2');
  } finally {
    await handle.close();
  }
});

it("takes the application's own Drizzle databases: pg.Pool, pg.Client, postgres.js", async () => {
  const pool = new pg.Pool({ connectionString: cluster.primary.url, max: 2 });
  const client = new pg.Client({ connectionString: cluster.primary.url });
  await client.connect();
  const sql = postgres(cluster.primary.url, { max: 1, onnotice: () => {} });
  try {
    // `drizzle({ client })` on both lines; the positional `drizzle(client)` on 0.45 only (1.0 reads a lone
    // argument as its config and would open a client of its own).
    // biome-ignore lint/suspicious/noExplicitAny: the positional form is not in 1.0's typings
    const positional = (open: (...args: any[]) => unknown, c: unknown) => open(c);
    const databases: [unknown, 'pg' | 'postgres'][] = [
      [drizzlePg({ client: pool }), 'pg'],
      [drizzlePg({ client }), 'pg'],
      [drizzlePg({ connection: cluster.primary.url }), 'pg'],
      [drizzlePostgresJs({ client: sql }), 'postgres'],
    ];
    if (drizzleLine() === '0.45') {
      databases.push(
        [positional(drizzlePg, pool), 'pg'],
        [positional(drizzlePg, client), 'pg'],
        [positional(drizzlePostgresJs, sql), 'postgres'],
      );
    }
    for (const [db, kind] of databases) {
      const driver = driverOf(db as never);
      expect(driver.kind).toBe(kind);
      expect(await driver.rows('select $1::int as n', [7])).toEqual([{ n: 7 }]);
      const session = await driver.reserve();
      expect(await session.values('select 1')).toEqual([[1]]);
      session.release();
      const own = (db as { $client?: unknown }).$client;
      if (own !== pool && own !== client && own !== sql) {
        await driver.close();
      }
    }
  } finally {
    await Promise.all([pool.end(), client.end(), sql.end()]);
  }
});

it('names a lost session by a code on both drivers (node-postgres has none of its own)', async () => {
  for (const driver of ['postgres', 'pg'] as const) {
    const handle = await connect(cluster.primary.url, { driver, max: 2 });
    try {
      const session = await driverOf(handle.db).reserve();
      const [row] = await session.rows<{ pid: number }>('select pg_backend_pid() as pid');
      await cluster.primary.sql(`select pg_terminate_backend(${row?.pid})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const failure = await session.rows('select 1').catch((error: unknown) => error);
      session.discard();
      const code = driverOf(handle.db).errorCode(failure);
      expect(code, String(failure)).toMatch(
        driver === 'pg' ? /^CONNECTION_ENDED$/ : /CONNECTION_CLOSED|57P01/,
      );
    } finally {
      await handle.close();
    }
  }
});

it('assertPgDatabase takes node-postgres and postgres.js databases and their transactions, refuses their raw clients', async () => {
  const pool = new pg.Pool({ connectionString: cluster.primary.url, max: 2 });
  const sql = postgres(cluster.primary.url, { max: 2, onnotice: () => {} });
  try {
    for (const [db, raw] of [
      [drizzlePg({ client: pool }), pool],
      [drizzlePostgresJs({ client: sql }), sql],
    ] as const) {
      expect(assertPgDatabase(db, 'primary')).toBe(db);
      const n = await db.transaction(async (tx) => {
        const checked = assertPgDatabase(tx, 'tx');
        return tx.transaction(async (nested) => {
          assertPgDatabase(nested, 'nested');
          const rows = await executeRows<{ n: number }>(checked, 'select 2 + 3 as n');
          return rows[0]?.n;
        });
      });
      expect(n).toBe(5);
      expect(() => assertPgDatabase(raw, 'primary')).toThrow(
        expect.objectContaining({
          code: 'NotADrizzleDatabase',
          message: expect.stringMatching(/got a (node-postgres|postgres\.js)/),
        }),
      );
    }
  } finally {
    await Promise.all([pool.end(), sql.end()]);
  }
});
