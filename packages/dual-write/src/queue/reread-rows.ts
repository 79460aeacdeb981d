import { type AnyPgDatabase, quoteIdentifier, quoteLiteral } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { Change } from '../apply/change.js';
import { runReusable } from '../apply/run-query.js';
import { keyArraySql, rowObjectSql, VERSION_SQL } from '../capture/row-text.js';
import type { TableMeta } from '../table-meta.js';

const CHUNK = 500;

export interface Reread {
  readonly changes: Change<string>[];
  /** The primary's commit-order version when it read them (see `capture/row-text.ts`). */
  readonly version: number;
}

/**
 * Reads the CURRENT state of some rows from the primary, by key (each key the JSON array of its exact texts, as
 * captured): present rows become upserts, absent ones deletes. Rows come back in the same exact-text form as
 * captured rows. This is how anything that missed the queue (overflow, dead letters, late results) is repaired.
 */
export async function rereadChanges(
  primary: AnyPgDatabase,
  table: TableMeta,
  keys: readonly string[],
): Promise<Reread> {
  const changes: Change<string>[] = [];
  let version = 0;
  const target = `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.tableName)}`;
  const ref = (c: { dbName: string }) => `"__mdb_t".${quoteIdentifier(c.dbName)}`;
  const keyObject = table.primaryKey
    .map((c, i) => `${quoteLiteral(c.dbName)}::text, "__mdb_k"."v" ->> ${i}`)
    .join(', ');
  const keyColumns = table.primaryKey.map((c) => ref(c)).join(', ');
  const fromKeys = table.primaryKey.map((c) => `"__mdb_p".${quoteIdentifier(c.dbName)}`).join(', ');
  const head = `select (${rowObjectSql(table, ref)})::text as "row", (${keyArraySql(table, ref)})::text as "key",
    ${VERSION_SQL} as "version"
    from ${target} as "__mdb_t"
    where (${keyColumns}) in (
      select ${fromKeys} from jsonb_array_elements(`;
  const tail = `::text::jsonb) as "__mdb_k"("v"),
        lateral jsonb_populate_record(null::${target}, jsonb_build_object(${keyObject})) as "__mdb_p")`;
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    const rows = await runReusable<{ row: string; key: string; version: number | string }>(
      primary,
      sql`${sql.raw(head)}${`[${chunk.join(',')}]`}${sql.raw(tail)}`,
    );
    const found = new Map(rows.map((r) => [canonical(String(r.key)), String(r.row)]));
    for (const r of rows) version = Math.max(version, Number(r.version));
    for (const key of chunk) {
      const entity = `${table.name}:${key}`;
      const row = found.get(canonical(key));
      changes.push(
        row === undefined
          ? { table, op: 'delete', key: entity, row: keyRow(table, key) }
          : { table, op: 'upsert', key: entity, row },
      );
    }
  }
  return { changes, version };
}

/** One spelling per key (the server's jsonb text and a JS-built array may differ in spacing). */
function canonical(key: string): string {
  return JSON.stringify(JSON.parse(key));
}

/** `{"k1": "…", …}` from a key's JSON array: enough for the backup to delete the row. */
function keyRow(table: TableMeta, key: string): string {
  const values = JSON.parse(key) as unknown[];
  return JSON.stringify(Object.fromEntries(table.primaryKey.map((c, i) => [c.dbName, values[i] ?? null])));
}
