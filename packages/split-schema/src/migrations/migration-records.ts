import { type AnyPgDatabase, executeRows, quoteQualified } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { MigrationsConfig } from '../split-declaration.js';
import type { MigrationFile } from './migration-files.js';

/** A row of drizzle's migrations table. */
export interface RecordedMigration {
  readonly id: number;
  readonly hash: string;
  /** The journal `when` of the migration it records. */
  readonly createdAt: number;
}

export function migrationsTableName(config: MigrationsConfig): string {
  return `${config.schema}.${config.table}`;
}

function tableSql(config: MigrationsConfig) {
  return sql`${sql.identifier(config.schema)}.${sql.identifier(config.table)}`;
}

/** The recorded migrations, oldest first; none when the table does not exist yet. */
export async function readRecordedMigrations(
  db: AnyPgDatabase,
  config: MigrationsConfig,
): Promise<RecordedMigration[]> {
  const qualified = quoteQualified(config.schema, config.table);
  const [exists] = await executeRows<{ found: boolean }>(
    db,
    sql`select to_regclass(${qualified}) is not null as found`,
  );
  if (!exists?.found) return [];
  const rows = await executeRows<{ id: number; hash: string; created_at: string | number | null }>(
    db,
    sql`select id, hash, created_at from ${tableSql(config)} order by created_at asc, id asc`,
  );
  return rows.map((row) => ({ id: Number(row.id), hash: row.hash, createdAt: Number(row.created_at) }));
}

/**
 * Records migrations as applied without running them, in the same table and format drizzle's migrator uses
 * (the DDL below is drizzle's own), in one transaction.
 */
export async function recordMigrations(
  db: AnyPgDatabase,
  config: MigrationsConfig,
  files: readonly MigrationFile[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`CREATE SCHEMA IF NOT EXISTS ${sql.identifier(config.schema)}`);
    await tx.execute(
      sql`CREATE TABLE IF NOT EXISTS ${tableSql(config)} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
    );
    for (const file of files) {
      await tx.execute(
        sql`insert into ${tableSql(config)} ("hash", "created_at") values (${file.hash}, ${file.when})`,
      );
    }
  });
}
