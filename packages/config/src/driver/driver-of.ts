import type { PGlite } from '@electric-sql/pglite';
import type { Client, Pool } from 'pg';
import type postgres from 'postgres';
import { MultiDbError } from '../errors.js';
import type { AnyPgDatabase } from '../execute-rows.js';
import type { Driver } from './driver.js';
import { nodePostgresDriver } from './node-postgres/driver.js';
import { pgliteDriver } from './pglite/driver.js';
import { postgresJsDriver } from './postgres-js/driver.js';

/**
 * A database that runs on another database's driver defines this (e.g. a router client: its writes run on the
 * primary): `driverOf` follows it. Returns `undefined` while that database is not open yet.
 */
export const DRIVER_SOURCE: unique symbol = Symbol.for('@multidb/config.driverSource');

/** A database that names the database whose driver it runs on (see {@link DRIVER_SOURCE}). */
export interface DriverSource {
  readonly [DRIVER_SOURCE]: () => AnyPgDatabase | undefined;
}

const byDatabase = new WeakMap<object, Driver>();
const byClient = new WeakMap<object, Driver>();

/**
 * The driver under a Drizzle database: postgres.js (`drizzle-orm/postgres-js`), node-postgres
 * (`drizzle-orm/node-postgres` over a `pg.Pool` or `pg.Client`, or a pg-compatible pool such as Neon's serverless
 * `Pool`) or PGlite. The one place that looks at Drizzle's `$client`; one driver per database and per client.
 * Anything else is a `MultiDbError` `UnsupportedDriver` naming what was found.
 */
export function driverOf(db: AnyPgDatabase): Driver {
  const known = byDatabase.get(db);
  if (known !== undefined) return known;
  const source = (db as Partial<DriverSource>)[DRIVER_SOURCE];
  let driver: Driver;
  if (typeof source === 'function') {
    const underlying = source();
    if (underlying === undefined) {
      throw new MultiDbError('UnsupportedDriver', 'the database this one runs on is not open yet');
    }
    driver = driverOf(underlying);
  } else {
    driver = driverOfClient((db as { $client?: unknown }).$client);
  }
  byDatabase.set(db, driver);
  return driver;
}

/** The driver for a client object (see {@link driverOf}); one per client. */
export function driverOfClient(client: unknown): Driver {
  if ((typeof client !== 'object' && typeof client !== 'function') || client === null) {
    throw unsupported(client);
  }
  const known = byClient.get(client);
  if (known !== undefined) return known;
  const driver = build(client);
  byClient.set(client, driver);
  return driver;
}

function build(client: object): Driver {
  const c = client as Record<string, unknown>;
  if (typeof client === 'function' && fn(c.unsafe) && fn(c.begin) && fn(c.reserve)) {
    return postgresJsDriver(client as postgres.Sql);
  }
  if (fn(c.query) && fn(c.exec) && fn(c.transaction) && 'waitReady' in c) {
    return pgliteDriver(client as PGlite);
  }
  if (fn(c.query) && fn(c.connect) && fn(c.end)) {
    // pg.Pool: pool counters; pg.Client: its connection parameters. Neon's serverless Pool/Client match too.
    if (typeof c.totalCount === 'number' && typeof c.idleCount === 'number') {
      return nodePostgresDriver(client as Pool);
    }
    if ('connectionParameters' in c) return nodePostgresDriver(client as Client);
  }
  throw unsupported(client);
}

function fn(value: unknown): boolean {
  return typeof value === 'function';
}

function unsupported(client: unknown): MultiDbError {
  const found =
    client === undefined
      ? 'no $client'
      : client === null || (typeof client !== 'object' && typeof client !== 'function')
        ? `a $client of type ${client === null ? 'null' : typeof client}`
        : `a $client of class ${(client as { constructor?: { name?: string } }).constructor?.name || 'Object'}`;
  return new MultiDbError(
    'UnsupportedDriver',
    `unsupported Drizzle database (${found}): use drizzle-orm/postgres-js (postgres.js), drizzle-orm/node-postgres (pg) or drizzle-orm/pglite (PGlite)`,
    { found },
  );
}
