import type { Logger } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

export type DriverKind = 'postgres' | 'pglite';

/**
 * The PGlite instance behind a `pglite:` handle, typed by the few members the toolkit uses so that these
 * declarations do not need `@electric-sql/pglite` installed (an app on postgres.js does not install it). With
 * PGlite installed, `handle.pglite as PGlite` gives its whole API.
 */
export interface PgliteInstance {
  readonly closed: boolean;
  readonly dataDir?: string | undefined;
  exec(query: string): Promise<unknown>;
  query<T>(query: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/**
 * Options passed through to `postgres()` (postgres.js), e.g. `{ ssl: 'require', idle_timeout: 20 }`. Typed
 * loosely so the toolkit's declarations do not need postgres.js's types when an application uses PGlite only.
 */
export type PostgresDriverOptions = object;

export interface ConnectOptions<TSchema extends Record<string, unknown>> {
  /** Drizzle schema object, for `db.query` (relational queries). */
  readonly schema?: TSchema | undefined;
  /** `true` logs every query through Drizzle's default logger (parameters included, never credentials). */
  readonly logger?: boolean | Logger | undefined;
  /** A Drizzle cache (e.g. `MemoryCache` from `@multidb/cache`); share one instance across nodes with the same data. */
  readonly cache?: Cache | undefined;
  /** postgres.js pool size (default 10). */
  readonly max?: number | undefined;
  /** Seconds before a connection attempt fails (postgres.js; default 10). */
  readonly connectTimeout?: number | undefined;
  /** Seconds `close()` waits for running queries before ending postgres.js connections (default 5). */
  readonly closeTimeout?: number | undefined;
  /** Extra postgres.js options. */
  readonly postgres?: PostgresDriverOptions | undefined;
}

/** A Drizzle database plus what the toolkit needs to manage it. */
export interface DbHandle<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly db: PgDatabase<PgQueryResultHKT, TSchema>;
  readonly kind: DriverKind;
  /** The connection string, credentials removed: safe to print. */
  readonly safeUrl: string;
  /** The PGlite instance when `kind === 'pglite'`. */
  readonly pglite: PgliteInstance | undefined;
  readonly closed: boolean;
  /** Runs a script of several statements (simple query protocol); for setup, fixtures and repairs. */
  exec(script: string): Promise<void>;
  /** Closes the pool or the embedded database. Safe to call more than once. */
  close(): Promise<void>;
}

/** The handle both drivers return: `close()` runs `closeOnce` the first time only. */
export function makeHandle<TSchema extends Record<string, unknown>>(
  db: PgDatabase<PgQueryResultHKT, TSchema>,
  kind: DriverKind,
  safeUrl: string,
  pglite: PgliteInstance | undefined,
  exec: (script: string) => Promise<void>,
  closeOnce: () => Promise<void>,
): DbHandle<TSchema> {
  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    safeUrl,
    pglite,
    exec,
    get closed() {
      return closing !== undefined;
    },
    close() {
      closing ??= closeOnce();
      return closing;
    },
  };
}
