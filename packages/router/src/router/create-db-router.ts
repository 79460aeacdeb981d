import { MultiDbRouter } from './db-router.js';
import type { DbRouter } from './db-router-api.js';
import type { DbRouterOptions } from './router-options.js';

/**
 * Builds a router over a primary and its replicas (Drizzle databases, `DbHandle`s or URLs). Synchronous: URL
 * nodes are opened on first use, and the first probe round starts right away. Bad options throw a
 * `MultiDbError` with code `InvalidRouterConfig` listing every problem.
 */
export function createDbRouter<TSchema extends Record<string, unknown> = Record<string, never>>(
  options: DbRouterOptions<TSchema>,
): DbRouter<TSchema> {
  return new MultiDbRouter(options);
}
