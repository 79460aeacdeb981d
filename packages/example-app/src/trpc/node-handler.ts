import type { RequestListener } from 'node:http';
import { consistencyFromNode } from '@multidb/trpc';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { AppRouter } from './app-router.js';
import type { TrpcFetchHandlerOptions } from './fetch-handler.js';

/**
 * The app as a Node `http` request listener (tRPC's standalone adapter): `createServer(handler).listen(3000)`.
 * Tokens travel as with `createTrpcFetchHandler`, through the Node request and response.
 */
export function createTrpcNodeHandler(
  appRouter: AppRouter,
  options: TrpcFetchHandlerOptions = {},
): RequestListener {
  return createHTTPHandler({
    basePath: `${options.endpoint ?? '/trpc'}/`,
    router: appRouter,
    createContext: (opts) => consistencyFromNode(opts, options.transport),
    onError: options.onError ? ({ path, error }) => options.onError?.({ path, error }) : undefined,
  });
}
