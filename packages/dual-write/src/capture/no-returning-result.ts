import { type AnyPgDatabase, type DmlCommand, driverOf } from '@multidb/config';

/**
 * The caller wrote no `returning()`, so it expects the driver's raw result (counts, no rows), but the wrapper ran
 * the statement with a `returning` of its own. For a DML statement with RETURNING the affected-row count equals
 * the number of returned rows, so the raw result can be rebuilt exactly, in the shape of the driver the
 * statement ran on (`Driver.noReturningResult`; behind a router: the primary's driver). The write has already
 * run: a database whose driver is not one of the three gets the node-postgres shape rather than an error.
 */
export function noReturningResult(
  rows: unknown[],
  kind: 'insert' | 'update' | 'delete',
  database: AnyPgDatabase,
): unknown {
  const command = kind.toUpperCase() as DmlCommand;
  try {
    return driverOf(database).noReturningResult(rows, command);
  } catch {
    return { rows: [], fields: [], command, rowCount: rows.length };
  }
}
