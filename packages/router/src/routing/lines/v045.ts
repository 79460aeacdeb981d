// drizzle-orm 0.45 internals: `PgDatabase` / `PgSession` / `PgPreparedQuery`. Classes are taken by name from the
// pg-core namespace and subclassed when this line is loaded (never at module load: they are absent on 1.0).
import { type AnyPgDatabase, normaliseRows, pgCoreClass } from '@multidb/config';
import { entityKind, is, type Query, type SQL } from 'drizzle-orm';
import type { WithCacheConfig } from 'drizzle-orm/cache/core/types';
import type {
  PgDatabase,
  PgDialect,
  PgPreparedQuery,
  PgQueryResultHKT,
  PgSession,
  PgTransaction,
  PgTransactionConfig,
  PreparedQueryConfig,
  SelectedFieldsOrdered,
} from 'drizzle-orm/pg-core';
import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
  type TablesRelationalConfig,
} from 'drizzle-orm/relations';
import type { AnySession, AnyTransaction } from '../query-route.js';
import type { QueryMetadata } from '../routed-cache.js';
import { bindRouted } from '../routed-database.js';
import { RoutedQueryCore, type RoutingContext } from '../routed-query.js';
import type { AnyDialect, LineKit } from './kit.js';

type ResultMapper = (rows: unknown[][], mapColumnValue?: (value: unknown) => unknown) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: drizzle's classes, taken by name
type Ctor<T> = abstract new (...args: any[]) => T;

interface PrepareArgs {
  readonly fields: SelectedFieldsOrdered | undefined;
  readonly name: string | undefined;
  readonly isResponseInArrayMode: boolean;
  readonly customResultMapper: ResultMapper | undefined;
  readonly queryMetadata: QueryMetadata | undefined;
  readonly cacheConfig: WithCacheConfig | undefined;
}

export function buildKit045(): LineKit {
  const PgDatabaseBase = pgCoreClass('PgDatabase') as unknown as Ctor<PgDatabase<PgQueryResultHKT>>;
  const PgSessionBase = pgCoreClass('PgSession') as unknown as Ctor<PgSession<PgQueryResultHKT>>;
  const PgPreparedQueryBase = pgCoreClass('PgPreparedQuery') as unknown as Ctor<
    PgPreparedQuery<PreparedQueryConfig>
  >;
  const PgDialectClass = pgCoreClass('PgDialect') as unknown as new (config?: {
    casing?: 'snake_case' | 'camelCase' | undefined;
  }) => PgDialect;

  class RoutedPreparedQuery extends PgPreparedQueryBase {
    static readonly [entityKind]: string = 'RoutedPreparedQuery';
    readonly #core: RoutedQueryCore;
    readonly #args: PrepareArgs;
    /** Set by Drizzle's select builder after `prepareQuery`, read by the driver when mapping rows. */
    joinsNotNullableMap: Record<string, boolean> | undefined;

    constructor(ctx: RoutingContext, query: Query, args: PrepareArgs) {
      super(query, undefined, args.queryMetadata, args.cacheConfig);
      this.#args = args;
      this.#core = new RoutedQueryCore(ctx, query, args.queryMetadata, args.cacheConfig);
    }

    execute(placeholderValues: Record<string, unknown> = {}): Promise<unknown> {
      return this.#core.execute(placeholderValues, (session) => this.#on(session).execute(placeholderValues));
    }

    all(placeholderValues: Record<string, unknown> = {}): Promise<unknown> {
      return this.#core.run((session) =>
        (this.#on(session) as unknown as { all(values: unknown): Promise<unknown> }).all(placeholderValues),
      );
    }

    /** @internal Drizzle asks this when mapping batch results. */
    isResponseInArrayMode(): boolean {
      return this.#args.isResponseInArrayMode;
    }

    #on(session: AnySession): PgPreparedQuery<PreparedQueryConfig> {
      const a = this.#args;
      const prepared = (session as PgSession<PgQueryResultHKT>).prepareQuery(
        this.query,
        a.fields,
        a.name,
        a.isResponseInArrayMode,
        a.customResultMapper,
        a.queryMetadata as never,
        // A cache on the node itself (`connect(url, { cache })`) sees the opt-in too.
        a.cacheConfig,
      );
      if (this.joinsNotNullableMap !== undefined)
        (prepared as unknown as { joinsNotNullableMap: unknown }).joinsNotNullableMap =
          this.joinsNotNullableMap;
      return prepared;
    }
  }

  /**
   * A Drizzle `PgSession` that owns no connection: each prepared query asks the router for a node when it runs
   * (using the kind Drizzle passes with the query, or the SQL text for raw `execute`), then prepares and runs
   * the very same query on that node's own session.
   */
  class RoutingSession extends PgSessionBase {
    static readonly [entityKind]: string = 'RoutingSession';
    readonly #ctx: RoutingContext;

    constructor(dialect: PgDialect, ctx: RoutingContext) {
      super(dialect);
      this.#ctx = ctx;
    }

    prepareQuery<T extends PreparedQueryConfig = PreparedQueryConfig>(
      query: Query,
      fields: SelectedFieldsOrdered | undefined,
      name: string | undefined,
      isResponseInArrayMode: boolean,
      customResultMapper?: ResultMapper,
      queryMetadata?: QueryMetadata,
      cacheConfig?: WithCacheConfig,
    ): PgPreparedQuery<T> {
      return new RoutedPreparedQuery(this.#ctx, query, {
        fields,
        name,
        isResponseInArrayMode,
        customResultMapper,
        queryMetadata,
        cacheConfig,
      }) as unknown as PgPreparedQuery<T>;
    }

    /** Drivers disagree on the shape of `execute` results (array vs `{ rows }`). */
    override async count(sql: SQL): Promise<number> {
      const result = await this.execute<unknown>(sql);
      return Number(normaliseRows<{ count: unknown }>(result)[0]?.count);
    }

    transaction<T>(
      transaction: (tx: PgTransaction<PgQueryResultHKT>) => Promise<T>,
      config?: PgTransactionConfig,
    ): Promise<T> {
      const { runner, route } = this.#ctx;
      return runner.transaction(route, transaction as (tx: AnyTransaction) => Promise<T>, config);
    }
  }

  class RoutedDatabase extends PgDatabaseBase {
    static readonly [entityKind]: string = 'RoutedDatabase';
  }

  return {
    dialect(primary, fallback): AnyDialect {
      const dialect = (primary as unknown as { dialect?: unknown } | undefined)?.dialect;
      return is(dialect, PgDialectClass as never)
        ? (dialect as PgDialect)
        : new PgDialectClass({ casing: fallback.casing });
    },
    relational(options, primary) {
      if (options.schema !== undefined) {
        const tables = extractTablesRelationalConfig(options.schema, createTableRelationsHelpers);
        return {
          fullSchema: options.schema,
          schema: tables.tables,
          tableNamesMap: tables.tableNamesMap,
        } satisfies RelationalSchemaConfig<TablesRelationalConfig>;
      }
      const own = (primary as PgDatabase<PgQueryResultHKT> | undefined)?._;
      if (own?.schema === undefined) return undefined;
      return { fullSchema: own.fullSchema, schema: own.schema, tableNamesMap: own.tableNamesMap };
    },
    database(dialect, ctx, relational, binding) {
      const session = new RoutingSession(dialect as PgDialect, ctx);
      const Db = RoutedDatabase as unknown as new (d: unknown, s: unknown, r: unknown) => AnyPgDatabase;
      const db = new Db(dialect, session, relational);
      bindRouted(db, binding);
      return db;
    },
    codecsOf: () => undefined,
    urlCodecs: () => undefined,
  };
}
