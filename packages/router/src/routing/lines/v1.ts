// drizzle-orm 1.0 internals: `PgAsyncDatabase` / `PgAsyncSession` / `PgAsyncPreparedQuery`, prepareQuery(query,
// mode, name, mapper, queryMetadata, cacheConfig, driverShape), and a dialect carrying the driver's codecs.
// Classes are taken by name from the pg-core namespace and subclassed only when this line is loaded.
import { type AnyPgDatabase, MultiDbError, parseDatabaseUrl, pgCoreClass } from '@multidb/config';
import { entityKind, is, type Query } from 'drizzle-orm';
import type { AnyTransaction } from '../query-route.js';
import type { AnyCacheConfig, QueryMetadata } from '../routed-cache.js';
import { bindRouted } from '../routed-database.js';
import { RoutedQueryCore, type RoutingContext } from '../routed-query.js';
import type { AnyDialect, LineKit } from './kit.js';
import { driverCodecs, type UrlDriverKind } from './v1-codecs.js';

// biome-ignore lint/suspicious/noExplicitAny: drizzle's classes, taken by name (their types are 1.0's)
type AnyCtor = abstract new (...args: any[]) => any;
interface Dialect10 {
  readonly codecs?: { readonly codecs?: unknown };
}
interface Session10 {
  prepareQuery(...args: unknown[]): { execute(values?: Record<string, unknown>): Promise<unknown> };
  transaction<T>(fn: (tx: unknown) => Promise<T>, config?: unknown): Promise<T>;
}

const NO_EXECUTOR = () => {
  throw new MultiDbError('DrizzleIncompatible', 'a routed query runs on a node session, never on its own');
};

export function buildKit10(): LineKit {
  const PgAsyncDatabase = pgCoreClass('PgAsyncDatabase') as unknown as AnyCtor;
  const PgAsyncSession = pgCoreClass('PgAsyncSession') as unknown as AnyCtor;
  const PgAsyncPreparedQuery = pgCoreClass('PgAsyncPreparedQuery') as unknown as AnyCtor;
  const PgDialectClass = pgCoreClass('PgDialect') as unknown as new (config?: {
    casing?: string | undefined;
    codecs?: unknown;
  }) => AnyDialect;

  class RoutedPreparedQuery extends PgAsyncPreparedQuery {
    static readonly [entityKind]: string = 'RoutedPreparedQuery';
    readonly #core: RoutedQueryCore;
    /** The arguments of `prepareQuery`, passed on unchanged to the node's session. */
    readonly #args: readonly unknown[];

    constructor(ctx: RoutingContext, args: readonly unknown[]) {
      const [query, mode, , , queryMetadata, cacheConfig] = args as [
        Query,
        string,
        unknown,
        unknown,
        QueryMetadata | undefined,
        AnyCacheConfig | undefined,
      ];
      // No cache and no mapper here: the node's prepared query maps rows; the router's cache wraps the run.
      super(NO_EXECUTOR, query, undefined, mode, undefined, undefined, queryMetadata, undefined, false);
      this.#args = args;
      this.#core = new RoutedQueryCore(ctx, query, queryMetadata, cacheConfig);
    }

    execute(placeholderValues: Record<string, unknown> = {}): Promise<unknown> {
      return this.#core.execute(placeholderValues, (session) =>
        (session as unknown as Session10).prepareQuery(...this.#args).execute(placeholderValues),
      );
    }
  }

  /**
   * A Drizzle `PgAsyncSession` that owns no connection: each prepared query asks the router for a node when it
   * runs, then prepares and runs the very same query (same mode, mapper, metadata) on that node's own session.
   */
  class RoutingSession extends PgAsyncSession {
    static readonly [entityKind]: string = 'RoutingSession';
    readonly #ctx: RoutingContext;

    constructor(dialect: AnyDialect, ctx: RoutingContext) {
      super(dialect);
      this.#ctx = ctx;
    }

    prepareQuery(...args: unknown[]): unknown {
      return new RoutedPreparedQuery(this.#ctx, args);
    }

    transaction<T>(transaction: (tx: AnyTransaction) => Promise<T>, config?: unknown): Promise<T> {
      const { runner, route } = this.#ctx;
      return runner.transaction(route, transaction, config as never);
    }
  }

  class RoutedDatabase extends PgAsyncDatabase {
    static readonly [entityKind]: string = 'RoutedDatabase';
  }

  const codecsOf = (db: AnyPgDatabase): unknown =>
    ((db as unknown as { dialect?: Dialect10 }).dialect?.codecs as { codecs?: unknown } | undefined)?.codecs;

  return {
    dialect(primary, fallback): AnyDialect {
      const dialect = (primary as unknown as { dialect?: unknown } | undefined)?.dialect;
      if (is(dialect, PgDialectClass as never)) return dialect as AnyDialect;
      return new PgDialectClass({ casing: fallback.casing, codecs: fallback.codecs });
    },
    relational(options, primary) {
      if (options.relations !== undefined) return options.relations;
      return (primary as unknown as { _?: { relations?: unknown } } | undefined)?._?.relations ?? {};
    },
    database(dialect, ctx, relational, binding) {
      const session = new RoutingSession(dialect, ctx);
      const db = new (RoutedDatabase as unknown as new (...args: unknown[]) => AnyPgDatabase)(
        dialect,
        session,
        relational,
        false,
      );
      bindRouted(db, binding);
      return db;
    },
    codecsOf,
    urlCodecs(url, driver) {
      const parsed = parseDatabaseUrl(url);
      if (parsed.isErr()) return undefined;
      const kind: UrlDriverKind =
        parsed.value.kind === 'pglite' ? 'pglite' : driver === 'pg' ? 'pg' : 'postgres';
      return driverCodecs?.[kind];
    },
  };
}
