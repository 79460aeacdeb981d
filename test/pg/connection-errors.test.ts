import { failureKinds, isConnectionFailure, isConnectionLost, isTransientFailure } from '@multidb/config';
import { type PgCluster, pgPrerequisitesMissing, startPgCluster } from '@multidb/testing';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a real server does to a session, through both TCP drivers, classified by @multidb/config's one table:
// a backend terminated under a query (pg_terminate_backend), a write on a standby, a missing database.

const missing = pgPrerequisitesMissing();
const skip = process.env.PG_TESTS === 'skip';

/** The error `run` rejects with. */
const caught = (run: () => Promise<unknown>): Promise<unknown> =>
  run().then(
    () => Promise.reject(new Error('expected a failure')),
    (error: unknown) => error,
  );

const kinds = (error: unknown) => [...failureKinds(error)].sort();

/** Terminates the backend running `pg_sleep` once it shows up in pg_stat_activity. */
async function terminateSleeper(cluster: PgCluster): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await cluster.primary.sql(
      "select pg_terminate_backend(pid) as ok from pg_stat_activity where query like 'select pg_sleep(30)%' and pid <> pg_backend_pid()",
    );
    if (rows.some((row) => row.ok === true)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the sleeping backend never showed up');
}

describe.skipIf(skip)('connection errors from a real PostgreSQL server', () => {
  let cluster: PgCluster;

  beforeAll(async () => {
    expect(missing, 'PostgreSQL server binaries are required (PG_TESTS=skip to opt out)').toEqual([]);
    cluster = await startPgCluster({ replicas: 1 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const databaseUrl = (url: string, database: string) => url.replace(/\/postgres$/, `/${database}`);

  it('postgres.js: a backend terminated under a query is lost', async () => {
    const client = postgres(cluster.primary.url, { max: 1, onnotice: () => {} });
    const sleeping = caught(() => client`select pg_sleep(30)`);
    await terminateSleeper(cluster);
    const error = await sleeping;
    expect(kinds(error)).toEqual(['lost']);
    expect(isConnectionLost(error) && isConnectionFailure(error) && isTransientFailure(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CONNECTION_CLOSED' });
    // end() without a timeout waits forever here (postgres.js 3.4.9): the closed connection never settles.
    await client.end({ timeout: 1 });
  }, 20_000);

  it('pg: a backend terminated under a query is lost, from a Client and through a Pool', async () => {
    const client = new pg.Client({ connectionString: cluster.primary.url });
    client.on('error', () => {});
    await client.connect();
    const direct = caught(() => client.query('select pg_sleep(30)'));
    await terminateSleeper(cluster);
    const pool = new pg.Pool({ connectionString: cluster.primary.url, max: 1 });
    pool.on('error', () => {});
    const pooled = caught(() => pool.query('select pg_sleep(30)'));
    await terminateSleeper(cluster);
    for (const error of [await direct, await pooled]) {
      expect(kinds(error), String(error)).toEqual(['lost']);
      expect(isConnectionLost(error)).toBe(true);
    }
    // The client is unusable afterwards: pg says so without a code.
    const after = await caught(() => client.query('select 1'));
    expect(kinds(after), String(after)).toEqual(['lost']);
    await client.end().catch(() => {});
    await pool.end();
  });

  it('a write on a standby is read-only for both drivers: transient for a backup, not a down node', async () => {
    const [replica] = cluster.replicas;
    if (replica === undefined) throw new Error('no replica');
    const client = postgres(replica.url, { max: 1, onnotice: () => {} });
    const viaPostgresJs = await caught(() => client`create table t (id int)`);
    await client.end();
    const pool = new pg.Pool({ connectionString: replica.url, max: 1 });
    const viaPg = await caught(() => pool.query('create table t (id int)'));
    await pool.end();
    for (const error of [viaPostgresJs, viaPg]) {
      expect(error).toMatchObject({ code: '25006' });
      expect(kinds(error)).toEqual(['read-only']);
      expect(isTransientFailure(error)).toBe(true);
      expect(isConnectionFailure(error)).toBe(false);
    }
  });

  it('a missing database is rejected (an operator fixes it), for both drivers', async () => {
    const url = databaseUrl(cluster.primary.url, 'no_such_database');
    const client = postgres(url, { max: 1 });
    const viaPostgresJs = await caught(() => client`select 1`);
    await client.end();
    const viaPg = await caught(() => new pg.Client({ connectionString: url }).connect());
    for (const error of [viaPostgresJs, viaPg]) {
      expect(error).toMatchObject({ code: '3D000' });
      expect(kinds(error)).toEqual(['rejected']);
      expect(isConnectionFailure(error)).toBe(false);
    }
  });

  it('pg: a pool with every client checked out is busy, the server is not down', async () => {
    const pool = new pg.Pool({ connectionString: cluster.primary.url, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    const error = await caught(() => pool.query('select 1'));
    held.release();
    await pool.end();
    expect(error).toMatchObject({ message: 'timeout exceeded when trying to connect' });
    expect(kinds(error)).toEqual(['busy']);
    expect(isConnectionFailure(error)).toBe(false);
    expect(isTransientFailure(error)).toBe(true);
  });
});
