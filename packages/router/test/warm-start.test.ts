import { expect, test } from 'vitest';
import { createDbRouter } from '../src/index.js';
import { servedBy, useInMemoryCluster } from './support/in-memory-cluster.js';
import type { TestSchema } from './support/test-schema.js';

// A new router knows nothing about its replicas' lag until their first probe. Reads made in that window used to
// go to the primary: every deploy of N app instances (every serverless cold start) read from the primary first.
const suite = useInMemoryCluster(['replica-1', 'replica-2']);

function newRouter() {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica-1'), suite.cluster.spec('replica-2')],
    health: { intervalMs: 60_000 },
  });
  suite.track(router);
  return router;
}

test('reads made right after creation wait for the first probe round and go to the replicas', async () => {
  const router = newRouter();
  const served = await Promise.all(Array.from({ length: 20 }, () => servedBy(router.getClient('read'))));
  expect(served.filter((name) => name === 'primary')).toEqual([]);
  expect(new Set(served)).toEqual(new Set(['replica-1', 'replica-2']));
  expect(router.getMetrics().routed.read.primary).toBe(0);
});

test('ready() resolves once every node has had its first probe', async () => {
  const router = newRouter();
  expect(router.getHealthStatus().checkedAt).toBeNull();
  expect(await router.ready()).toBe(true);
  expect(router.getHealthStatus().checkedAt).not.toBeNull();
  expect(router.getHealthStatus().nodes.every((n) => n.inRotation)).toBe(true);
  // Later calls resolve at once.
  expect(await router.ready(0)).toBe(true);
});

test('ready() gives up after its timeout when a probe is slow; the slow replica is then out of rotation', async () => {
  suite.cluster.replica('replica-1').setLatency(3000);
  try {
    const router = newRouter();
    expect(await router.ready(50)).toBe(false);
    // Reads wait at most for the first round, which the probe timeout (1 s) bounds: served, by replica-2.
    expect(await servedBy(router.getClient('read'))).toBe('replica-2');
  } finally {
    suite.cluster.replica('replica-1').setLatency(0);
  }
});
