/**
 * The caller wrote no `returning()`, so it expects the driver's raw result (counts, no rows), but the wrapper ran
 * the statement with a `returning` of its own. For a DML statement with RETURNING the affected-row count equals
 * the number of returned rows, so the raw result can be rebuilt exactly:
 * - postgres.js: the same `Result` list, emptied (its `count` already is the row count; `command` and `columns`
 *   are set as for the plain statement);
 * - PGlite: `{ rows: [], fields: [], command, affectedRows, rowCount }`;
 * - other drivers (node-postgres shape): `{ rows: [], fields: [], command, rowCount }`.
 */
export function noReturningResult(
  rows: unknown[],
  kind: 'insert' | 'update' | 'delete',
  driver: string,
): unknown {
  const command = kind.toUpperCase();
  const count = rows.length;
  if (isPostgresJsResult(rows)) {
    rows.length = 0;
    rows.command = command;
    rows.columns = [];
    rows.count = count;
    return rows;
  }
  if (driver === 'PgliteSession')
    return { rows: [], fields: [], command, affectedRows: count, rowCount: count };
  return { rows: [], fields: [], command, rowCount: count };
}

interface PostgresJsResultLike extends Array<unknown> {
  command: string;
  columns: unknown[];
  count: number;
}

function isPostgresJsResult(rows: unknown[]): rows is PostgresJsResultLike {
  return 'command' in rows && 'count' in rows;
}
