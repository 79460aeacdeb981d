import { isConnectionLost as connectionLost, innermostErrorCode, isTransientFailure } from '@multidb/config';

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
