import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  httpLink,
  splitLink,
  type TRPCLink,
} from '@trpc/client';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  type ConsistencyLinkError,
  createReadYourWrites,
  type FetchFunction,
  isConsistencyLinkError,
} from '../src/client/index.js';
import { consistencyFromFetch } from '../src/index.js';
import { type NotesAppRouter as AppRouter, notesAppRouter } from './notes-app.js';
import { type NotesCluster, startNotesCluster } from './notes-cluster.js';

// A real @trpc/client with the helper, over tRPC's fetch adapter in process (no socket): a PGlite primary and a
// lagging in-memory replica. Every request the client sends is recorded with the token header it carried.
let cluster: NotesCluster;

const URL_BASE = 'http://app.test/trpc';
let router: AppRouter;
const sent: { method: string; token: string | null }[] = [];
const serve =
  (header?: string): FetchFunction =>
  async (input, init) => {
    const req = new Request(input, init);
    sent.push({ method: req.method, token: req.headers.get(header ?? 'x-db-consistency') });
    return fetchRequestHandler({
      endpoint: '/trpc',
      req,
      router,
      createContext: (opts) => consistencyFromFetch(opts, header === undefined ? {} : { header }),
    });
  };
const client = (link: TRPCLink<AppRouter>) => createTRPCClient<AppRouter>({ links: [link] });

beforeAll(async () => {
  cluster = await startNotesCluster();
  router = notesAppRouter(cluster.router);
});
afterAll(() => cluster?.close());
beforeEach(async () => {
  await cluster.catchUp();
  cluster.replica.pause();
  sent.length = 0;
});

describe('createReadYourWrites with @trpc/client', () => {
  test('httpLink: the mutation’s token is remembered and sent; the query sees the write', async () => {
    const ryw = createReadYourWrites({ fetch: serve() });
    const api = client(httpLink({ url: URL_BASE, ...ryw.link }));
    await api.add.mutate('link-1');
    const token = await ryw.store.current();
    expect(token).toMatch(/^v1\.[0-9a-f]{16}$/);
    expect(await api.find.query('link-1')).toEqual({ body: 'link-1', servedBy: 'primary' });
    expect(sent).toEqual([
      { method: 'POST', token: null },
      { method: 'GET', token },
    ]);
    // Without the helper the same read goes to the lagging replica and misses the write.
    const plain = client(httpLink({ url: URL_BASE, fetch: serve() }));
    expect(await plain.find.query('link-1')).toEqual({ body: null, servedBy: 'replica' });
  });

  test('httpBatchLink: two mutations share one response and its newest token; the batched reads see both', async () => {
    const ryw = createReadYourWrites({ fetch: serve() });
    const api = client(httpBatchLink({ url: URL_BASE, ...ryw.link }));
    await api.add.mutate('batch-0');
    const before = (await ryw.store.current()) as string;
    sent.length = 0;
    await Promise.all([api.add.mutate('batch-1'), api.add.mutate('batch-2')]);
    const token = (await ryw.store.current()) as string;
    expect(token > before).toBe(true);
    const found = await Promise.all([api.find.query('batch-1'), api.find.query('batch-2')]);
    expect(found).toEqual([
      { body: 'batch-1', servedBy: 'primary' },
      { body: 'batch-2', servedBy: 'primary' },
    ]);
    expect(sent).toEqual([
      { method: 'POST', token: before },
      { method: 'GET', token },
    ]);
  });

  test('a custom header name on both sides', async () => {
    const ryw = createReadYourWrites({ fetch: serve('x-rw'), header: 'X-RW' });
    const api = client(httpLink({ url: URL_BASE, ...ryw.link }));
    await api.add.mutate('custom-header');
    expect(await api.find.query('custom-header')).toEqual({ body: 'custom-header', servedBy: 'primary' });
    expect(sent[1]?.token).toMatch(/^v1\./);
  });

  test('httpBatchStreamLink: a mutation is refused before it is sent; queries may stream with the token', async () => {
    const ryw = createReadYourWrites({ fetch: serve() });
    const streaming = client(httpBatchStreamLink({ url: URL_BASE, ...ryw.link }));
    const refused = await streaming.add.mutate('streamed').catch((error: { cause?: unknown }) => error.cause);
    expect(isConsistencyLinkError(refused, 'StreamingMutation')).toBe(true);
    expect((refused as ConsistencyLinkError).message).toMatch(
      /httpBatchStreamLink.*httpLink or httpBatchLink/,
    );
    expect(sent).toEqual([]);

    // The supported shape: mutations over httpLink, queries streamed, one helper for both.
    const api = client(
      splitLink({
        condition: (op) => op.type === 'mutation',
        true: httpLink({ url: URL_BASE, ...ryw.link }),
        false: httpBatchStreamLink({ url: URL_BASE, ...ryw.link }),
      }),
    );
    await api.add.mutate('split');
    expect(await api.find.query('split')).toEqual({ body: 'split', servedBy: 'primary' });
    expect(sent[1]).toEqual({ method: 'GET', token: await ryw.store.current() });
  });

  test('two helpers (two users) never share a token', async () => {
    const alice = createReadYourWrites({ fetch: serve() });
    const bob = createReadYourWrites({ fetch: serve() });
    await client(httpLink({ url: URL_BASE, ...alice.link })).add.mutate('alice-only');
    expect(await bob.store.current()).toBeUndefined();
    expect(await client(httpLink({ url: URL_BASE, ...bob.link })).find.query('alice-only')).toEqual({
      body: null,
      servedBy: 'replica',
    });
  });
});
