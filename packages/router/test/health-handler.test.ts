import { connect, MultiDbError } from '@multidb/config';
import { describe, expect, test } from 'vitest';
import { createDbRouter, createHealthHandler, type DbRouter, type HealthDetail } from '../src/index.js';
import { useInMemoryCluster } from './support/in-memory-cluster.js';
import type { TestSchema } from './support/test-schema.js';

const MARKER = 'Marker-Secret-9c1d';
const TOKEN = 'health-token-0123456789abcdef';
// Port 1 refuses connections at once.
const refusedUrl = `postgres://monitor:${MARKER}@127.0.0.1:1/app`;
const bearer = { authorization: `Bearer ${TOKEN}` };

const suite = useInMemoryCluster(['replica']);

function makeRouter(
  extraReplicas: Parameters<typeof createDbRouter>[0]['replicas'] = [],
): DbRouter<TestSchema> {
  const router = createDbRouter<TestSchema>({
    primary: suite.cluster.primary,
    replicas: [suite.cluster.spec('replica'), ...(extraReplicas ?? [])],
    health: { background: false, failuresToDown: 1, successesToUp: 1 },
    connect: { connectTimeout: 2 },
  });
  suite.track(router);
  return router;
}

async function get(handler: (req: Request) => Promise<Response>, headers: Record<string, string> = {}) {
  const response = await handler(new Request('http://app.test/health', { headers }));
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as unknown };
}

function assertNoCredentials(text: string): void {
  expect(text).not.toContain(MARKER);
  expect(text).not.toContain('://');
}

describe('createHealthHandler', () => {
  test('200 with the overall status only; no-store JSON', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const res = await get(createHealthHandler(router, { token: TOKEN }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('per-node detail only with the bearer token; a wrong token is 401', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const handler = createHealthHandler(router, { token: TOKEN });
    const res = await get(handler, bearer);
    const detail = res.body as HealthDetail;
    expect(res.status).toBe(200);
    expect(detail).toMatchObject({ status: 'ok', writable: true, readable: true, forcedToPrimary: false });
    expect(detail.nodes.map((n) => [n.name, n.role, n.healthy, n.replication])).toEqual([
      ['primary', 'primary', true, 'primary'],
      ['replica', 'replica', true, 'streaming'],
    ]);
    const replica = detail.nodes[1];
    expect(replica).toMatchObject({ lagBytes: 0, lagSeconds: 0, consecutiveFailures: 0, lastError: null });
    expect(replica?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(replica?.lastCheckAt).toEqual(expect.any(String));
    expect(Object.keys(replica ?? {})).not.toContain('url');

    for (const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      'Bearer',
      `Basic ${TOKEN}`,
      'x',
    ]) {
      const denied = await get(handler, { authorization });
      expect(denied.status, authorization).toBe(401);
      expect(denied.body).toEqual({ error: 'invalid token' });
      // The same answer as sync's drift health handler (one bearer check in @multidb/config).
      expect(denied.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
    // Without a configured token no detail is ever served.
    expect((await get(createHealthHandler(router), bearer)).status).toBe(401);
  });

  test('a stopped replica and an unreachable URL replica show as down, without credentials', async () => {
    const router = makeRouter([{ name: 'remote', db: refusedUrl }]);
    suite.cluster.replica('replica').stop();
    await router.checkHealth();
    const handler = createHealthHandler(router, { token: TOKEN });
    const anonymous = await get(handler);
    expect(anonymous).toMatchObject({ status: 200, body: { status: 'degraded' } });
    const res = await get(handler, bearer);
    const nodes = (res.body as HealthDetail).nodes;
    expect(nodes.find((n) => n.name === 'replica')).toMatchObject({
      healthy: false,
      inRotation: false,
      consecutiveFailures: 1,
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(nodes.find((n) => n.name === 'remote')).toMatchObject({
      healthy: false,
      lastError: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
    assertNoCredentials(res.text);
  });

  test('node errors that quote the connection string are shown without it', async () => {
    const source = `postgres://app:${MARKER}@db.internal.example:5432/app`;
    const router = makeRouter([
      {
        name: 'quoting',
        db: suite.cluster.replica('replica').db,
        positionSource: {
          sample: () => Promise.reject(new Error(`could not reach ${source} (password=${MARKER})`)),
        },
      },
    ]);
    await router.checkHealth();
    const res = await get(createHealthHandler(router, { token: TOKEN }), bearer);
    const quoting = (res.body as HealthDetail).nodes.find((n) => n.name === 'quoting');
    expect(quoting?.lastError).toBe('could not reach [url] (password=***)');
    assertNoCredentials(res.text);
    expect(res.text).not.toContain('db.internal');
  });

  test('primary down: 503 (require writes); 200 degraded with require: reads while a replica serves', async () => {
    const router = makeRouter();
    suite.cluster.primarySwitch.stop();
    await router.checkHealth();
    expect(await get(createHealthHandler(router))).toMatchObject({ status: 503, body: { status: 'down' } });
    const reads = createHealthHandler(router, { require: 'reads', token: TOKEN });
    const res = await get(reads, bearer);
    expect(res).toMatchObject({ status: 200, body: { status: 'degraded', writable: false, readable: true } });
    suite.cluster.replica('replica').stop();
    await router.checkHealth();
    expect(await get(reads)).toMatchObject({ status: 503, body: { status: 'down' } });
  });

  test('a closed PGlite primary: 503', async () => {
    const primary = await connect('pglite:memory');
    const router = createDbRouter({ primary, health: { background: false, failuresToDown: 1 } });
    const handler = createHealthHandler(router, { token: TOKEN });
    try {
      expect((await get(handler)).status).toBe(200);
      await primary.close();
      await router.checkHealth();
      const res = await get(handler, bearer);
      expect(res.status).toBe(503);
      expect((res.body as HealthDetail).nodes[0]).toMatchObject({ name: 'primary', healthy: false });
    } finally {
      await router.close();
      await primary.close();
    }
  });

  test('forced to the primary is degraded; a router never probed is probed once', async () => {
    const router = makeRouter();
    expect(router.getHealthStatus().checkedAt).toBeNull();
    const handler = createHealthHandler(router);
    expect((await get(handler)).body).toEqual({ status: 'ok' });
    expect(router.getHealthStatus().checkedAt).not.toBeNull();
    router.forceFailoverToPrimary();
    expect(await get(handler)).toMatchObject({ status: 200, body: { status: 'degraded' } });
  });

  test('probeOnRequest sees a change without waiting for the background probes', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const cached = createHealthHandler(router);
    const live = createHealthHandler(router, { probeOnRequest: true });
    suite.cluster.primarySwitch.stop();
    expect((await get(cached)).status).toBe(200);
    expect((await get(live)).status).toBe(503);
  });

  test('HEAD has no body, other methods are 405, a closed router is 503', async () => {
    const router = makeRouter();
    await router.checkHealth();
    const handler = createHealthHandler(router, { probeOnRequest: true });
    const head = await handler(new Request('http://app.test/health', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await handler(new Request('http://app.test/health', { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await router.close();
    expect(await get(handler)).toMatchObject({ status: 503, body: { status: 'down' } });
  });

  test('a short or missing-length token is refused at construction', () => {
    const router = makeRouter();
    expect(() => createHealthHandler(router, { token: 'short' })).toThrow(MultiDbError);
    expect(() => createHealthHandler(router, { require: 'everything' as never })).toThrow(/require must be/);
  });
});
