import { normaliseRows } from '@multidb/config';
import { entityKind, type Query, type SQL } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import {
  type PgDialect,
  PgPreparedQuery,
  type PgQueryResultHKT,
  PgSession,
  type PgTransaction,
  type PgTransactionConfig,
  type PreparedQueryConfig,
  type SelectedFieldsOrdered,
} from 'drizzle-orm/pg-core';
import type { TablesRelationalConfig } from 'drizzle-orm/relations';
import { fillPlaceholders } from 'drizzle-orm/sql';
import { classifySql, type StatementClass } from '../sql/sql-classifier.js';
import type { StatementInfo } from '../telemetry/db-attributes.js';
import type { AnySession, AnyTransaction, QueryRoute, QueryRunner } from './query-route.js';
import { type QueryMetadata, runWithCache, settleCacheConfig } from './routed-cache.js';

type ResultMapper = (rows: unknown[][], mapColumnValue?: (value: unknown) => unknown) => unknown;

/**
 * A Drizzle `PgSession` that owns no connection: each prepared query asks the router for a node when it runs
 * (using the kind Drizzle passes with the query, or the SQL text for raw `execute`), then prepares and runs
 * the very same query on that node's own session. A `PgDatabase` built over it is a real Drizzle database.
 */
export class RoutingSession<
  TFullSchema extends Record<string, unknown> = Record<string, never>,
  TSchema extends TablesRelationalConfig = Record<string, never>,
> extends PgSession<PgQueryResultHKT, TFullSchema, TSchema> {
  static override readonly [entityKind]: string = 'RoutingSession';
  readonly #runner: QueryRunner;
  readonly #route: QueryRoute;
  readonly #cache: Cache | undefined;

  constructor(dialect: PgDialect, runner: QueryRunner, route: QueryRoute, cache: Cache | undefined) {
    super(dialect);
    this.#runner = runner;
    this.#route = route;
    this.#cache = cache;
  }

  prepareQuery<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][], mapColumnValue?: (value: unknown) => unknown) => T['execute'],
    queryMetadata?: QueryMetadata,
    cacheConfig?: WithCacheConfig,
  ): PgPreparedQuery<T> {
    return new RoutedPreparedQuery<T>(this.#runner, this.#route, this.#cache, query, {
      fields,
      name,
      isResponseInArrayMode,
      customResultMapper,
      queryMetadata,
      cacheConfig,
    });
  }

  /** Drivers disagree on the shape of `execute` results (array vs `{ rows }`). */
  override async count(sql: SQL): Promise<number> {
    const result = await this.execute<unknown>(sql);
    return Number(normaliseRows<{ count: unknown }>(result)[0]?.count);
  }

  transaction<T>(
    transaction: (tx: PgTransaction<PgQueryResultHKT, TFullSchema, TSchema>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T> {
    return this.#runner.transaction(this.#route, transaction as (tx: AnyTransaction) => Promise<T>, config);
  }
}

interface PrepareArgs {
  readonly fields: SelectedFieldsOrdered | undefined;
  readonly name: string | undefined;
  readonly isResponseInArrayMode: boolean;
  readonly customResultMapper: ResultMapper | undefined;
  readonly queryMetadata: QueryMetadata | undefined;
  readonly cacheConfig: WithCacheConfig | undefined;
}

class RoutedPreparedQuery<T extends PreparedQueryConfig> extends PgPreparedQuery<T> {
  static override readonly [entityKind]: string = 'RoutedPreparedQuery';
  readonly #runner: QueryRunner;
  readonly #route: QueryRoute;
  readonly #cache: Cache | undefined;
  readonly #args: PrepareArgs;
  readonly #kind: StatementClass;
  readonly #cacheConfig: WithCacheConfig | undefined;
  /** For telemetry: the built SQL and Drizzle's metadata (operation, tables). */
  readonly #statement: StatementInfo;
  /** Set by Drizzle's select builder after `prepareQuery`, read by the driver when mapping rows. */
  joinsNotNullableMap: Record<string, boolean> | undefined;

  constructor(
    runner: QueryRunner,
    route: QueryRoute,
    cache: Cache | undefined,
    query: Query,
    args: PrepareArgs,
  ) {
    super(query, undefined, args.queryMetadata, args.cacheConfig);
    this.#runner = runner;
    this.#route = route;
    this.#cache = cache;
    this.#args = args;
    const type = args.queryMetadata?.type;
    // Builders say what they are; selects (and raw SQL) are still checked for locking clauses, writing CTEs...
    this.#kind =
      type === 'insert' || type === 'update' || type === 'delete' ? 'write' : classifySql(query.sql);
    this.#cacheConfig = settleCacheConfig(cache, args.cacheConfig);
    this.#statement = { sql: query.sql, metadata: args.queryMetadata };
  }

  execute(placeholderValues: Record<string, unknown> = {}): Promise<T['execute']> {
    if (this.#cache === undefined) return this.#routed(placeholderValues);
    const query = { sql: this.query.sql, params: fillPlaceholders(this.query.params, placeholderValues) };
    return runWithCache(this.#cache, this.#args.queryMetadata, this.#cacheConfig, query, () =>
      this.#routed(placeholderValues),
    );
  }

  all(placeholderValues: Record<string, unknown> = {}): Promise<T['all']> {
    return this.#runner.run(
      this.#route,
      this.#kind,
      (session) => {
        const prepared = this.#on(session) as PgPreparedQuery<T> & {
          all(values: unknown): Promise<T['all']>;
        };
        return prepared.all(placeholderValues);
      },
      this.#statement,
    );
  }

  /** @internal Drizzle asks this when mapping batch results. */
  isResponseInArrayMode(): boolean {
    return this.#args.isResponseInArrayMode;
  }

  #routed(placeholderValues: Record<string, unknown>): Promise<T['execute']> {
    return this.#runner.run(
      this.#route,
      this.#kind,
      (session) => this.#on(session).execute(placeholderValues),
      this.#statement,
    );
  }

  #on(session: AnySession): PgPreparedQuery<T> {
    const a = this.#args;
    const prepared = session.prepareQuery<T>(
      this.query,
      a.fields,
      a.name,
      a.isResponseInArrayMode,
      a.customResultMapper,
      a.queryMetadata,
      // A cache on the node itself (`connect(url, { cache })`) sees the opt-in too.
      a.cacheConfig,
    );
    if (this.joinsNotNullableMap !== undefined)
      (prepared as unknown as { joinsNotNullableMap: unknown }).joinsNotNullableMap =
        this.joinsNotNullableMap;
    return prepared;
  }
}
