import { TRPCError } from '@trpc/server';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** The Postgres error code under Drizzle's `DrizzleQueryError` (and any other wrapper). */
function pgCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
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
