import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { MultiDbError } from './errors.js';
import { type ParsedUrl, parseDatabaseUrl } from './parse-url.js';
import { redactUrl } from './redact.js';

export type DriverKind = 'postgres' | 'pglite';

export interface ConnectOptions<TSchema extends Record<string, unknown>> {
  /** Drizzle schema object, for `db.query` (relational queries). */
  readonly schema?: TSchema;
  /** `true` logs every query through Drizzle's default logger (parameters included, never credentials). */
  readonly logger?: boolean | Logger;
  /** A Drizzle cache (e.g. `MemoryCache` from `@multidb/cache`); share one instance across nodes with the same data. */
  readonly cache?: Cache;
  /** postgres.js pool size (default 10). */
  readonly max?: number;
  /** Seconds before a connection attempt fails (postgres.js; default 10). */
  readonly connectTimeout?: number;
  /** Extra postgres.js options. */
  readonly postgres?: postgres.Options<Record<string, postgres.PostgresType>>;
}

/** A Drizzle database plus what the toolkit needs to manage it. */
export interface DbHandle<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly db: PgDatabase<PgQueryResultHKT, TSchema>;
  readonly kind: DriverKind;
  /** The connection string, credentials removed: safe to print. */
  readonly safeUrl: string;
  /** The PGlite instance when `kind === 'pglite'`. */
  readonly pglite: PGlite | undefined;
  readonly closed: boolean;
  /** Runs a script of several statements (simple query protocol); for setup, fixtures and repairs. */
  exec(script: string): Promise<void>;
  /** Closes the pool or the embedded database. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * One connection factory for every package: `postgres://` / `postgresql://` through postgres.js (NOTICEs
 * silenced) and `pglite:memory` / `pglite:./dir` through PGlite, so the embedded default and real servers run the
 * same code.
 */
export async function connect<TSchema extends Record<string, unknown> = Record<string, never>>(
  url: string,
  options: ConnectOptions<TSchema> = {},
): Promise<DbHandle<TSchema>> {
  const parsed = parseDatabaseUrl(url);
  if (parsed.isErr()) throw new MultiDbError('InvalidUrl', parsed.error.message, { url: redactUrl(url) });
  return parsed.value.kind === 'pglite'
    ? openPglite(parsed.value, options)
    : openPostgres(url, parsed.value, options);
}

/** Wrap a PGlite instance the caller already has (fixtures, tests). The handle closes it unless told not to. */
export function fromPglite<TSchema extends Record<string, unknown> = Record<string, never>>(
  pg: PGlite,
  options: ConnectOptions<TSchema> & { readonly name?: string; readonly ownsClient?: boolean } = {},
): DbHandle<TSchema> {
  const db = drizzlePglite({
    client: pg,
    schema: options.schema,
    logger: options.logger,
    cache: options.cache,
  }) as unknown as PgDatabase<PgQueryResultHKT, TSchema>;
  const owns = options.ownsClient ?? true;
  const exec = async (script: string) => {
    await pg.exec(script);
  };
  return makeHandle(db, 'pglite', `pglite:${options.name ?? 'memory'}`, pg, exec, async () => {
    if (owns && !pg.closed) await pg.close();
  });
}

async function openPglite<TSchema extends Record<string, unknown>>(
  parsed: ParsedUrl,
  options: ConnectOptions<TSchema>,
): Promise<DbHandle<TSchema>> {
  let pg: PGlite | undefined;
  try {
    if (parsed.dataDir !== undefined) await mkdir(dirname(resolve(parsed.dataDir)), { recursive: true });
    pg = parsed.dataDir === undefined ? new PGlite() : new PGlite(parsed.dataDir);
    await pg.waitReady;
  } catch (error) {
    throw new MultiDbError(
      'ConnectFailed',
      `cannot open ${parsed.safeUrl}`,
      { url: parsed.safeUrl },
      { cause: error },
    );
  }
  return fromPglite(pg, { ...options, name: parsed.dataDir ?? 'memory' });
}

function openPostgres<TSchema extends Record<string, unknown>>(
  url: string,
  parsed: ParsedUrl,
  options: ConnectOptions<TSchema>,
): DbHandle<TSchema> {
  const client = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 10,
    onnotice: () => {},
    backoff: reconnectBackoff,
    ...options.postgres,
  });
  const db = drizzlePostgres({
    client,
    schema: options.schema,
    logger: options.logger,
    cache: options.cache,
  }) as unknown as PgDatabase<PgQueryResultHKT, TSchema>;
  const exec = async (script: string) => {
    await client.unsafe(script).simple();
  };
  return makeHandle(db, 'postgres', parsed.safeUrl, undefined, exec, () => client.end({ timeout: 5 }));
}

/**
 * Seconds before postgres.js reconnects after its `retries`-th failed attempt: 0.1, 0.2, 0.4 ... capped at 2 s.
 * postgres.js's own default grows to 20 s, so a database back from a few seconds' outage would stay unused
 * (queries queued behind the wait) for up to that long.
 */
function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 2);
}

function makeHandle<TSchema extends Record<string, unknown>>(
  db: PgDatabase<PgQueryResultHKT, TSchema>,
  kind: DriverKind,
  safeUrl: string,
  pglite: PGlite | undefined,
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
