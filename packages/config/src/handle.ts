import type { Logger } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { DriverKind } from './driver/driver.js';
import { drizzleLine, drizzleVersion } from './drizzle/drizzle-version.js';
import type { PgDatabaseOf } from './drizzle/pg-database-types.js';
import { MultiDbError } from './errors.js';

/** The drivers a `postgres://` URL can be opened with: postgres.js (default) or node-postgres. */
export type UrlDriver = Exclude<DriverKind, 'pglite'>;

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

/** Options passed through to `new pg.Pool()` (node-postgres), e.g. `{ ssl: { rejectUnauthorized: false } }`. */
export type NodePostgresDriverOptions = object;

export interface ConnectOptions<TSchema extends Record<string, unknown>> {
  /**
   * The driver for `postgres://` URLs: `'postgres'` (postgres.js, the default) or `'pg'` (node-postgres, a
   * `pg.Pool`). Default: the `MULTIDB_DRIVER` environment variable, else `'postgres'`. `pglite:` URLs always
   * open PGlite.
   */
  readonly driver?: UrlDriver | undefined;
  /** Environment for `MULTIDB_DRIVER` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Drizzle schema object, for `db.query` (relational queries) on drizzle-orm 0.45. */
  readonly schema?: TSchema | undefined;
  /**
   * drizzle-orm 1.0: the result of `defineRelations(schema, ...)`, for `db.query` (relational queries v2). 1.0 has
   * no `schema` option; 0.45 has no `relations`: the one the installed drizzle-orm lacks is refused.
   */
  readonly relations?: object | undefined;
  /** `true` logs every query through Drizzle's default logger (parameters included, never credentials). */
  readonly logger?: boolean | Logger | undefined;
  /** A Drizzle cache (e.g. `MemoryCache` from `@multidb/cache`); share one instance across nodes with the same data. */
  readonly cache?: Cache | undefined;
  /** Pool size (postgres.js or node-postgres; default 10). */
  readonly max?: number | undefined;
  /** Seconds before a connection attempt fails (default 10). */
  readonly connectTimeout?: number | undefined;
  /** Seconds `close()` waits for running queries before ending the connections (default 5). */
  readonly closeTimeout?: number | undefined;
  /** Extra postgres.js options (used when the driver is postgres.js). */
  readonly postgres?: PostgresDriverOptions | undefined;
  /** Extra `pg.Pool` options (used when the driver is node-postgres). */
  readonly pg?: NodePostgresDriverOptions | undefined;
}

/** A Drizzle database plus what the toolkit needs to manage it. */
export interface DbHandle<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly db: PgDatabaseOf<TSchema>;
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

/** The handle every driver returns: `close()` runs `closeOnce` the first time only. */
export function makeHandle<TSchema extends Record<string, unknown>>(
  db: PgDatabaseOf<TSchema>,
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

/** The Drizzle settings every driver's `drizzle({ client, ... })` gets from the toolkit's options. */
export function drizzleSettings<TSchema extends Record<string, unknown>>(
  options: Pick<ConnectOptions<TSchema>, 'schema' | 'relations' | 'logger' | 'cache'>,
): Pick<ConnectOptions<TSchema>, 'schema' | 'relations' | 'logger' | 'cache'> {
  const line = drizzleLine();
  if (line === '0.45' && options.relations !== undefined) {
    throw new MultiDbError(
      'InvalidOptions',
      `relations: drizzle-orm ${drizzleVersion} takes \`schema\` for relational queries (relations are drizzle-orm 1.0)`,
    );
  }
  if (line === '1.0' && options.schema !== undefined) {
    throw new MultiDbError(
      'InvalidOptions',
      `schema: drizzle-orm ${drizzleVersion} has no \`schema\` option; pass \`relations\` from defineRelations(schema) instead`,
    );
  }
  return line === '0.45'
    ? { schema: options.schema, logger: options.logger, cache: options.cache }
    : { relations: options.relations, logger: options.logger, cache: options.cache };
}
