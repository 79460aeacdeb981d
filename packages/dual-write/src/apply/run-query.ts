import { type AnyPgDatabase, normaliseRows } from '@multidb/config';
import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import { sessionKind } from '../capture/drizzle-internals.js';

/**
 * A statement the toolkit runs again and again with the same text (outbox reads, deletes, fences, jsonb
 * upserts): on postgres.js it runs as a server-side prepared statement named after its text, so it is parsed and
 * planned once per connection, unless the client was created with `prepare: false` (e.g. PgBouncer in
 * transaction mode). Other drivers run it as usual.
 */
export function reusableStatementName(session: unknown, text: string): string | undefined {
  if (sessionKind(session as never) !== 'PostgresJsSession') return undefined;
  const options = (session as { client?: { options?: { prepare?: boolean } } }).client?.options;
  if (options?.prepare === false) return undefined;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `mdb_${(hash >>> 0).toString(36)}_${text.length}`;
}

/** Runs `query` as a reusable (prepared where possible) statement and returns its rows as objects. */
export async function runReusable<T = Record<string, unknown>>(db: AnyPgDatabase, query: SQL): Promise<T[]> {
  const dialect = (db as unknown as { dialect: PgDialect }).dialect;
  const built = dialect.sqlToQuery(query);
  const session = db._.session;
  const prepared = session.prepareQuery(built, undefined, reusableStatementName(session, built.sql), false);
  return normaliseRows<T>(await prepared.execute());
}
