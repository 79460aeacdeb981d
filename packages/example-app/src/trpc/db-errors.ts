import { findCause, ownErrorCode } from '@multidb/config';
import { TRPCError } from '@trpc/server';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

const isSqlState = (code: string | undefined) => code !== undefined && /^[0-9A-Z]{5}$/.test(code);

/** The Postgres error code under Drizzle's `DrizzleQueryError` (and any other wrapper). */
function pgCode(error: unknown): string | undefined {
  return ownErrorCode(findCause(error, (cause) => isSqlState(ownErrorCode(cause))));
}

/** Turns constraint violations into client errors (409 / 404); anything else is rethrown as is. */
export function rethrowAsClientError(error: unknown, what: { conflict: string; missing: string }): never {
  const code = pgCode(error);
  if (code === UNIQUE_VIOLATION)
    throw new TRPCError({ code: 'CONFLICT', message: what.conflict, cause: error });
  if (code === FOREIGN_KEY_VIOLATION)
    throw new TRPCError({ code: 'NOT_FOUND', message: what.missing, cause: error });
  throw error;
}
