import { is } from 'drizzle-orm';
import { type Cache, hashQuery, NoopCache } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';

export interface QueryMetadata {
  readonly type: 'select' | 'update' | 'delete' | 'insert';
  readonly tables: string[];
}

/** Drizzle's defaults: strategy `all` caches every select unless told otherwise; `enable: false` opts out. */
export function settleCacheConfig(
  cache: Cache | undefined,
  config: WithCacheConfig | undefined,
): WithCacheConfig | undefined {
  if (cache === undefined || is(cache, NoopCache)) return undefined;
  const settled = config ?? (cache.strategy() === 'all' ? { enable: true, autoInvalidate: true } : undefined);
  return settled?.enable ? settled : undefined;
}

/**
 * Drizzle's `Cache` contract around a routed query (what `PgPreparedQuery.queryWithCache` does for one
 * driver): writes with known tables invalidate after they succeed; opted-in selects are served from the cache
 * or stored after running. Results are cached as returned to the caller (already mapped).
 */
export async function runWithCache<T>(
  cache: Cache | undefined,
  metadata: QueryMetadata | undefined,
  config: WithCacheConfig | undefined,
  query: { readonly sql: string; readonly params: unknown[] },
  run: () => Promise<T>,
): Promise<T> {
  if (cache === undefined || metadata === undefined || is(cache, NoopCache)) return run();
  if (metadata.type !== 'select') {
    const result = await run();
    if (metadata.tables.length > 0) await cache.onMutate({ tables: metadata.tables });
    return result;
  }
  if (config === undefined) return run();
  const isTag = config.tag !== undefined;
  const key = config.tag ?? (await hashQuery(query.sql, query.params));
  const hit = await cache.get(key, metadata.tables, isTag, config.autoInvalidate);
  if (hit !== undefined) return hit as T;
  const result = await run();
  await cache.put(key, result, config.autoInvalidate ? metadata.tables : [], isTag, config.config);
  return result;
}
