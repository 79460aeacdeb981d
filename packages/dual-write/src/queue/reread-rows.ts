import { type AnyPgDatabase, quoteIdentifier, quoteLiteral } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { Change } from '../apply/change.js';
import { runReusable } from '../apply/run-query.js';
import { EXACT_SETTINGS, rowObjectSql, VERSION_SQL } from '../capture/row-text.js';
import type { TableMeta } from '../table-meta.js';

const CHUNK = 500;

export interface Reread {
  readonly changes: Change<string>[];
  /** The primary's commit-order version read just after the rows (see `capture/row-text.ts`). */
  readonly version: number;
}

/**
 * Reads the CURRENT state of some rows from the primary, by key (each key a JSON array of the key's values, as
 * captured): present rows become upserts, absent ones deletes. Rows come back in the same exact-text form as
 * captured rows, printed under fixed settings (ISO dates, exact floats) whatever the pool's sessions use. This is
 * how anything that missed the queue, or was captured inexactly, is repaired (overflow, dead letters, late or
 * inexact captures). Each change keeps the key it was asked for, so it coalesces with the captured ones.
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
  const match = table.primaryKey
    .map((c) => `${ref(c)} = "__mdb_p".${quoteIdentifier(c.dbName)}`)
    .join(' and ');
  // Joined to the keys asked for (their position says which): no key text is compared in JavaScript.
  const head = `select "__mdb_k"."n"::int as "n", (${rowObjectSql(table, ref)})::text as "row"
    from jsonb_array_elements(`;
  const tail = `::text::jsonb) with ordinality as "__mdb_k"("v", "n"),
      lateral jsonb_populate_record(null::${target}, jsonb_build_object(${keyObject})) as "__mdb_p",
      ${target} as "__mdb_t"
    where ${match}`;
  const settings = sql.raw(
    EXACT_SETTINGS.map(
      ([name, value]) => `set_config(${quoteLiteral(name)}, ${quoteLiteral(value)}, true)`,
    ).join(', '),
  );
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    const { rows, at } = await primary.transaction(async (tx) => {
      await runReusable(tx, sql`select ${settings}`, primary);
      const rows = await runReusable<{ n: number | string; row: string }>(
        tx,
        sql`${sql.raw(head)}${`[${chunk.join(',')}]`}${sql.raw(tail)}`,
        primary,
      );
      // Read AFTER the rows, by its own statement: every write the rows include committed before it, so their
      // versions are lower (also when no row was found, i.e. for deletes). See `reread-watches.ts` for writes
      // that committed after the rows' snapshot with a lower version.
      const [mark] = await runReusable<{ version: number | string }>(
        tx,
        sql.raw(`select ${VERSION_SQL} as "version"`),
        primary,
      );
      return { rows, at: Number(mark?.version ?? 0) };
    });
    const found = new Map(rows.map((r) => [Number(r.n) - 1, String(r.row)]));
    version = Math.max(version, at);
    chunk.forEach((key, i) => {
      const entity = `${table.name}:${key}`;
      const row = found.get(i);
      changes.push(
        row === undefined
          ? { table, op: 'delete', key: entity, row: keyRow(table, key) }
          : { table, op: 'upsert', key: entity, row },
      );
    });
  }
  return { changes, version };
}

/** `{"k1": "…", …}` from a key's JSON array: enough for the backup to delete the row. */
function keyRow(table: TableMeta, key: string): string {
  const values = JSON.parse(key) as unknown[];
  return JSON.stringify(
    Object.fromEntries(
      table.primaryKey.map((c, i) => {
        const value = values[i];
        return [
          c.dbName,
          value === null || value === undefined || typeof value === 'string'
            ? (value ?? null)
            : JSON.stringify(value),
        ];
      }),
    ),
  );
}
