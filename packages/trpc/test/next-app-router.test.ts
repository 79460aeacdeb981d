import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { parseCookie, parseSetCookie } from 'cookie';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createReadYourWrites, type FetchFunction } from '../src/client/index.js';
import { callerConsistency, consistencyFromFetch } from '../src/index.js';
import { type NotesAppRouter, notesAppRouter, t } from './notes-app.js';
import { type NotesCluster, startNotesCluster } from './notes-cluster.js';

// The shapes of a Next.js App Router app, without Next: a route handler module (`app/api/trpc/[trpc]/route.ts`
// exports GET and POST), a browser that keeps cookies, and a server component that calls procedures in process
// with the token from the request's cookies (`cookies()` of next/headers).
let cluster: NotesCluster;
let appRouter: NotesAppRouter;
const COOKIE = 'db-rw';

/** app/api/trpc/[trpc]/route.ts */
const routeModule = () => {
  const handler = (req: Request) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: (opts) => consistencyFromFetch(opts, { cookie: COOKIE }),
    });
  return { GET: handler, POST: handler };
};

/** Next.js calls the export named after the method. */
const nextServer: FetchFunction = async (input, init) => {
  const req = new Request(input, init);
  const route = routeModule();
  return req.method === 'POST' ? route.POST(req) : route.GET(req);
};

/** A browser's fetch on the same site: Set-Cookie is stored, the cookie goes with every request. */
function browserFetch(): { fetch: FetchFunction; jar: Map<string, string> } {
  const jar = new Map<string, string>();
  const fetch: FetchFunction = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await nextServer(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      jar.set(cookie.name, cookie.value ?? '');
    }
    return response;
  };
  return { fetch, jar };
}

/** A server component: `createCaller` with the token from the request's cookies. */
const serverComponentCaller = (cookieHeader: string) =>
  t.createCallerFactory(appRouter)(callerConsistency(parseCookie(cookieHeader)[COOKIE]));

const URL_BASE = 'http://app.test/api/trpc';

beforeAll(async () => {
  cluster = await startNotesCluster();
  appRouter = notesAppRouter(cluster.router);
});
afterAll(() => cluster?.close());
beforeEach(async () => {
  await cluster.catchUp();
  cluster.replica.pause();
});

describe('Next.js App Router shapes', () => {
  test('route handler + the client helper (any client: browser, React Native, another server)', async () => {
    const ryw = createReadYourWrites({ fetch: nextServer });
    const api = createTRPCClient<NotesAppRouter>({ links: [httpBatchLink({ url: URL_BASE, ...ryw.link })] });
    await api.add.mutate('next-helper');
    expect(await api.find.query('next-helper')).toEqual({ body: 'next-helper', servedBy: 'primary' });
  });

  test('route handler + the HttpOnly cookie (same-site browser, no client code); a server component reads it', async () => {
    const browser = browserFetch();
    const api = createTRPCClient<NotesAppRouter>({
      links: [httpLink({ url: URL_BASE, fetch: browser.fetch })],
    });
    await api.add.mutate('next-cookie');
    expect(browser.jar.get(COOKIE)).toMatch(/^v1\.[0-9a-f]{16}$/);
    expect(await api.find.query('next-cookie')).toEqual({ body: 'next-cookie', servedBy: 'primary' });

    // The next page render: the server component's caller carries the cookie's token.
    const cookieHeader = `theme=dark; ${COOKIE}=${browser.jar.get(COOKIE)}`;
    expect(await serverComponentCaller(cookieHeader).find('next-cookie')).toEqual({
      body: 'next-cookie',
      servedBy: 'primary',
    });
    // Without the cookie the lagging replica answers: the lag is real.
    expect(await serverComponentCaller('theme=dark').find('next-cookie')).toEqual({
      body: null,
      servedBy: 'replica',
    });
  });
});
