import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppRouter, createTrpcFetchHandler, createTrpcNodeHandler } from '@multidb/example-app';

/** `node`: tRPC's standalone adapter (`consistencyFromNode`); `fetch`: the fetch adapter (`consistencyFromFetch`). */
export type HttpAdapter = 'node' | 'fetch';

export interface SeenRequest {
  readonly method: string;
  /** Procedure path(s) as in the URL: `client.create`, or `client.byId,client.byId` for a batch. */
  readonly path: string;
  /** The consistency token header the request carried. */
  readonly token: string | undefined;
}

export interface AppHttpServer {
  /** `http://127.0.0.1:<port>/trpc` */
  readonly url: string;
  /** Every request the server received, in order. */
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * The reference app on a real socket (node:http), on a free loopback port: through tRPC's standalone adapter, or
 * through its fetch adapter (what Next.js route handlers, Bun, Deno and edge runtimes use) with each request
 * turned into a standard `Request` and the `Response` written back as it is, headers included.
 */
export async function startAppHttpServer(
  appRouter: AppRouter,
  adapter: HttpAdapter = 'node',
): Promise<AppHttpServer> {
  const handler =
    adapter === 'node' ? createTrpcNodeHandler(appRouter) : fetchListener(createTrpcFetchHandler(appRouter));
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = req.headers['x-db-consistency'];
    seen.push({
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname.replace(/^\/trpc\//, '')),
      token: Array.isArray(token) ? token.join(', ') : token,
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trpc`,
    seen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** node:http in front of a fetch handler: the method, URL, headers and body in; status, headers and body out. */
function fetchListener(handle: (req: Request) => Promise<Response>): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
          headers.append(name, one);
      }
      const method = req.method ?? 'GET';
      const response = await handle(
        new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), {
          method,
          headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
        }),
      );
      const cookies = response.headers.getSetCookie();
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') res.setHeader(name, value);
      });
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      res.statusCode = response.status;
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
}
