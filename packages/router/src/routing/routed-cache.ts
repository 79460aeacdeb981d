import { is } from 'drizzle-orm';
import { type Cache, hashQuery, NoopCache } from 'drizzle-orm/cache/core';

/**
 * Drizzle's query metadata on either release line: 0.45 gives the tables as an array, 1.0 as a function called
 * only when they are needed.
 */
export interface QueryMetadata {
  readonly type: 'select' | 'update' | 'delete' | 'insert';
  readonly tables: readonly string[] | (() => string[]);
}

/** The tables of a query's metadata, whichever line built it. */
export function metadataTables(metadata: QueryMetadata): string[] {
  const tables = metadata.tables;
  return typeof tables === 'function' ? tables() : [...tables];
}

/** A `$withCache()` opt-in on either line: 0.45 spells the switch `enable`, 1.0 `enabled`. */
export interface AnyCacheConfig {
  readonly enable?: boolean;
  readonly enabled?: boolean;
  readonly tag?: string | undefined;
  readonly autoInvalidate?: boolean | undefined;
  readonly config?: unknown;
}

/** The opt-in as the router applies it. */
export interface SettledCacheConfig {
  readonly tag: string | undefined;
  readonly autoInvalidate: boolean;
  readonly config: unknown;
}

/** Drizzle's defaults: strategy `all` caches every select unless told otherwise; `enable: false` opts out. */
export function settleCacheConfig(
  cache: Cache | undefined,
  config: AnyCacheConfig | undefined,
): SettledCacheConfig | undefined {
  if (cache === undefined || is(cache, NoopCache)) return undefined;
  if (config === undefined)
    return cache.strategy() === 'all'
      ? { tag: undefined, autoInvalidate: true, config: undefined }
      : undefined;
  if (!(config.enable ?? config.enabled)) return undefined;
  return { tag: config.tag, autoInvalidate: config.autoInvalidate === true, config: config.config };
}

/**
 * Drizzle's `Cache` contract around a routed query (what the driver's prepared query does for one driver):
 * writes with known tables invalidate after they succeed; opted-in selects are served from the cache or stored
 * after running. Results are cached as returned to the caller (already mapped).
 */
export async function runWithCache<T>(
  cache: Cache | undefined,
  metadata: QueryMetadata | undefined,
  config: SettledCacheConfig | undefined,
  query: { readonly sql: string; readonly params: unknown[] },
  run: () => Promise<T>,
): Promise<T> {
  if (cache === undefined || metadata === undefined || is(cache, NoopCache)) return run();
  if (metadata.type !== 'select') {
    const result = await run();
    const tables = metadataTables(metadata);
    if (tables.length > 0) await cache.onMutate({ tables });
    return result;
  }
  if (config === undefined) return run();
  const isTag = config.tag !== undefined;
  const key = config.tag ?? (await hashQuery(query.sql, query.params));
  const tables = metadataTables(metadata);
  const hit = await cache.get(key, tables, isTag, config.autoInvalidate);
  if (hit !== undefined) return hit as T;
  const result = await run();
  // biome-ignore lint/suspicious/noExplicitAny: the cache's own config type differs per release line
  await cache.put(key, result, config.autoInvalidate ? tables : [], isTag, config.config as any);
  return result;
}
