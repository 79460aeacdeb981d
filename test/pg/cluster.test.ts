import { existsSync } from 'node:fs';
import { type PgCluster, type PgNode, pgPrerequisitesMissing, startPgCluster } from '@multidb/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Missing binaries must fail CI loudly; opt out explicitly with PG_TESTS=skip.
const missing = pgPrerequisitesMissing();
const skip = process.env.PG_TESTS === 'skip';

async function count(node: PgNode, table: string): Promise<number> {
  const [row] = await node.sql(`SELECT count(*)::int AS n FROM ${table}`);
  return Number(row?.n);
}

async function lagBytes(primary: PgNode, replica: PgNode): Promise<number> {
  const [p] = await primary.sql('SELECT pg_current_wal_lsn()::text AS lsn');
  const [r] = await replica.sql(
    `SELECT pg_wal_lsn_diff('${String(p?.lsn)}', pg_last_wal_replay_lsn())::float8 AS lag`,
  );
  return Number(r?.lag);
}

describe.skipIf(skip)('real PostgreSQL cluster harness', () => {
  let cluster: PgCluster;
  let startupMs = 0;

  beforeAll(async () => {
    expect(missing, 'PostgreSQL server binaries are required (PG_TESTS=skip to opt out)').toEqual([]);
    const started = performance.now();
    cluster = await startPgCluster({ replicas: 2, backup: true });
    startupMs = performance.now() - started;
    console.info(`cluster (1 primary + 2 replicas + backup) started in ${Math.round(startupMs)} ms`);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (cluster) expect(existsSync(cluster.dir)).toBe(false);
  });

  it('starts every node on its own loopback port', () => {
    const nodes = [cluster.primary, ...cluster.replicas, cluster.backup];
    expect(new Set(nodes.map((node) => node?.port)).size).toBe(4);
    for (const node of nodes) {
      expect(node?.running).toBe(true);
      expect(node?.url).toBe(`postgres://postgres@127.0.0.1:${node?.port}/postgres`);
    }
    expect(startupMs).toBeGreaterThan(0);
  });

  it('replicates a write on the primary to both replicas', async () => {
    await cluster.primary.sql('CREATE TABLE items (id int PRIMARY KEY, label text)');
    await cluster.primary.sql("INSERT INTO items VALUES (1, 'one')");
    await cluster.waitForReplication();
    for (const replica of cluster.replicas) {
      expect(await replica.sql('SELECT id, label FROM items')).toEqual([{ id: 1, label: 'one' }]);
    }
  });

  it('reports replicas in recovery and the primary not', async () => {
    for (const replica of cluster.replicas) {
      expect(await replica.sql('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    }
    expect(await cluster.primary.sql('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);
  });

  it('makes real lag by pausing replay, and catches up after resuming', async () => {
    const [paused, live] = cluster.replicas as [PgNode, PgNode];
    await paused.pauseReplay();
    await cluster.primary.sql("INSERT INTO items VALUES (2, 'two')");
    await cluster.waitForReplication();

    expect(await count(live, 'items')).toBe(2);
    expect(await count(paused, 'items')).toBe(1);
    expect(await lagBytes(cluster.primary, paused)).toBeGreaterThan(0);

    await paused.resumeReplay();
    await cluster.waitForReplication();
    expect(await count(paused, 'items')).toBe(2);
    expect(await lagBytes(cluster.primary, paused)).toBeLessThanOrEqual(0);
  });

  it('refuses connections while a node is stopped and serves again after start', async () => {
    const replica = cluster.replicas[1] as PgNode;
    await replica.stop();
    expect(replica.running).toBe(false);
    await expect(replica.sql('SELECT 1')).rejects.toThrow();
    await replica.start();
    expect(replica.running).toBe(true);
    await cluster.primary.sql("INSERT INTO items VALUES (3, 'three')");
    await cluster.waitForReplication();
    expect(await count(replica, 'items')).toBe(3);
  });

  it('keeps the backup independent of the primary', async () => {
    const backup = cluster.backup as PgNode;
    expect(await backup.sql("SELECT to_regclass('public.items') AS t")).toEqual([{ t: null }]);
    expect(await backup.sql('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: false }]);
  });

  it('stop() is idempotent and removes the temp dir', async () => {
    const other = await startPgCluster({ replicas: 0 });
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
    expect(other.primary.running).toBe(false);
  });

  it('puts a password in the url and requires it over TCP', async () => {
    const secured = await startPgCluster({ replicas: 1, password: "s3cret p@ss'" });
    try {
      expect(secured.primary.url).toBe(
        `postgres://postgres:${encodeURIComponent("s3cret p@ss'")}@127.0.0.1:${secured.primary.port}/postgres`,
      );
      await secured.primary.sql('CREATE TABLE t (x int)');
      await secured.waitForReplication();
      expect(await count(secured.replicas[0] as PgNode, 't')).toBe(0);
      const [hba] = await secured.primary.sql(
        "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND 'all' = ANY(database)",
      );
      expect(hba).toEqual({ auth_method: 'scram-sha-256' });
      const withoutPassword = postgres(secured.primary.url.replace(/:[^:@/]+@/, '@'), { max: 1 });
      await expect(withoutPassword`SELECT 1`).rejects.toThrow(/password/);
      await withoutPassword.end();
    } finally {
      await secured.stop();
    }
  });
});
