import type { PGlite } from '@electric-sql/pglite';
import { type AnyPgDatabase, executeRows, quoteLiteral } from '@multidb/config';

const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];
/** Migration bookkeeping survives a reset, or the next migrate would run everything again. */
export const KEPT_SCHEMAS = ['drizzle', 'multidb_replication'];

/**
 * One statement that truncates every table of the given schemas (all user schemas except `drizzle` when none
 * are given) with RESTART IDENTITY CASCADE. Works unchanged on real Postgres.
 */
export function resetSql(schemas?: readonly string[]): string {
  const filter =
    schemas === undefined
      ? `n.nspname NOT IN (${[...SYSTEM_SCHEMAS, ...KEPT_SCHEMAS].map(quoteLiteral).join(', ')}) AND n.nspname NOT LIKE 'pg\\_%'`
      : `n.nspname = ANY (ARRAY[${schemas.map(quoteLiteral).join(', ') || "''"}]::text[])`;
  return `DO $reset$
DECLARE targets text;
BEGIN
  SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ') INTO targets
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${filter};
  IF targets IS NOT NULL THEN
    EXECUTE 'TRUNCATE TABLE ' || targets || ' RESTART IDENTITY CASCADE';
  END IF;
END
$reset$`;
}

function isPglite(target: AnyPgDatabase | PGlite): target is PGlite {
  return (
    typeof (target as PGlite).exec === 'function' && typeof (target as PGlite).dumpDataDir === 'function'
  );
}

/** Empties every table of `schemas` (default: all user schemas but `drizzle`) in one round trip. */
export async function resetDatabase(
  target: AnyPgDatabase | PGlite,
  schemas?: readonly string[],
): Promise<void> {
  const statement = resetSql(schemas);
  if (isPglite(target)) await target.exec(statement);
  else await executeRows(target, statement);
}
