import { type AnyPgDatabase, executeRows, quoteQualified } from '@multidb/config';
import { sql } from 'drizzle-orm';
import { createMigrationsTableSql, insertRecordSql, type RecordRow } from '../drizzle-line.js';
import type { MigrationsConfig } from '../split-declaration.js';
import type { MigrationFile } from './migration-files.js';

/** A row of drizzle's migrations table. */
export interface RecordedMigration extends RecordRow {
  readonly id: number;
  readonly hash: string;
  /** The `created_at` drizzle recorded: the journal `when` (0.31) or the folder's timestamp (1.0). */
  readonly createdAt: number;
  /**
   * The migration's folder name, in drizzle-orm 1.0's table format; `undefined` in 0.45's (no such column), `null`
   * when the column is there but empty.
   */
  readonly name: string | null | undefined;
}

export function migrationsTableName(config: MigrationsConfig): string {
  return `${config.schema}.${config.table}`;
}

function tableSql(config: MigrationsConfig) {
  return sql`${sql.identifier(config.schema)}.${sql.identifier(config.table)}`;
}

/** Whether the table exists, and whether it has 1.0's `name` column. */
async function tableShape(db: AnyPgDatabase, config: MigrationsConfig) {
  const qualified = quoteQualified(config.schema, config.table);
  const [row] = await executeRows<{ found: boolean; named: boolean }>(
    db,
    sql`select to_regclass(${qualified}) is not null as found,
        exists (select 1 from pg_attribute where attrelid = to_regclass(${qualified})
                and attname = 'name' and not attisdropped) as named`,
  );
  return { found: row?.found === true, named: row?.named === true };
}

/** The recorded migrations, oldest first; none when the table does not exist yet. */
export async function readRecordedMigrations(
  db: AnyPgDatabase,
  config: MigrationsConfig,
): Promise<RecordedMigration[]> {
  const shape = await tableShape(db, config);
  if (!shape.found) return [];
  const name = shape.named ? sql`name` : sql`null::text`;
  const rows = await executeRows<{
    id: number;
    hash: string;
    created_at: string | number | null;
    name: string | null;
  }>(
    db,
    sql`select id, hash, created_at, ${name} as name from ${tableSql(config)} order by created_at asc, ${name} asc, id asc`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    hash: row.hash,
    createdAt: Number(row.created_at),
    name: shape.named ? row.name : undefined,
  }));
}

/**
 * Records migrations as applied without running them, in the same table and format the installed drizzle's
 * migrator uses (its own DDL and insert), in one transaction.
 */
export async function recordMigrations(
  db: AnyPgDatabase,
  config: MigrationsConfig,
  files: readonly MigrationFile[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS ${sql.identifier(config.schema)}`);
    await tx.execute(createMigrationsTableSql(config.schema, config.table));
    const { named } = await tableShape(tx as unknown as AnyPgDatabase, config);
    for (const file of files) await tx.execute(insertRecordSql(config.schema, config.table, file, named));
  });
}
