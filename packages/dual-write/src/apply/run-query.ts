import { type AnyPgDatabase, driverOf, normaliseRows } from '@multidb/config';
import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import { drizzleInternals } from '../capture/drizzle-internals.js';

/**
 * The name under which `text` runs as a server-side prepared statement on `db`'s driver (postgres.js unless
 * `prepare: false`, node-postgres), so it is parsed and planned once per connection; `undefined` where the driver
 * does not prepare (PGlite) or is not known (a Drizzle transaction object: pass the database it belongs to).
 */
export function reusableStatementName(db: AnyPgDatabase, text: string): string | undefined {
  try {
    return driverOf(db).reusableStatementName(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs `query`, a statement the toolkit runs again and again with the same text (outbox reads, deletes, fences,
 * jsonb upserts), as a reusable statement (see {@link reusableStatementName}; `via` is the database whose driver
 * `db` runs on, e.g. the database a transaction `db` was opened on). Returns its rows as objects.
 */
export async function runReusable<T = Record<string, unknown>>(
  db: AnyPgDatabase,
  query: SQL,
  via: AnyPgDatabase = db,
): Promise<T[]> {
  const dialect = (db as unknown as { dialect: PgDialect }).dialect;
  const built = dialect.sqlToQuery(query);
  const prepared = drizzleInternals().prepareObjects(db, built, reusableStatementName(via, built.sql));
  return normaliseRows<T>(await prepared.execute());
}
