import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppRouter, createTrpcNodeHandler } from '@multidb/example-app';

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

/** The reference app on a real socket (node:http, tRPC's standalone adapter), on a free loopback port. */
export async function startAppHttpServer(appRouter: AppRouter): Promise<AppHttpServer> {
  const handler = createTrpcNodeHandler(appRouter);
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
