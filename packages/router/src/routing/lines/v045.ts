// drizzle-orm 0.45 internals: `PgDatabase` / `PgSession` / `PgPreparedQuery`, prepareQuery(query, fields, name,
// isResponseInArrayMode, customResultMapper, queryMetadata, cacheConfig). Classes and functions are taken by name
// (namespace imports) and subclassed only when this line is loaded: they are absent on 1.0. The types here are
// local and structural, so the file also type-checks against 1.0.
import { type AnyPgDatabase, MultiDbError, normaliseRows, pgCoreClass } from '@multidb/config';
import { entityKind, is, type Query, type SQL } from 'drizzle-orm';
import * as relationsModule from 'drizzle-orm/relations';
import type { AnyTransaction } from '../query-route.js';
import type { AnyCacheConfig, QueryMetadata } from '../routed-cache.js';
import { bindRouted } from '../routed-database.js';
import { RoutedQueryCore, type RoutingContext } from '../routed-query.js';
import type { AnyDialect, LineKit } from './kit.js';

// biome-ignore lint/suspicious/noExplicitAny: drizzle's classes, taken by name
type AnyCtor = abstract new (...args: any[]) => any;

interface Prepared045 {
  execute(values?: Record<string, unknown>): Promise<unknown>;
  all?(values?: Record<string, unknown>): Promise<unknown>;
  joinsNotNullableMap?: unknown;
}
interface Session045 {
  prepareQuery(...args: unknown[]): Prepared045;
}
interface Relations045 {
  extractTablesRelationalConfig(
    schema: Record<string, unknown>,
    helpers: unknown,
  ): {
    tables: unknown;
    tableNamesMap: unknown;
  };
  createTableRelationsHelpers: unknown;
}
interface Db045 {
  readonly _: { readonly schema?: unknown; readonly fullSchema?: unknown; readonly tableNamesMap?: unknown };
}

/** prepareQuery's arguments on 0.45 (positions 0..6). */
type PrepareArgs045 = readonly [
  query: Query,
  fields: unknown,
  name: string | undefined,
  isResponseInArrayMode: boolean,
  customResultMapper: unknown,
  queryMetadata: QueryMetadata | undefined,
  cacheConfig: AnyCacheConfig | undefined,
];

function relationsApi(): Relations045 {
  const api = relationsModule as unknown as Partial<Relations045>;
  if (typeof api.extractTablesRelationalConfig !== 'function') {
    throw new MultiDbError(
      'DrizzleIncompatible',
      'drizzle-orm/relations has no extractTablesRelationalConfig; unsupported drizzle-orm version',
    );
  }
  return api as Relations045;
}

export function buildKit045(): LineKit {
  const PgDatabaseBase = pgCoreClass('PgDatabase') as unknown as AnyCtor;
  const PgSessionBase = pgCoreClass('PgSession') as unknown as AnyCtor;
  const PgPreparedQueryBase = pgCoreClass('PgPreparedQuery') as unknown as AnyCtor;
  const PgDialectClass = pgCoreClass('PgDialect') as unknown as new (config?: {
    casing?: 'snake_case' | 'camelCase' | undefined;
  }) => AnyDialect;

  class RoutedPreparedQuery extends PgPreparedQueryBase {
    static readonly [entityKind]: string = 'RoutedPreparedQuery';
    readonly #core: RoutedQueryCore;
    readonly #args: PrepareArgs045;
    /** Set by Drizzle's select builder after `prepareQuery`, read by the driver when mapping rows. */
    joinsNotNullableMap: Record<string, boolean> | undefined;

    constructor(ctx: RoutingContext, args: PrepareArgs045) {
      const [query, , , , , queryMetadata, cacheConfig] = args;
      super(query, undefined, queryMetadata, cacheConfig);
      this.#args = args;
      this.#core = new RoutedQueryCore(ctx, query, queryMetadata, cacheConfig);
    }

    execute(placeholderValues: Record<string, unknown> = {}): Promise<unknown> {
      return this.#core.execute(placeholderValues, (session) => this.#on(session).execute(placeholderValues));
    }

    all(placeholderValues: Record<string, unknown> = {}): Promise<unknown> {
      return this.#core.run((session) => {
        const prepared = this.#on(session);
        return prepared.all === undefined
          ? prepared.execute(placeholderValues)
          : prepared.all(placeholderValues);
      });
    }

    /** @internal Drizzle asks this when mapping batch results. */
    isResponseInArrayMode(): boolean {
      return this.#args[3];
    }

    /** The very same query prepared on the node's own session (its cache, if any, sees the opt-in too). */
    #on(session: unknown): Prepared045 {
      const prepared = (session as Session045).prepareQuery(...this.#args);
      if (this.joinsNotNullableMap !== undefined) prepared.joinsNotNullableMap = this.joinsNotNullableMap;
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

    constructor(dialect: AnyDialect, ctx: RoutingContext) {
      super(dialect);
      this.#ctx = ctx;
    }

    prepareQuery(...args: unknown[]): unknown {
      return new RoutedPreparedQuery(this.#ctx, args as unknown as PrepareArgs045);
    }

    /** Drivers disagree on the shape of `execute` results (array vs `{ rows }`). */
    async count(sql: SQL): Promise<number> {
      const result: unknown = await (this as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql);
      return Number(normaliseRows<{ count: unknown }>(result)[0]?.count);
    }

    transaction<T>(transaction: (tx: AnyTransaction) => Promise<T>, config?: unknown): Promise<T> {
      const { runner, route } = this.#ctx;
      return runner.transaction(route, transaction, config as never);
    }
  }

  class RoutedDatabase extends PgDatabaseBase {
    static readonly [entityKind]: string = 'RoutedDatabase';
  }

  return {
    dialect(primary, fallback): AnyDialect {
      const dialect = (primary as unknown as { dialect?: unknown } | undefined)?.dialect;
      return is(dialect, PgDialectClass as never)
        ? (dialect as AnyDialect)
        : new PgDialectClass({ casing: fallback.casing });
    },
    relational(options, primary) {
      if (options.schema !== undefined) {
        const api = relationsApi();
        const tables = api.extractTablesRelationalConfig(options.schema, api.createTableRelationsHelpers);
        return { fullSchema: options.schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
      }
      const own = (primary as unknown as Db045 | undefined)?._;
      if (own?.schema === undefined) return undefined;
      return { fullSchema: own.fullSchema, schema: own.schema, tableNamesMap: own.tableNamesMap };
    },
    database(dialect, ctx, relational, binding) {
      const session = new RoutingSession(dialect, ctx);
      const db = new (RoutedDatabase as unknown as new (...args: unknown[]) => AnyPgDatabase)(
        dialect,
        session,
        relational,
      );
      bindRouted(db, binding);
      return db;
    },
    codecsOf: () => undefined,
    urlCodecs: () => undefined,
  };
}
