import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { AnyPgDatabase } from './drizzle/pg-database-types.js';

export type { AnyPgDatabase };

/**
 * `db.execute` returns an array on postgres.js and `{ rows }` on node-postgres and PGlite; this is the one place
 * that hides it.
 */
export async function executeRows<T extends Record<string, unknown> = Record<string, unknown>>(
  db: AnyPgDatabase,
  query: SQL | string,
): Promise<T[]> {
  const result: unknown = await db.execute(typeof query === 'string' ? sql.raw(query) : query);
  return normaliseRows<T>(result);
}

export function normaliseRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result !== null && typeof result === 'object' && Array.isArray((result as { rows?: unknown }).rows)) {
    return (result as { rows: T[] }).rows;
  }
  return [];
}
