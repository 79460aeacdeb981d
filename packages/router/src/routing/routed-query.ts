import type { Query } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import { fillPlaceholders } from 'drizzle-orm/sql';
import { classifySql, type StatementClass } from '../sql/sql-classifier.js';
import type { StatementInfo } from '../telemetry/db-attributes.js';
import type { AnySession, QueryRoute, QueryRunner } from './query-route.js';
import {
  type AnyCacheConfig,
  metadataTables,
  type QueryMetadata,
  runWithCache,
  type SettledCacheConfig,
  settleCacheConfig,
} from './routed-cache.js';

/** What a routing session needs from the router to build its prepared queries (shared by both lines). */
export interface RoutingContext {
  readonly runner: QueryRunner;
  readonly route: QueryRoute;
  readonly cache: Cache | undefined;
}

/**
 * The line-neutral half of a routed prepared query: how the statement is classified (writes, reads that must
 * run on the primary), what telemetry sees, and the shared Drizzle cache around the routed run. The
 * line-specific prepared query (`lines/`) only says how to prepare the same query on a node's own session.
 */
export class RoutedQueryCore {
  readonly #ctx: RoutingContext;
  readonly #query: Query;
  readonly #metadata: QueryMetadata | undefined;
  readonly #cacheConfig: SettledCacheConfig | undefined;
  readonly kind: StatementClass;
  /** For telemetry: the built SQL and Drizzle's metadata (operation, tables). */
  readonly statement: StatementInfo;

  constructor(
    ctx: RoutingContext,
    query: Query,
    metadata: QueryMetadata | undefined,
    cacheConfig: AnyCacheConfig | undefined,
  ) {
    this.#ctx = ctx;
    this.#query = query;
    this.#metadata = metadata;
    const type = metadata?.type;
    // Builders say what they are; selects (and raw SQL) are still checked for locking clauses, writing CTEs...
    this.kind =
      type === 'insert' || type === 'update' || type === 'delete' ? 'write' : classifySql(query.sql);
    this.#cacheConfig = settleCacheConfig(ctx.cache, cacheConfig);
    this.statement = { sql: query.sql, metadata: metadata === undefined ? undefined : lazyTables(metadata) };
  }

  /** Runs `exec` on the node the router picks, through the shared cache when there is one. */
  execute<T>(
    placeholderValues: Record<string, unknown>,
    exec: (session: AnySession) => Promise<T>,
  ): Promise<T> {
    const { cache } = this.#ctx;
    if (cache === undefined) return this.run(exec);
    const query = { sql: this.#query.sql, params: fillPlaceholders(this.#query.params, placeholderValues) };
    return runWithCache(cache, this.#metadata, this.#cacheConfig, query, () => this.run(exec));
  }

  /** Runs `exec` on the node the router picks (no cache). */
  run<T>(exec: (session: AnySession) => Promise<T>): Promise<T> {
    return this.#ctx.runner.run(this.#ctx.route, this.kind, exec, this.statement);
  }
}

/** Telemetry's view of the metadata: the tables resolved on first read (1.0 builds them on demand). */
function lazyTables(metadata: QueryMetadata): StatementInfo['metadata'] {
  let tables: string[] | undefined;
  return {
    type: metadata.type,
    get tables() {
      tables ??= metadataTables(metadata);
      return tables;
    },
  };
}
