import { innermostErrorCode } from '@multidb/config';

/**
 * Whether a backup error says "the backup is unreachable or busy right now" (hold the rows and retry until it is
 * back) rather than "these rows cannot be applied" (retry a few times, then dead-letter them). Drizzle wraps
 * driver errors, so the whole `cause` chain is inspected.
 */
export function isTransientError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    if (transientCode(current) || transientMessage(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Whether the error says the connection itself is gone (socket closed or reset, server shutting down), as opposed
 * to a statement that failed on a live session.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_LOST_CODES.has(code) || /^(08|57P0)[0-9A-Z]+$/.test(code)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The SQLSTATE (or driver code) of the innermost error that has one, for dead-letter records and logs. */
export const errorCode: (error: unknown) => string | undefined = innermostErrorCode;

const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the backup database is missing (being restored); not a row problem
]);
// Connection, shutdown / cannot connect now, resources, and authorization (a rotated password): the backup is
// unusable right now, the rows are fine, so they are held instead of dead-lettered.
const TRANSIENT_SQLSTATE_CLASSES = ['08', '57P', '53', '28'];
const CONNECTION_LOST_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);
const TRANSIENT_DRIVER_CODES = new Set([
  ...CONNECTION_LOST_CODES,
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_REFUSED',
  'BackupTimeout',
]);

function transientCode(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (TRANSIENT_DRIVER_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.some((prefix) => code.startsWith(prefix));
}

function transientMessage(error: object): boolean {
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' && /PGlite is closed|connection terminated|write after end/i.test(message)
  );
}
