import type { AnyPgDatabase } from '@multidb/config';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';

function keyColumns(table: PgTable): PgColumn[] {
  const columns = Object.values(getTableColumns(table)) as PgColumn[];
  const inline = columns.filter((c) => c.primary);
  if (inline.length > 0) return inline;
  const composite = getTableConfig(table).primaryKeys[0]?.columns ?? [];
  return composite.map((c) => columns.find((col) => col.name === c.name) as PgColumn);
}

/** Backup equals primary: every table, every row (ordered by primary key), every column. */
export async function expectTablesEqual(
  primary: AnyPgDatabase,
  backup: AnyPgDatabase,
  tables: readonly PgTable[],
): Promise<void> {
  for (const table of tables) {
    const order = keyColumns(table);
    const [onPrimary, onBackup] = await Promise.all([
      primary
        .select()
        .from(table)
        .orderBy(...order),
      backup
        .select()
        .from(table)
        .orderBy(...order),
    ]);
    expect(onBackup, `backup rows of ${getTableConfig(table).name}`).toEqual(onPrimary);
  }
}

export async function rowCount(db: AnyPgDatabase, table: PgTable): Promise<number> {
  return (await db.select().from(table)).length;
}
