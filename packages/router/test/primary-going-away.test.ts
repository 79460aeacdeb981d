import { MultiDbError } from '@multidb/config';
import { expect, test } from 'vitest';
import { createDbRouter, type DbRouter, isConnectionError } from '../src/index.js';
import { servedBy, useInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

// Found by the chaos suite (primary stopped under a read load): when a primary shuts down, its replicas' WAL
// receivers disconnect first, so (once the primary has written past them) they leave the rotation while the primary
// is still marked healthy.
// A read sent to the dying primary then had nowhere to go and failed.
const suite = useInMemoryCluster(['replica']);

async function disconnectedReplicaRouter(staleReadsWhenPrimaryDown: boolean): Promise<DbRouter<TestSchema>> {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica')],
    health: { background: false, failuresToDown: 2, successesToUp: 2 },
    lag: { maxSeconds: 30, maxBytes: 0, staleReadsWhenPrimaryDown },
  });
  suite.track(router);
  await router.checkHealth();
  suite.cluster.replica('replica').disconnectReceiver();
  // The primary writes on after the receiver went away: the replica falls behind and leaves the rotation.
  await suite.cluster.primary.db.insert(users).values({ name: 'gone', email: 'gone@x' });
  await router.checkHealth();
  expect(router.getHealthStatus().nodes.map((n) => [n.name, n.healthy, n.inRotation])).toEqual([
    ['primary', true, true],
    ['replica', true, false],
  ]);
  return router;
}

test('a read the primary fails with a connection error, before it is marked down, is served by a stale replica', async () => {
  const router = await disconnectedReplicaRouter(true);
  expect(await servedBy(router.getClient('read'))).toBe('primary');
  suite.cluster.primarySwitch.stop();
  expect(await servedBy(router.getClient('read'))).toBe('replica');
  expect(await servedBy(router.getClient('analytics'))).toBe('replica');
  expect(router.getMetrics().retries).toBe(2);
  // A token the stale replica has not provably reached still cannot be served there.
  await expect(servedBy(router.getClient('read', { token: 'v1.ffffffffffffff00' }))).rejects.toThrow();
});

test('with staleReadsWhenPrimaryDown: false the read still fails', async () => {
  const router = await disconnectedReplicaRouter(false);
  suite.cluster.primarySwitch.stop();
  await expect(servedBy(router.getClient('read'))).rejects.toThrow();
});

test('a write the primary cannot take fails with a typed PrimaryUnavailable error (driver error as cause), not retried', async () => {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica')],
    health: { background: false },
  });
  suite.track(router);
  suite.cluster.primarySwitch.stop();
  const write = router.getClient('write').insert(users).values({ name: 'x', email: 'x@x' });
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MultiDbError);
  expect(error).toMatchObject({ code: 'PrimaryUnavailable', context: { node: 'primary' } });
  expect(isConnectionError(error)).toBe(true);
  expect((error as Error).cause).toBeDefined();
  const tx = await router
    .withTransaction(async (t) => t.insert(users).values({ name: 'y', email: 'y@y' }))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(tx).toMatchObject({ code: 'PrimaryUnavailable' });
  expect(router.getMetrics().retries).toBe(0);
  // A statement error on a reachable primary is not turned into PrimaryUnavailable.
  suite.cluster.primarySwitch.start();
  await expect(router.getClient('write').execute('select * from no_such_table')).rejects.not.toMatchObject({
    code: 'PrimaryUnavailable',
  });
});
