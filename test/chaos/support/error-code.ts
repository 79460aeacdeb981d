import { innermostErrorCode, isMultiDbError } from '@multidb/config';

/**
 * A stable name for an error: a `MultiDbError` code (with the driver code it carries, `PrimaryUnavailable:ECONNREFUSED`),
 * else the innermost driver/SQLSTATE code (Drizzle wraps driver errors in `DrizzleQueryError`, the code is on
 * `.cause`), else the error's class name.
 */
export function errorCode(error: unknown): string {
  if (isMultiDbError(error)) {
    const driverCode = error.context.driverCode;
    return typeof driverCode === 'string' ? `${error.code}:${driverCode}` : error.code;
  }
  const found = innermostErrorCode(error);
  return found ?? (error instanceof Error ? error.constructor.name : typeof error);
}

/** `{ code: count }` of a list of failures, for the report. */
export function countByCode(failures: readonly { readonly code: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of failures) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}
