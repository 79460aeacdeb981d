import { consistencyFromFetch, type TransportOptions } from '@multidb/trpc';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { AppRouter } from './app-router.js';

export interface TrpcFetchHandlerOptions {
  /** Path prefix of the API; default `/trpc`. */
  readonly endpoint?: string;
  /** Header (default `x-db-consistency`) and optional cookie that carry the consistency token. */
  readonly transport?: TransportOptions;
  /** Called for every procedure error (logging); server errors are not exposed beyond tRPC's own shape. */
  readonly onError?: (error: { path: string | undefined; error: Error }) => void;
}

/**
 * The app over HTTP with standard `Request`/`Response` (Node 20+, Bun, Deno, edge runtimes, a Next.js route
 * handler). The token a mutation produces comes back in the response header; `@multidb/trpc/client` sends it with
 * the next request (and refuses mutations over `httpBatchStreamLink`, whose headers leave before procedures end).
 */
export function createTrpcFetchHandler(
  appRouter: AppRouter,
  options: TrpcFetchHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const endpoint = options.endpoint ?? '/trpc';
  return (req) =>
    fetchRequestHandler({
      endpoint,
      req,
      router: appRouter,
      createContext: (opts) => consistencyFromFetch(opts, options.transport),
      onError: options.onError ? ({ path, error }) => options.onError?.({ path, error }) : undefined,
    });
}
