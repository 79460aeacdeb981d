import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createDbRouter, type DbRouter, type HealthOptions, type Logger } from '../src/index.js';
import { type InMemoryCluster, servedBy, startInMemoryCluster } from './support/in-memory-cluster.js';
import { type TestSchema, users } from './support/test-schema.js';

let cluster: InMemoryCluster;
const routers: DbRouter<TestSchema>[] = [];

beforeAll(async () => {
  cluster = await startInMemoryCluster(['a', 'b', 'doomed']);
});
afterAll(() => cluster.close());
beforeEach(() => cluster.reset());
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

async function makeRouter(
  names: string[],
  health: HealthOptions = {},
  logger?: Logger,
): Promise<DbRouter<TestSchema>> {
  const router = createDbRouter<TestSchema>({
    logger,
    primary: cluster.primary,
    replicas: names.map((name) => cluster.spec(name)),
    health: { background: false, failuresToDown: 2, successesToUp: 2, ...health },
  });
  routers.push(router);
  await router.checkHealth();
  return router;
}

const node = (router: DbRouter<TestSchema>, name: string) =>
  router.getHealthStatus().nodes.find((n) => n.name === name);

describe('failover', () => {
  test('a replica stopped during a read load: no failed read, out of rotation, back after M probes', async () => {
    const router = await makeRouter(['a', 'b']);
    const read = router.getClient('read');
    const wave = () => Promise.allSettled(Array.from({ length: 20 }, () => servedBy(read)));
    const first = await wave();
    expect(new Set(first.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')))).toEqual(
      new Set(['a', 'b']),
    );
    cluster.replica('a').stop();
    const results = [...(await wave()), ...(await wave())];
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const metrics = router.getMetrics();
    expect(metrics.retries).toBeGreaterThanOrEqual(1);
    expect(metrics.nodes.a?.connectionErrors).toBeGreaterThanOrEqual(2);
    expect(node(router, 'a')).toMatchObject({ healthy: false, inRotation: false });
    expect(node(router, 'a')?.lastError).toContain('ECONNREFUSED');

    // Out of rotation: no more attempts on it.
    const before = router.getMetrics().routed.read.a;
    expect(new Set(await Promise.all(Array.from({ length: 6 }, () => servedBy(read))))).toEqual(
      new Set(['b']),
    );
    expect(router.getMetrics().routed.read.a).toBe(before);

    cluster.replica('a').start();
    await router.checkHealth();
    expect(node(router, 'a')?.healthy).toBe(false);
    await router.checkHealth();
    expect(node(router, 'a')).toMatchObject({ healthy: true, inRotation: true, consecutiveFailures: 0 });
    expect(new Set(await Promise.all(Array.from({ length: 4 }, () => servedBy(read))))).toEqual(
      new Set(['a', 'b']),
    );
  });

  test('node down and up again are logged through the logger, with the node name, once each', async () => {
    const lines: { level: string; message: string; context?: Readonly<Record<string, unknown>> }[] = [];
    const log = (level: string) => (message: string, context?: Readonly<Record<string, unknown>>) =>
      lines.push({ level, message, context });
    const router = await makeRouter(
      ['a', 'b'],
      {},
      { info: log('info'), warn: log('warn'), error: log('error') },
    );
    expect(lines).toEqual([]); // a healthy start is no transition
    cluster.replica('a').stop();
    await router.checkHealth();
    await router.checkHealth();
    await router.checkHealth();
    expect(lines.filter((l) => l.message.includes('down'))).toEqual([
      {
        level: 'warn',
        message: 'node a is down',
        context: expect.objectContaining({
          node: 'a',
          role: 'replica',
          detectedBy: 'probe',
          error: expect.any(String),
        }),
      },
    ]);
    cluster.replica('a').start();
    await router.checkHealth();
    await router.checkHealth();
    await router.checkHealth();
    expect(lines.filter((l) => l.message.includes('up again'))).toEqual([
      { level: 'info', message: 'node a is up again', context: expect.objectContaining({ node: 'a' }) },
    ]);
    expect(lines.every((l) => l.context?.node === 'a')).toBe(true);
  });

  test('hysteresis: one failed probe does not take a node out of rotation', async () => {
    const router = await makeRouter(['a', 'b'], { failuresToDown: 3 });
    cluster.replica('a').stop();
    await router.checkHealth();
    await router.checkHealth();
    expect(node(router, 'a')).toMatchObject({ healthy: true, consecutiveFailures: 2 });
    cluster.replica('a').start();
    await router.checkHealth();
    expect(node(router, 'a')).toMatchObject({ healthy: true, consecutiveFailures: 0 });
  });

  test('a closed replica (gone for good): reads keep succeeding elsewhere', async () => {
    const router = await makeRouter(['doomed', 'b']);
    await cluster.replica('doomed').close();
    const read = router.getClient('read');
    const names = await Promise.all(Array.from({ length: 8 }, () => servedBy(read)));
    expect(new Set(names)).toEqual(new Set(['b']));
    await router.checkHealth();
    expect(node(router, 'doomed')).toMatchObject({ healthy: false, replication: 'unknown' });
  });

  test('the background probe (unref timer) takes a stopped node down and brings it back, with no queries', async () => {
    const router = await makeRouter(['a', 'b'], { background: true, intervalMs: 15, timeoutMs: 500 });
    cluster.replica('a').stop();
    await vi.waitFor(() => expect(node(router, 'a')?.healthy).toBe(false), { timeout: 5000, interval: 10 });
    cluster.replica('a').start();
    await vi.waitFor(() => expect(node(router, 'a')?.healthy).toBe(true), { timeout: 5000, interval: 10 });
    expect(router.getMetrics().nodes.a?.queries).toBe(0);
  });

  test('a probe slower than the timeout is a failure', async () => {
    const router = await makeRouter(['a'], { timeoutMs: 30, failuresToDown: 1 });
    cluster.replica('a').setLatency(200);
    await router.checkHealth();
    expect(node(router, 'a')).toMatchObject({ healthy: false });
    expect(node(router, 'a')?.lastError).toContain('timed out');
  });

  test('a failed write is not retried and counts against the primary', async () => {
    const router = await makeRouter(['a', 'b']);
    cluster.primarySwitch.stop();
    const write = router.getClient('write');
    await expect(write.insert(users).values({ email: 'x@x', name: 'X' })).rejects.toThrow();
    await expect(write.insert(users).values({ email: 'y@x', name: 'Y' })).rejects.toThrow();
    const metrics = router.getMetrics();
    expect(metrics.retries).toBe(0);
    expect(metrics.nodes.primary?.connectionErrors).toBe(2);
    expect(router.getHealthStatus()).toMatchObject({ writable: false, readable: true });
  });

  test('a read that fails for another reason (bad SQL) is not retried', async () => {
    const router = await makeRouter(['a', 'b']);
    await expect(router.getClient('read').execute('SELECT * FROM no_such_table')).rejects.toThrow();
    expect(router.getMetrics().retries).toBe(0);
    expect(node(router, 'a')?.healthy).toBe(true);
  });
});
