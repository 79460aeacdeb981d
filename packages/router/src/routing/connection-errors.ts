/** Socket and driver codes (Node, postgres.js) that mean "this node cannot be reached right now". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_SOCKET_CLOSED',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // MultiDbError from @multidb/config's connect()
  'ConnectFailed',
]);
/** SQLSTATEs of a server that is going away or cannot take the connection. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Messages of embedded drivers that have no code (PGlite after close). */
const CONNECTION_MESSAGES = /PGlite is closed|connection (?:terminated|closed)|server closed the connection/i;
/** "canceling statement due to conflict with recovery": a standby-only, retryable read failure. */
const RECOVERY_CONFLICT = '40001';

/** A connection failure: counts against the node's health and may be retried elsewhere (reads only). */
export function isConnectionError(error: unknown): boolean {
  return someCause(error, (e) => {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (
      code !== undefined &&
      (CONNECTION_CODES.has(code) || code.startsWith('08') || CONNECTION_SQLSTATES.has(code))
    )
      return true;
    return typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message);
  });
}

/** Whether a failed read may be retried once on another node. */
export function isRetryableRead(error: unknown, onReplica: boolean): boolean {
  if (isConnectionError(error)) return true;
  return onReplica && someCause(error, (e) => e.code === RECOVERY_CONFLICT);
}

function someCause(error: unknown, test: (e: { code?: unknown; message?: unknown }) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (test(e)) return true;
    if (Array.isArray(e.errors) && e.errors.some((inner) => someCause(inner, test))) return true;
    current = e.cause;
  }
  return false;
}
