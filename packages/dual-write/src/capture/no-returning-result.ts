import type { Driver } from '@multidb/config';

/**
 * The caller wrote no `returning()`, so it expects the driver's raw result (counts, no rows), but the wrapper ran
 * the statement with a `returning` of its own. For a DML statement with RETURNING the affected-row count equals
 * the number of returned rows, so the raw result can be rebuilt exactly, in the shape of the driver the
 * statement ran on (behind a router: the primary's), see `Driver.noReturningResult`.
 */
export function noReturningResult(
  rows: unknown[],
  kind: 'insert' | 'update' | 'delete',
  driver: Driver,
): unknown {
  return driver.noReturningResult(
    rows,
    kind === 'insert' ? 'INSERT' : kind === 'update' ? 'UPDATE' : 'DELETE',
  );
}
