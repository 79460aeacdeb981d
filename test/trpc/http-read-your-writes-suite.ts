import { type AppRouter, createAppCaller, createAppRouter } from '@multidb/example-app';
import { callerConsistency } from '@multidb/trpc';
import { createReadYourWrites, isConsistencyLinkError } from '@multidb/trpc/client';
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, type TRPCLink } from '@trpc/client';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type AppHttpServer, type HttpAdapter, startAppHttpServer } from './app-http-server.js';
import type { LaggingApp } from './lagging-app.js';

const TOKEN = /^v1\.[0-9a-f]{16}$/;

/**
 * Read-your-writes end to end: the reference app on a real HTTP server, a real `@trpc/client` with
 * `@multidb/trpc/client`, replicas whose replay is paused before every test. One suite, run on PGlite with
 * lagging in-memory replicas (`pnpm test`) and on real PostgreSQL streaming replicas (`pnpm test:pg`).
 */
export function describeHttpReadYourWrites(target: string, start: () => Promise<LaggingApp>): void {
  describe(`read-your-writes with @trpc/client over HTTP (${target})`, () => {
    let app: LaggingApp;
    let appRouter: AppRouter;
    let organizationId: string;
    let seq = 0;

    beforeAll(async () => {
      app = await start();
      appRouter = createAppRouter(app.router);
      const { organization } = await createAppCaller(appRouter).organization.create({
        slug: 'ryw-http',
        name: 'RYW over HTTP',
        countryCode: 'FR',
        owner: { email: 'owner@ryw.test', displayName: 'Owner' },
      });
      organizationId = organization.id;
    });
    afterAll(async () => {
      await app?.close();
    });
    beforeEach(async () => {
      await app.catchUp();
      await app.pause();
    });

    const client = (link: TRPCLink<AppRouter>) => createTRPCClient<AppRouter>({ links: [link] });
    const newClient = () => ({ organizationId, name: `Client ${++seq}`, externalRef: `http-${seq}` });
    /** Reads served by the primary and by the replicas since `before`. */
    const servedSince = (before: ReturnType<LaggingApp['readsServed']>) => {
      const now = app.readsServed();
      return { primary: now.primary - before.primary, replicas: now.replicas - before.replicas };
    };

    // The same story through both of tRPC's HTTP adapters: the standalone one (Node request and response) and the
    // fetch one (standard Request/Response, as in a Next.js route handler), each behind node:http.
    describe.each(['node', 'fetch'] as const satisfies readonly HttpAdapter[])('%s adapter', (adapter) => {
      let server: AppHttpServer;
      beforeAll(async () => {
        server = await startAppHttpServer(appRouter, adapter);
      });
      afterAll(async () => {
        await server?.close();
      });
      beforeEach(() => {
        server.seen.length = 0;
      });

      test('httpLink: the query after a mutation sees its write; without the helper it reads the stale replica', async () => {
        const ryw = createReadYourWrites();
        const api = client(httpLink({ url: server.url, ...ryw.link }));
        const row = await api.client.create.mutate(newClient());
        const token = await ryw.store.current();
        expect(token).toMatch(TOKEN);

        let before = app.readsServed();
        expect(await api.client.byId.query({ id: row.id })).toMatchObject({ id: row.id, name: row.name });
        expect(servedSince(before)).toEqual({ primary: 1, replicas: 0 });

        // The same read without the helper: a lagging replica answers, and it has not seen the row.
        const plain = client(httpLink({ url: server.url }));
        before = app.readsServed();
        expect(await plain.client.byId.query({ id: row.id })).toBeNull();
        expect(servedSince(before)).toEqual({ primary: 0, replicas: 1 });

        expect(server.seen.map((r) => [r.method, r.path, r.token])).toEqual([
          ['POST', 'client.create', undefined],
          ['GET', 'client.byId', token],
          ['GET', 'client.byId', undefined],
        ]);
      });

      test('httpBatchLink: a batch of mutations answers with one token; the later batched queries see every write', async () => {
        const ryw = createReadYourWrites();
        const api = client(httpBatchLink({ url: server.url, ...ryw.link }));
        const rows = await Promise.all([1, 2, 3].map(() => api.client.create.mutate(newClient())));
        const token = await ryw.store.current();
        expect(token).toMatch(TOKEN);

        const before = app.readsServed();
        const found = await Promise.all(rows.map((row) => api.client.byId.query({ id: row.id })));
        expect(found.map((row) => row?.id)).toEqual(rows.map((row) => row.id));
        expect(servedSince(before)).toEqual({ primary: 3, replicas: 0 });

        const plain = client(httpBatchLink({ url: server.url }));
        expect(await Promise.all(rows.map((row) => plain.client.byId.query({ id: row.id })))).toEqual([
          null,
          null,
          null,
        ]);
        // One POST for the three mutations, one GET for each batch of reads: the token rode along once.
        expect(server.seen.map((r) => [r.method, r.path.split(',').length, r.token])).toEqual([
          ['POST', 3, undefined],
          ['GET', 3, token],
          ['GET', 3, undefined],
        ]);
      });

      test('two clients (two users) do not share tokens', async () => {
        const alice = createReadYourWrites();
        const bob = createReadYourWrites();
        const aliceApi = client(httpLink({ url: server.url, ...alice.link }));
        const bobApi = client(httpLink({ url: server.url, ...bob.link }));
        const mine = await aliceApi.client.create.mutate(newClient());
        expect(await bob.store.current()).toBeUndefined();
        expect(await bobApi.client.byId.query({ id: mine.id })).toBeNull();
        expect(await aliceApi.client.byId.query({ id: mine.id })).toMatchObject({ id: mine.id });

        // Bob's own write gives Bob a token and leaves Alice's alone.
        const aliceToken = await alice.store.current();
        await bobApi.client.create.mutate(newClient());
        expect(await bob.store.current()).toMatch(TOKEN);
        expect(await alice.store.current()).toBe(aliceToken);
      });

      test('once the replicas have replayed past the token, a replica serves the token read', async () => {
        const ryw = createReadYourWrites();
        const api = client(httpLink({ url: server.url, ...ryw.link }));
        const row = await api.client.create.mutate(newClient());
        await app.catchUp();
        const before = app.readsServed();
        expect(await api.client.byId.query({ id: row.id })).toMatchObject({ id: row.id });
        expect(servedSince(before)).toEqual({ primary: 0, replicas: 1 });
      });

      test('createCaller (a server component, a job) with the token of an HTTP mutation reads the write', async () => {
        const ryw = createReadYourWrites();
        const row = await client(httpLink({ url: server.url, ...ryw.link })).client.create.mutate(
          newClient(),
        );
        const token = await ryw.store.current();

        expect(
          await createAppCaller(appRouter, callerConsistency(token)).client.byId({ id: row.id }),
        ).toMatchObject({ id: row.id });
        expect(await createAppCaller(appRouter, callerConsistency()).client.byId({ id: row.id })).toBeNull();

        // A job that writes and then reads through one caller sees its own write, and can hand the token on.
        const ctx = callerConsistency(token);
        const job = createAppCaller(appRouter, ctx);
        const written = await job.client.create(newClient());
        expect(await job.client.byId({ id: written.id })).toMatchObject({ id: written.id });
        expect((ctx.consistencyToken as string) > (token as string)).toBe(true);
      });

      test('httpBatchStreamLink: a mutation is refused by the helper before anything is sent', async () => {
        const ryw = createReadYourWrites();
        const api = client(httpBatchStreamLink({ url: server.url, ...ryw.link }));
        const error = await api.client.create.mutate(newClient()).then(
          () => undefined,
          (thrown: { cause?: unknown }) => thrown.cause,
        );
        expect(isConsistencyLinkError(error, 'StreamingMutation')).toBe(true);
        expect(server.seen).toEqual([]);
      });
    });
  });
}
