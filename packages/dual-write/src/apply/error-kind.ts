import {
  isConnectionLost as connectionLost,
  type FailureKind,
  failureKinds,
  innermostErrorCode,
  isMultiDbError,
  isTransientFailure,
} from '@multidb/config';

/**
 * Whether a backup error says "the backup is unreachable or busy right now" (hold the rows and retry until it is
 * back) rather than "these rows cannot be applied" (retry a few times, then dead-letter them): any kind of
 * @multidb/config's one table of failures (connection, shutdown, login refused, read-only, conflicts, timeouts).
 */
export const isTransientError: (error: unknown) => boolean = isTransientFailure;

/**
 * Whether the error says the connection itself is gone (socket closed or reset, server shutting down), as opposed
 * to a statement that failed on a live session.
 */
export const isConnectionLost: (error: unknown) => boolean = connectionLost;

/** The SQLSTATE (or driver code) of the innermost error that has one, for dead-letter records and logs. */
export const errorCode: (error: unknown) => string | undefined = innermostErrorCode;

/** Kinds of failure that happen before a transaction can commit: no session, or the server refused the work. */
const NEVER_COMMITTED: ReadonlySet<FailureKind> = new Set([
  'unreachable',
  'rejected',
  'overloaded',
  'read-only',
  'conflict',
]);

/**
 * Whether a backup transaction that failed with this error may still have committed: the connection was lost (or
 * a client-side timeout fired) with COMMIT possibly on its way, so the answer never came. A constraint error, a
 * refused connection or a rolled-back conflict is a definite "not committed".
 */
export function mayHaveCommitted(error: unknown): boolean {
  if (isMultiDbError(error, 'BackupTimeout')) return true;
  for (const kind of failureKinds(error)) if (!NEVER_COMMITTED.has(kind)) return true;
  return false;
}
