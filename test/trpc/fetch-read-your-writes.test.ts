import { createAppCaller, createAppRouter, createTrpcFetchHandler } from '@multidb/example-app';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startTrpcCluster, type TrpcCluster } from './trpc-cluster.js';

// End to end: real tRPC procedures through the fetch adapter with real Request/Response objects, a router over
// a PGlite primary and a paused (lagging) in-memory replica.
const HEADER = 'x-db-consistency';
let cluster: TrpcCluster;
let handle: (req: Request) => Promise<Response>;
let organizationId: string;
let seq = 0;

beforeAll(async () => {
  cluster = await startTrpcCluster();
  const appRouter = createAppRouter(cluster.router);
  handle = createTrpcFetchHandler(appRouter, { transport: { cookie: 'rw' } });
  const { organization } = await createAppCaller(appRouter).organization.create({
    slug: 'acme',
    name: 'Acme',
    countryCode: 'DE',
    owner: { email: 'owner@acme.test', displayName: 'Owner' },
  });
  organizationId = organization.id;
});
afterAll(() => cluster?.close());
beforeEach(async () => {
  cluster.replica.resume();
  await cluster.replica.catchUp();
  await cluster.router.checkHealth();
  cluster.replica.pause();
});

function createClient(headers: Record<string, string> = {}): Promise<Response> {
  seq++;
  return handle(
    new Request('http://app.test/trpc/client.create', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ organizationId, name: `Client ${seq}`, externalRef: `ref-${seq}` }),
    }),
  );
}

function clientById(id: string, headers: Record<string, string> = {}): Promise<Response> {
  const input = encodeURIComponent(JSON.stringify({ id }));
  return handle(new Request(`http://app.test/trpc/client.byId?input=${input}`, { headers }));
}

async function data<T>(response: Response): Promise<T> {
  const body = (await response.json()) as { result?: { data: T }; error?: unknown };
  if (body.result === undefined) throw new Error(`tRPC error: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

describe('read-your-writes across two HTTP requests', () => {
  test('the token from a mutation makes the next request see the write although the replica lags', async () => {
    const created = await createClient();
    expect(created.status).toBe(200);
    const token = created.headers.get(HEADER);
    expect(token).toMatch(/^v1\.[0-9a-f]{16}$/);
    const row = await data<{ id: string; name: string }>(created);

    // Without the token the lagging replica serves the read: it has not seen the row (proves the lag).
    const replicaBefore = cluster.served('read', 'replica');
    const stale = await clientById(row.id);
    expect(stale.status).toBe(200);
    expect(await data(stale)).toBeNull();
    expect(cluster.served('read', 'replica')).toBe(replicaBefore + 1);

    // With the token the read goes to a node that has the write: here the primary.
    const primaryBefore = cluster.served('read', 'primary');
    const fresh = await clientById(row.id, { [HEADER]: token as string });
    expect(fresh.status).toBe(200);
    expect(await data(fresh)).toMatchObject({ id: row.id, name: row.name });
    expect(cluster.served('read', 'primary')).toBe(primaryBefore + 1);
    expect(cluster.served('read', 'replica')).toBe(replicaBefore + 1);
    // A query does not issue a token.
    expect(fresh.headers.get(HEADER)).toBeNull();
  });

  test('once the replica has replayed past the token, the replica serves that request', async () => {
    const created = await createClient();
    const token = created.headers.get(HEADER) as string;
    const row = await data<{ id: string }>(created);
    cluster.replica.resume();
    await cluster.replica.catchUp();
    await cluster.router.checkHealth();
    const replicaBefore = cluster.served('read', 'replica');
    const response = await clientById(row.id, { [HEADER]: token });
    expect(await data(response)).toMatchObject({ id: row.id });
    expect(cluster.served('read', 'replica')).toBe(replicaBefore + 1);
  });

  test('the token also travels in an HttpOnly cookie', async () => {
    const created = await createClient();
    const [cookie] = created.headers.getSetCookie();
    expect(cookie).toMatch(/^rw=v1\.[0-9a-f]{16}; Max-Age=60; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const row = await data<{ id: string }>(created);
    const response = await clientById(row.id, { cookie: `theme=dark; ${(cookie as string).split(';')[0]}` });
    expect(await data(response)).toMatchObject({ id: row.id });
  });

  test('forged and malformed tokens: 200, routed as without a token (never to the primary on demand), counted', async () => {
    const created = await createClient();
    const row = await data<{ id: string }>(created);
    const hostile = [
      'v1.zzzzzzzzzzzzzzzz',
      'v1.ffffffffffffffff',
      "v1.0'; DROP TABLE customer.clients; --",
      'v9.0000000000000001',
      'x'.repeat(8000),
      '%00%0d%0a',
    ];
    const invalidBefore = cluster.router.getMetrics().consistency.invalidTokens;
    for (const token of hostile) {
      const primaryBefore = cluster.served('read', 'primary');
      const response = await clientById(row.id, { [HEADER]: token });
      expect(response.status, token.slice(0, 20)).toBe(200);
      expect(cluster.served('read', 'primary')).toBe(primaryBefore);
    }
    // 'v1.ffff...' is well-formed but ahead of anything the primary wrote; the others are malformed.
    expect(cluster.router.getMetrics().consistency.invalidTokens - invalidBefore).toBe(hostile.length);
    expect(cluster.router.getMetrics().consistency.tokensAhead).toBeGreaterThanOrEqual(1);
  });

  test('a mutation that fails issues no token', async () => {
    const response = await handle(
      new Request('http://app.test/trpc/client.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          organizationId: '00000000-0000-4000-8000-000000000000',
          name: 'Orphan',
          externalRef: 'x',
        }),
      }),
    );
    expect(response.status).toBe(404);
    expect(response.headers.get(HEADER)).toBeNull();
  });
});
