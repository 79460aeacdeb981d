import { connect, type DbHandle, type UrlDriver } from '@multidb/config';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisoryLeaderLock, DEFAULT_LOCK_KEY } from '../src/index.js';

// The drainer's advisory lock lives on a reserved connection (driver.reserve(): postgres.js or node-postgres).
// When that connection's backend dies (primary restart, pg_terminate_backend, failover), the lock is gone:
// `check()` must say so promptly, a new `tryAcquire()` must win it on a fresh session, and the pool must keep all
// its connections. Before our patch of postgres.js (porsager/postgres#1208) a query on the dead reserved session
// threw an uncaught TypeError.

let cluster: PgCluster;

beforeAll(async () => {
  cluster = await startPgCluster({ replicas: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

const [classId, objId] = DEFAULT_LOCK_KEY;
async function lockHolders(): Promise<number[]> {
  const rows = await cluster.primary.sql(
    `select pid from pg_locks where locktype = 'advisory' and classid = ${classId} and objid = ${objId} and granted`,
  );
  return rows.map((r) => Number(r.pid));
}

it('a query on a reserved connection whose backend was terminated rejects with a connection error', async () => {
  const sql = postgres(cluster.primary.url, { max: 1, onnotice: () => {} });
  try {
    const reserved = await sql.reserve();
    const [{ pid }] = (await reserved`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    await cluster.primary.sql(`select pg_terminate_backend(${pid})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await reserved`select 1`.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string } | undefined)?.code).toMatch(/CONNECTION_CLOSED|ECONNRESET|57P01/);
    // The pool's only connection is usable again (it was not parked as busy forever).
    expect(await sql`select 2 as two`).toEqual([{ two: 2 }]);
  } finally {
    await sql.end({ timeout: 1 });
  }
});

describe.each(['postgres', 'pg'] as const satisfies readonly UrlDriver[])('over %s', (driver) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await connect(cluster.primary.url, { driver, max: 2, connectTimeout: 2 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('the lock notices its session died, is won again on a new session, and the pool keeps its connections', async () => {
    const lock = advisoryLeaderLock(handle.db);
    expect(await lock.tryAcquire()).toBe(true);
    const [before] = await lockHolders();
    expect(before).toBeDefined();
    await cluster.primary.sql(`select pg_terminate_backend(${before})`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await lock.check()).toBe(false);
    expect(await lockHolders()).toEqual([]);
    expect(await lock.tryAcquire()).toBe(true);
    const after = await lockHolders();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(await lock.check()).toBe(true);

    // One connection is reserved for the lock; the other still serves concurrent queries.
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => handle.db.execute(`select ${i} as i, pg_sleep(0.02)`)),
    );
    expect(results).toHaveLength(6);
    await lock.release();
    expect(await lockHolders()).toEqual([]);
    // Both connections are back in the pool.
    const pids = await Promise.all(
      Array.from({ length: 4 }, () => handle.db.execute('select pg_backend_pid() as pid, pg_sleep(0.05)')),
    );
    expect(pids).toHaveLength(4);
  });

  it('a lock whose connection was reconnected under it (another backend) is reported lost', async () => {
    const lock = advisoryLeaderLock(handle.db);
    expect(await lock.tryAcquire()).toBe(true);
    await cluster.primary.stop();
    await cluster.primary.start();
    expect(await lock.check()).toBe(false);
    expect(await lock.tryAcquire()).toBe(true);
    expect(await lockHolders()).toHaveLength(1);
    await lock.release();
  });

  it('a lock session that stops answering is given up after a bound, and released when it answers late', async () => {
    const lock = advisoryLeaderLock(handle.db);
    expect(await lock.tryAcquire()).toBe(true);
    const [pid] = await lockHolders();
    // The backend holding the lock freezes (as behind a dead network path): no answer, no error.
    process.kill(pid as number, 'SIGSTOP');
    try {
      expect(await lock.check()).toBe(false);
    } finally {
      process.kill(pid as number, 'SIGCONT');
    }
    // Its late answer gives the lock up, so a drainer (this one, on a new session) can lead again.
    const started = Date.now();
    while ((await lockHolders()).length > 0 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await lockHolders()).toEqual([]);
    expect(await lock.tryAcquire()).toBe(true);
    await lock.release();
  }, 30_000);
});
