import { causeChain, ownErrorCode } from './cause-chain.js';

/**
 * What a failure says about the database behind it. One table for every supported driver (postgres.js,
 * node-postgres, PGlite, Node's sockets) and the server's SQLSTATEs; each consumer asks its own question of it:
 * - `unreachable`: no connection could be made (refused, DNS, connect timeout, server starting or full);
 * - `lost`: an established connection is gone (reset, closed, server shut the backend down, instance closed);
 * - `rejected`: the server is up but refuses this login (password, missing database): fixed by an operator;
 * - `read-only`: the server takes reads only (a standby, or a primary being demoted);
 * - `overloaded`: the server is out of a resource (memory, disk) for this statement;
 * - `conflict`: the transaction lost a race (serialization failure, deadlock, recovery conflict on a standby);
 * - `busy`: a lock or statement timeout, a cancelled statement, or a client pool with no free connection.
 */
export type FailureKind =
  | 'unreachable'
  | 'lost'
  | 'rejected'
  | 'read-only'
  | 'overloaded'
  | 'conflict'
  | 'busy';

/** Driver, socket and toolkit codes, and single SQLSTATEs. */
const BY_CODE: Readonly<Record<string, FailureKind>> = {
  // Node sockets and DNS (every driver that speaks TCP surfaces these as they are)
  ECONNREFUSED: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETUNREACH: 'unreachable',
  ENETDOWN: 'unreachable',
  // A name that does not resolve is usually a service being replaced (DNS failover, a restarting pod).
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  ECONNRESET: 'lost',
  ECONNABORTED: 'lost',
  EPIPE: 'lost',
  ETIMEDOUT: 'lost',
  ERR_SOCKET_CLOSED: 'lost',
  ERR_STREAM_DESTROYED: 'lost',
  ERR_STREAM_WRITE_AFTER_END: 'lost',
  // postgres.js (`Errors.connection`); CONNECTION_REFUSED is not thrown by postgres.js 3.4 (it passes Node's
  // ECONNREFUSED on) but was named by earlier versions' users and costs nothing to know.
  CONNECT_TIMEOUT: 'unreachable',
  CONNECTION_REFUSED: 'unreachable',
  CONNECTION_CLOSED: 'lost',
  CONNECTION_ENDED: 'lost',
  CONNECTION_DESTROYED: 'lost',
  // the toolkit's own MultiDbError codes that wrap one of the above
  ConnectFailed: 'unreachable',
  PrimaryUnavailable: 'unreachable',
  BackupTimeout: 'unreachable',
  // SQLSTATEs (any driver: postgres.js PostgresError, pg DatabaseError, PGlite all put them on `.code`)
  '08001': 'unreachable', // sqlclient_unable_to_establish_sqlconnection
  '08004': 'unreachable', // sqlserver_rejected_establishment
  '57P03': 'unreachable', // cannot_connect_now: starting up, shutting down, in recovery without hot standby
  '53300': 'unreachable', // too_many_connections: only ever at connection start
  '57P01': 'lost', // admin_shutdown: pg_terminate_backend, fast or smart shutdown
  '57P02': 'lost', // crash_shutdown: another backend crashed, the server restarts
  '57P05': 'lost', // idle_session_timeout
  '3D000': 'rejected', // invalid_catalog_name: the database does not exist (being restored)
  '57P04': 'rejected', // database_dropped
  '25006': 'read-only', // read_only_sql_transaction
  '40001': 'conflict', // serialization_failure, and most recovery conflicts on a standby
  '40P01': 'conflict', // deadlock_detected, and the standby's buffer-pin deadlock with recovery
  '55P03': 'busy', // lock_not_available (lock_timeout, NOWAIT)
  '57014': 'busy', // query_canceled (statement_timeout, a cancel request)
};

/** SQLSTATE classes not named above. */
const BY_CLASS: Readonly<Record<string, FailureKind>> = {
  '08': 'lost', // connection_exception
  '28': 'rejected', // invalid_authorization_specification: wrong or rotated password, pg_hba refusal
  '53': 'overloaded', // insufficient_resources: disk full, out of memory
};

/**
 * Errors some drivers throw with no `code` at all, by their exact message. node-postgres builds its connection
 * errors as `new Error('Connection terminated unexpectedly')` and the like (pg/lib/client.js, pg-pool), and
 * PGlite as `new Error('PGlite is closed')`, so the message is all there is. Matched whole (anchored) and only on
 * errors WITHOUT a code: a server error always has a SQLSTATE and its message can say anything (`raise
 * exception 'Connection terminated'`), and a wrapper's message (Drizzle's "Failed query: …") holds user text, so
 * neither can be mistaken for a driver's own.
 */
const BY_MESSAGE: readonly (readonly [RegExp, FailureKind])[] = [
  [/^Connection terminated unexpectedly$/, 'lost'], // pg: the socket closed under a client
  [/^Connection terminated$/, 'lost'], // pg: the client was ended while a query waited
  [/^Client has encountered a connection error and is not queryable$/, 'lost'], // pg: a client after that
  [/^Client was closed and is not queryable$/, 'lost'], // pg
  [/^Cannot use a pool after calling end on the pool$/, 'lost'], // pg-pool
  [/^timeout expired$/, 'unreachable'], // pg Client: connectionTimeoutMillis passed while connecting
  [/^Connection terminated due to connection timeout$/, 'unreachable'], // pg-pool: the same, through a pool
  // pg-pool: every client is busy and none came free in connectionTimeoutMillis; the server may be fine.
  [/^timeout exceeded when trying to connect$/, 'busy'],
  [/^Query read timeout$/, 'busy'], // pg: query_timeout passed
  [/^PGlite is clos(?:ed|ing)\b/, 'lost'], // PGlite after close(); test doubles add which instance
];

/** The kind of ONE error (its own code or driver message; the chain is not followed). */
export function ownFailureKind(error: unknown): FailureKind | undefined {
  const code = ownErrorCode(error);
  if (code !== undefined) {
    const known = BY_CODE[code];
    if (known !== undefined) return known;
    return /^[0-9A-Z]{5}$/.test(code) ? BY_CLASS[code.slice(0, 2)] : undefined;
  }
  if (!(error instanceof Error)) return undefined;
  return BY_MESSAGE.find(([pattern]) => pattern.test(error.message))?.[1];
}

/** Every kind found in the error's whole chain (Drizzle and the toolkit wrap driver errors in `cause`). */
export function failureKinds(error: unknown): ReadonlySet<FailureKind> {
  const kinds = new Set<FailureKind>();
  for (const cause of causeChain(error)) {
    const kind = ownFailureKind(cause);
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds;
}

/** The router's question, "is this node down right now?": no connection, or the connection broke. */
export function isConnectionFailure(error: unknown): boolean {
  const kinds = failureKinds(error);
  return kinds.has('unreachable') || kinds.has('lost');
}

/** "Is this session gone?" (a reserved session, an advisory lock held in it): an established connection broke. */
export function isConnectionLost(error: unknown): boolean {
  return failureKinds(error).has('lost');
}

/**
 * "Will the same statement work later, unchanged?": any kind of the table. The data is fine, the database is
 * not available for it right now (dual-write holds such rows and retries instead of dead-lettering them).
 */
export function isTransientFailure(error: unknown): boolean {
  return failureKinds(error).size > 0;
}
