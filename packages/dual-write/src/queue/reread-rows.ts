import type { AnyPgDatabase } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import type { Change } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';
import { losesPrecision, Verbatim } from '../apply/verbatim.js';
import type { TableMeta } from '../table-meta.js';

const CHUNK = 500;

/**
 * Reads the CURRENT state of some rows from the primary, by key: present rows become upserts, absent ones
 * deletes. This is how anything that missed the queue (overflow, dead letters) is repaired.
 */
export async function rereadChanges(
  primary: AnyPgDatabase,
  table: TableMeta,
  keys: readonly (readonly unknown[])[],
): Promise<Change<Row>[]> {
  const changes: Change<Row>[] = [];
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    const tuples = chunk.map(
      (values) =>
        sql`(${sql.join(
          table.primaryKey.map((c, i) => sql.param(values[i], c.column)),
          sql`, `,
        )})`,
    );
    const columns = sql.join(
      table.primaryKey.map((c) => c.column),
      sql`, `,
    );
    const rows = (await primary
      .select(exactSelection(table))
      .from(table.table)
      .where(sql`(${columns}) in (${sql.join(tuples, sql`, `)})`)) as Row[];
    const found = new Map(rows.map((row) => [table.entityKey(row), exactRow(table, row)]));
    for (const values of chunk) {
      const keyRow: Row = Object.fromEntries(table.primaryKey.map((c, i) => [c.key, values[i]]));
      const key = table.entityKey(keyRow);
      const row = found.get(key);
      changes.push(
        row === undefined ? { table, op: 'delete', key, row: keyRow } : { table, op: 'upsert', key, row },
      );
    }
  }
  return changes;
}

/** Every column, timestamps as the server's text so the backup gets their full precision (see `Verbatim`). */
function exactSelection(table: TableMeta): SelectedFields {
  return Object.fromEntries(
    table.columns.map((c) => [c.key, losesPrecision(c.column) ? sql<string>`${c.column}::text` : c.column]),
  ) as SelectedFields;
}

function exactRow(table: TableMeta, row: Row): Row {
  const out: Row = { ...row };
  for (const c of table.columns) {
    const value = row[c.key];
    if (typeof value === 'string' && losesPrecision(c.column)) out[c.key] = new Verbatim(value);
  }
  return out;
}
