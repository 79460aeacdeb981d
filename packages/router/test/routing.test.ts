import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter, type DbRouterOptions } from '../src/index.js';
import {
  type InMemoryCluster,
  sequence,
  servedBy,
  startInMemoryCluster,
} from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

let cluster: InMemoryCluster;
const routers: DbRouter<TestSchema>[] = [];

beforeAll(async () => {
  cluster = await startInMemoryCluster(['read-a', 'read-b', 'reports', 'dr']);
});
afterAll(() => cluster.close());
beforeEach(() => cluster.reset());
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

async function makeRouter(extra: Partial<DbRouterOptions<TestSchema>> = {}): Promise<DbRouter<TestSchema>> {
  const router = createDbRouter<TestSchema>({
    primary: cluster.primary,
    replicas: [
      cluster.spec('read-a', { intents: ['read'] as const }),
      cluster.spec('read-b', { intents: ['read'] as const }),
      cluster.spec('reports', { intents: ['analytics'] as const }),
      cluster.spec('dr', { role: 'dr' as const }),
    ],
    health: { background: false, failuresToDown: 1, successesToUp: 1 },
    ...extra,
  });
  routers.push(router);
  await router.checkHealth();
  return router;
}

const served = (router: DbRouter<TestSchema>, intent: 'read' | 'analytics' | 'background', n = 4) =>
  sequence(n, () => servedBy(router.getClient(intent)));

describe('routing table', () => {
  test('write and transactional go to the primary; writes land there', async () => {
    const router = await makeRouter();
    expect(await servedBy(router.getClient('write'))).toBe('primary');
    expect(await servedBy(router.getClient('transactional'))).toBe('primary');
    await router.getClient('write').insert(users).values({ email: 'a@x', name: 'A' });
    const inTx = await router.withTransaction(async (tx) => {
      await tx.insert(users).values({ email: 'b@x', name: 'B' });
      return servedBy(tx);
    });
    expect(inTx).toBe('primary');
    expect((await cluster.pg.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 2 }]);
  });

  test('read goes to the read replicas in turn', async () => {
    const router = await makeRouter();
    expect(await served(router, 'read')).toEqual(['read-a', 'read-b', 'read-a', 'read-b']);
  });

  test('analytics goes to its tagged replica; background (no tagged replica) to the read replicas', async () => {
    const router = await makeRouter();
    expect(await served(router, 'analytics', 2)).toEqual(['reports', 'reports']);
    expect(await served(router, 'background')).toEqual(['read-a', 'read-b', 'read-a', 'read-b']);
  });

  test('analytics falls back to read replicas, then the primary, then DR; reads never fail', async () => {
    const router = await makeRouter();
    cluster.replica('reports').stop();
    await router.checkHealth();
    expect(await served(router, 'analytics', 2)).toEqual(['read-a', 'read-b']);
    cluster.replica('read-a').stop();
    cluster.replica('read-b').stop();
    await router.checkHealth();
    expect(await served(router, 'analytics', 2)).toEqual(['primary', 'primary']);
    expect(await served(router, 'read', 2)).toEqual(['primary', 'primary']);
    cluster.primarySwitch.stop();
    await router.checkHealth();
    expect(await served(router, 'read', 2)).toEqual(['dr', 'dr']);
    expect(router.getMetrics().failovers).toBe(6);
  });

  test('DR serves nothing while the primary is healthy', async () => {
    const router = await makeRouter();
    for (const name of ['read-a', 'read-b', 'reports']) cluster.replica(name).stop();
    await router.checkHealth();
    const all = [...(await served(router, 'read')), ...(await served(router, 'analytics'))];
    expect(new Set(all)).toEqual(new Set(['primary']));
    expect(router.getMetrics().routed.read.dr).toBe(0);
  });

  test('writes never go to a replica, even with the primary down, and are not retried', async () => {
    const router = await makeRouter();
    cluster.primarySwitch.stop();
    await router.checkHealth();
    await expect(
      router.getClient('write').insert(users).values({ email: 'c@x', name: 'C' }),
    ).rejects.toThrow();
    const metrics = router.getMetrics();
    expect(metrics.retries).toBe(0);
    expect(metrics.routed.write).toEqual({ primary: 1, 'read-a': 0, 'read-b': 0, reports: 0, dr: 0 });
    cluster.primarySwitch.start();
    const rows = await cluster.pg.query('SELECT count(*)::int AS n FROM users');
    expect(rows.rows).toEqual([{ n: 0 }]);
  });

  test('forceFailoverToPrimary sends reads to the primary until restore()', async () => {
    const router = await makeRouter();
    router.forceFailoverToPrimary();
    expect(await served(router, 'read', 2)).toEqual(['primary', 'primary']);
    expect(router.getHealthStatus().forcedToPrimary).toBe(true);
    router.restore();
    expect(await served(router, 'read', 2)).toEqual(['read-a', 'read-b']);
  });

  test('escape hatches: $primary and $replicas bypass routing', async () => {
    const router = await makeRouter();
    expect(await servedBy(router.$primary)).toBe('primary');
    expect(await Promise.all(router.$replicas.map((db) => servedBy(db)))).toEqual([
      'read-a',
      'read-b',
      'reports',
      'dr',
    ]);
    expect(await servedBy(router.getClient('read').$primary)).toBe('primary');
    expect(router.getMetrics().routed.direct.dr).toBe(1);
  });

  test('route() names the node a read would use', async () => {
    const router = await makeRouter();
    expect(router.route('write')).toBe('primary');
    expect(router.route('analytics')).toBe('reports');
  });
});

describe('balancing strategies over real nodes', () => {
  test('weighted: 3 to 1', async () => {
    const router = createDbRouter<TestSchema>({
      primary: cluster.primary,
      replicas: [cluster.spec('read-a', { weight: 3 }), cluster.spec('read-b', { weight: 1 })],
      balancing: 'weighted',
      health: { background: false },
    });
    routers.push(router);
    await router.checkHealth();
    const names = await served(router, 'read', 8);
    expect(names.filter((n) => n === 'read-a')).toHaveLength(6);
    expect(names.filter((n) => n === 'read-b')).toHaveLength(2);
  });

  test('least-latency: the faster replica serves', async () => {
    const router = await makeRouter({ balancing: 'least-latency' });
    cluster.replica('read-a').setLatency(40);
    for (let i = 0; i < 3; i++) await router.checkHealth();
    expect(await served(router, 'read', 3)).toEqual(['read-b', 'read-b', 'read-b']);
    const status = router.getHealthStatus().nodes;
    const latency = (name: string) => status.find((n) => n.name === name)?.latencyMs ?? 0;
    expect(latency('read-a')).toBeGreaterThan(latency('read-b'));
  });

  test('custom picker', async () => {
    const router = await makeRouter({ balancing: (candidates) => candidates.at(-1) });
    expect(await served(router, 'read', 3)).toEqual(['read-b', 'read-b', 'read-b']);
  });
});
