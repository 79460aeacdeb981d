import type { AnyPgDatabase } from '@multidb/config';
import type { Cache } from 'drizzle-orm/cache/core';
import type { QueryRoute, QueryRunner } from '../query-route.js';
import type { RoutedBinding } from '../routed-database.js';

/** A `PgDialect` of the loaded drizzle-orm (its shape differs per line; only the line modules look inside). */
export type AnyDialect = object;

/** What the router asks of the loaded release line: the one place that knows drizzle-orm's internals. */
export interface LineKit {
  /**
   * The dialect every routed client builds its SQL with: the primary database's own when it is open (its casing;
   * on 1.0 its driver's codecs), else a new one (`casing` on 0.45; the URL's driver codecs on 1.0).
   */
  dialect(primary: AnyPgDatabase | undefined, fallback: DialectFallback): AnyDialect;
  /** Relational query config: 0.45 `schema` (or the primary's), 1.0 `relations` (or the primary's). */
  relational(options: RelationalOptions, primary: AnyPgDatabase | undefined): unknown;
  /** A routed client: a real Drizzle database of the line whose session routes each query. */
  database(
    dialect: AnyDialect,
    ctx: { readonly runner: QueryRunner; readonly route: QueryRoute; readonly cache: Cache | undefined },
    relational: unknown,
    binding: RoutedBinding,
  ): AnyPgDatabase;
  /**
   * What decides how a node's driver encodes parameters and decodes rows (1.0's per-driver codecs), compared by
   * identity across nodes; `undefined` on 0.45, where every driver shares one dialect behaviour.
   */
  codecsOf(db: AnyPgDatabase): unknown;
  /** The codecs a database opened from `url` by `connect()` will use (see `codecsOf`). */
  urlCodecs(url: string, driver: string | undefined): unknown;
}

export interface DialectFallback {
  readonly casing: 'snake_case' | 'camelCase' | undefined;
  /** The codecs of the primary's driver (1.0), when the primary is a URL. */
  readonly codecs: unknown;
}

export interface RelationalOptions {
  readonly schema: Record<string, unknown> | undefined;
  readonly relations: object | undefined;
}
