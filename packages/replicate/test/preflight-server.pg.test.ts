import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkReplication, setupReplication } from '../src/index.js';

// Server settings that need a restart to change: a primary left at wal_level = replica, with no WAL sender and
// no replication slot to spare. Each is its own problem, all are reported at once, and nothing is created.
let cluster: PgCluster;

beforeAll(async () => {
  cluster = await startPgCluster({
    replicas: 0,
    backup: true,
    settings: { wal_level: 'replica', max_wal_senders: '0', max_replication_slots: '0' },
  });
  for (const node of [cluster.primary, cluster.backup])
    await node?.sql('create table t (id int primary key)');
});
afterAll(async () => {
  await cluster?.stop();
});

it('wal_level, WAL senders and replication slots are each reported, all at once', async () => {
  const options = { primary: cluster.primary.url, backup: cluster.backup?.url as string };
  const result = await checkReplication(options);
  if (result.isErr()) throw new Error(result.error.message);
  const checks = result.value.problems.map((p) => p.check);
  expect(checks).toEqual(expect.arrayContaining(['wal_level', 'replication-slots', 'wal-senders']));
  expect(result.value.problems.find((p) => p.check === 'wal_level')?.message).toContain(
    'wal_level is replica',
  );

  const setup = await setupReplication(options);
  expect(setup.isErr() && setup.error.type).toBe('PreflightFailed');
  const [pubs] = await cluster.primary.sql('select count(*)::int as n from pg_publication');
  const [subs] = (await cluster.backup?.sql('select count(*)::int as n from pg_subscription')) ?? [];
  expect([pubs?.n, subs?.n]).toEqual([0, 0]);
});
