import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createDbRouter, type DbRouter, type LagOptions } from '../src/index.js';
import { type InMemoryCluster, servedBy, startInMemoryCluster } from './support/in-memory-cluster.js';
import { nodeInfo, type TestSchema, users } from './support/test-schema.js';

let cluster: InMemoryCluster;
const routers: DbRouter<TestSchema>[] = [];
let now = 0;
const clock = { now: () => now };

beforeAll(async () => {
  cluster = await startInMemoryCluster(['replica']);
});
afterAll(() => cluster.close());
beforeEach(async () => {
  now = 1_000_000;
  await cluster.reset();
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

async function makeRouter(lag: LagOptions = {}): Promise<DbRouter<TestSchema>> {
  const replica = cluster.replica('replica');
  const router = createDbRouter<TestSchema>({
    primary: cluster.primary,
    replicas: [{ name: 'replica', db: replica.db, positionSource: replica.positionSource }],
    health: { background: false },
    lag,
    clock,
  });
  routers.push(router);
  await router.checkHealth();
  return router;
}

const replicaStatus = (router: DbRouter<TestSchema>) =>
  router.getHealthStatus().nodes.find((n) => n.name === 'replica');
const insertUser = (router: DbRouter<TestSchema>, email: string) =>
  router.getClient('write').insert(users).values({ email, name: email });
const findUser = (router: DbRouter<TestSchema>, email: string, token?: string) =>
  router.getClient('read', { token }).select().from(users).where(eq(users.email, email));

describe('lag-aware routing', () => {
  test('a replica over maxBytes is skipped until it catches up', async () => {
    const router = await makeRouter({ maxBytes: 512, maxSeconds: Number.POSITIVE_INFINITY });
    expect(replicaStatus(router)).toMatchObject({ lagBytes: 0, inRotation: true });
    cluster.replica('replica').pause();
    for (let i = 0; i < 5; i++) await insertUser(router, `u${i}@x`);
    await router.checkHealth();
    expect(replicaStatus(router)?.lagBytes).toBeGreaterThan(512);
    expect(replicaStatus(router)?.inRotation).toBe(false);
    expect(await servedBy(router.getClient('read'))).toBe('primary');

    cluster.replica('replica').resume();
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    expect(replicaStatus(router)).toMatchObject({ lagBytes: 0, lagSeconds: 0, inRotation: true });
    expect(await servedBy(router.getClient('read'))).toBe('replica');
  });

  test('a replica over maxSeconds is skipped until it catches up', async () => {
    const router = await makeRouter({ maxSeconds: 5 });
    cluster.replica('replica').pause();
    await insertUser(router, 'late@x');
    now += 1000;
    await router.checkHealth();
    expect(replicaStatus(router)).toMatchObject({ lagSeconds: 0, inRotation: true });
    now += 6000;
    await router.checkHealth();
    expect(replicaStatus(router)).toMatchObject({ lagSeconds: 6, inRotation: false });
    expect(await servedBy(router.getClient('read'))).toBe('primary');
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    expect(replicaStatus(router)).toMatchObject({ lagSeconds: 0, inRotation: true });
  });

  test('idle primary: lag stays 0 however long nothing is written', async () => {
    const router = await makeRouter({ maxSeconds: 5 });
    for (let hour = 0; hour < 3; hour++) {
      now += 3_600_000;
      await router.checkHealth();
      expect(replicaStatus(router)).toMatchObject({ lagBytes: 0, lagSeconds: 0, inRotation: true });
    }
  });

  test('a disconnected WAL receiver: lag measured against the primary, in rotation only within the limits', async () => {
    const router = await makeRouter({ maxBytes: 512, maxSeconds: 30 });
    cluster.replica('replica').disconnectReceiver();
    await router.checkHealth();
    // Nothing written since: it has everything the primary has (e.g. a receiver reconnecting after a restart).
    expect(replicaStatus(router)).toMatchObject({
      healthy: true,
      replication: 'disconnected',
      lagBytes: 0,
      inRotation: true,
    });
    expect(await servedBy(router.getClient('read'))).toBe('replica');
    // The primary moves on: the lag grows (never read off the replica as 0) and takes it out of rotation.
    for (let i = 0; i < 5; i++) await insertUser(router, `d${i}@x`);
    await router.checkHealth();
    expect(replicaStatus(router)?.lagBytes).toBeGreaterThan(512);
    expect(replicaStatus(router)).toMatchObject({ replication: 'disconnected', inRotation: false });
    expect(await servedBy(router.getClient('read'))).toBe('primary');
    cluster.replica('replica').reconnectReceiver();
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    expect(replicaStatus(router)).toMatchObject({ replication: 'streaming', inRotation: true });
  });
});

describe('read-your-writes', () => {
  test('across two requests with a paused replica, then from the replica once it has caught up', async () => {
    const router = await makeRouter();
    cluster.replica('replica').pause();
    const token = await router.withConsistency(undefined, async () => {
      await insertUser(router, 'me@x');
      // Same request: after the write, reads use the primary.
      expect(await findUser(router, 'me@x')).toHaveLength(1);
      return router.consistencyToken();
    });
    expect(token).toMatch(/^v1\.[0-9a-f]{16}$/);
    await router.checkHealth();

    // Without the token the paused replica serves stale data: that is what the token is for.
    expect(await findUser(router, 'me@x')).toHaveLength(0);

    const nextRequest = await router.withConsistency(token, async () => ({
      rows: await findUser(router, 'me@x'),
      node: await servedBy(router.getClient('read')),
    }));
    expect(nextRequest).toEqual({ rows: [expect.objectContaining({ email: 'me@x' })], node: 'primary' });

    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    const later = await router.withConsistency(token, async () => ({
      rows: await findUser(router, 'me@x'),
      node: await servedBy(router.getClient('read')),
    }));
    expect(later).toEqual({ rows: [expect.objectContaining({ email: 'me@x' })], node: 'replica' });
    expect(router.getMetrics().consistency.tokensIssued).toBe(1);
  });

  test('a query builder returned (not awaited) from the scope still runs inside it', async () => {
    // `await withConsistency(token, () => db.select()...)`: Drizzle builders run only when awaited, which happens
    // after the callback returned. Found by the read-your-writes benchmark: the read escaped the scope.
    const router = await makeRouter();
    cluster.replica('replica').pause();
    const token = await router.withConsistency(undefined, async () => {
      await insertUser(router, 'lazy@x');
      return router.consistencyToken();
    });
    await router.checkHealth();
    const rows = await router.withConsistency(token, () =>
      router.getClient('read').select().from(users).where(eq(users.email, 'lazy@x')),
    );
    expect(rows).toHaveLength(1);
    const node = await router.withConsistency(token, () => router.getClient('read').select().from(nodeInfo));
    expect(node).toEqual([{ name: 'primary' }]);
    expect(router.getMetrics().consistency.constrainedReads).toBe(2);
  });

  test('explicit token (e.g. a background job) without a scope', async () => {
    const router = await makeRouter();
    cluster.replica('replica').pause();
    await insertUser(router, 'job@x');
    const token = await router.consistencyToken();
    await router.checkHealth();
    const job = router.getClient('background', { token });
    expect(await servedBy(job)).toBe('primary');
    expect(await job.select().from(users)).toHaveLength(1);
  });

  test('a scope without writes passes its token on instead of asking the primary', async () => {
    const router = await makeRouter();
    const first = await router.consistencyToken();
    const again = await router.withConsistency(first, () => router.consistencyToken());
    expect(again).toBe(first);
  });

  test('no primary to ask: the token carries the last position the router saw, it never rejects', async () => {
    const router = await makeRouter();
    await insertUser(router, 'seen@x');
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    cluster.primarySwitch.stop();
    const token = await router.consistencyToken();
    cluster.primarySwitch.start();
    await router.checkHealth();
    // Not a "primary only" marker a client could forge: a real position, which the caught-up replica has reached.
    expect(token).not.toBe('v1.ffffffffffffffff');
    expect(await servedBy(router.getClient('read', { token }))).toBe('replica');
    expect(await findUser(router, 'seen@x', token)).toHaveLength(1);
    expect(router.getMetrics().consistency.tokensAhead).toBe(0);
  });
});

describe('token abuse is ignored safely: routed as if there were no token, never to the primary on demand', () => {
  const forged = 'v1.ffffffffffffffff';
  const injection = "v1.0'; DELETE FROM users; --";
  test.each([
    ['malformed', 'not-a-token'],
    ['forged far-future', forged],
    ['huge', `v1.${'0'.repeat(1_000_000)}`],
    ['SQL injection', injection],
    ['header injection', 'v1.0000000000000001\r\nSet-Cookie: x=1'],
  ])('%s', async (_label, token) => {
    const router = await makeRouter();
    await insertUser(router, 'victim@x');
    await cluster.replica('replica').catchUp();
    await router.checkHealth();
    const scoped = await router.withConsistency(token, () => servedBy(router.getClient('read')));
    const explicit = await servedBy(router.getClient('read', { token }));
    expect([scoped, explicit]).toEqual(['replica', 'replica']);
    expect(await findUser(router, 'victim@x', token)).toHaveLength(1);
    expect(cluster.executed.some((sqlText) => sqlText.includes(token.slice(3, 40)))).toBe(false);
    expect(router.getMetrics().consistency.invalidTokens).toBe(3);
    expect(router.getMetrics().consistency.tokensAhead).toBe(token === forged ? 3 : 0);
  });
});
