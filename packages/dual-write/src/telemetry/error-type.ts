import { causeChain, MultiDbError, ownErrorCode } from '@multidb/config';

/**
 * `error.type`: low cardinality, never a message (driver messages can quote row values). The toolkit's error
 * code, else the innermost SQLSTATE or driver code, else the error's class name.
 */
export function errorType(error: unknown): string {
  if (error instanceof MultiDbError) return error.code;
  for (const cause of causeChain(error).slice().reverse()) {
    const code = ownErrorCode(cause);
    if (code !== undefined) return code;
  }
  return error instanceof Error ? error.name || 'Error' : '_OTHER';
}
