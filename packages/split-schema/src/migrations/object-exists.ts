import { type AnyPgDatabase, executeRows, quoteQualified } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import type { MigrationObject } from './migration-objects.js';

function existsQuery(object: MigrationObject): SQL {
  switch (object.kind) {
    case 'schema':
      return sql`select exists (select 1 from pg_namespace where nspname = ${object.name}) as found`;
    case 'type':
      return sql`select to_regtype(${quoteQualified(object.schema, object.name)}) is not null as found`;
    case 'column':
      return sql`select exists (select 1 from pg_attribute where attrelid = to_regclass(${quoteQualified(
        object.schema,
        object.table,
      )}) and attname = ${object.name} and not attisdropped) as found`;
    case 'constraint':
      return sql`select exists (select 1 from pg_constraint where conname = ${object.name} and conrelid = to_regclass(${quoteQualified(
        object.schema,
        object.table,
      )})) as found`;
    default:
      return sql`select to_regclass(${quoteQualified(object.schema, object.name)}) is not null as found`;
  }
}

/** The objects of the list that the database does not have. */
export async function missingObjects(
  db: AnyPgDatabase,
  objects: readonly MigrationObject[],
): Promise<MigrationObject[]> {
  const missing: MigrationObject[] = [];
  for (const object of objects) {
    const [row] = await executeRows<{ found: boolean }>(db, existsQuery(object));
    if (!row?.found) missing.push(object);
  }
  return missing;
}
