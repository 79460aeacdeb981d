import { type AnyPgDatabase, MultiDbError } from '@multidb/config';
import { isConnectionLost } from '../apply/error-kind.js';

/** Who may drain the outbox. Exactly one holder at a time; a dead holder's lock frees itself. */
export interface LeaderLock {
  tryAcquire(): Promise<boolean>;
  /** Whether the lock is still held (its session may have died). */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

/** `pg_try_advisory_lock(classid, objid)` key; any two int4 values the application does not use elsewhere. */
export const DEFAULT_LOCK_KEY: readonly [number, number] = Object.freeze([
  0x6d756c74, 0x64770001,
]) as readonly [number, number];

interface ReservedSql {
  (strings: TemplateStringsArray, ...values: unknown[]): Promise<Record<string, unknown>[]>;
  release(): void;
}
interface PostgresJsClient {
  reserve(): Promise<ReservedSql>;
}
interface PgliteClient {
  readonly closed: boolean;
  exec(query: string): Promise<unknown>;
}

/**
 * A session-level advisory lock on a DEDICATED connection: with a pool, a lock taken by whichever connection ran
 * the query would be held by a connection that then goes back to the pool. postgres.js: `reserve()` pins one
 * connection for as long as this process leads; when the process dies the server ends that session and the lock
 * is free for the next drainer. PGlite is one process: the lock is kept in memory per PGlite instance.
 */
export function advisoryLeaderLock(
  db: AnyPgDatabase,
  key: readonly [number, number] = DEFAULT_LOCK_KEY,
): LeaderLock {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (isPostgresJs(client)) return postgresJsLock(client, key);
  if (isPglite(client)) return pgliteLock(client, key);
  throw new MultiDbError(
    'UnsupportedDriver',
    'the outbox drainer takes its advisory lock through postgres.js or PGlite; pass `lock` for other drivers',
  );
}

/**
 * How long a lock query (or waiting for a connection to reserve) may take. A reserved postgres.js connection that
 * was closed and then reconnected for the pool can leave a query on the reserved handle queued forever; without
 * a bound, the drain round waiting for it (and every flush behind it) would hang.
 */
const LOCK_QUERY_TIMEOUT_MS = 5000;
const TIMED_OUT = Symbol('timed out');

/** `promise`, or TIMED_OUT after `ms`; a value that arrives late goes to `late` (e.g. to release it). */
function within<T>(
  promise: Promise<T>,
  ms: number,
  late?: (value: T) => void,
): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  return Promise.race([
    promise.then((value) => {
      if (timedOut) late?.(value);
      return value;
    }),
    new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve(TIMED_OUT);
      }, ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}

function postgresJsLock(client: PostgresJsClient, [classId, objId]: readonly [number, number]): LeaderLock {
  let session: { readonly sql: ReservedSql; readonly pid: unknown } | undefined;
  /**
   * Forgets the session. A session whose connection broke (or stopped answering) is NOT released: postgres.js
   * has already put that connection back in its closed queue (or reconnected it for the pool), and releasing it
   * again would hand the pool a connection in a state it does not expect.
   */
  const forget = (release: boolean) => {
    if (release) {
      try {
        session?.sql.release();
      } catch {
        // The connection is already gone.
      }
    }
    session = undefined;
  };
  const releaseQuietly = (reserved: ReservedSql) => {
    try {
      reserved.release();
    } catch {
      // Gone already.
    }
  };
  return {
    async tryAcquire() {
      if (session !== undefined) return true;
      const reserved = await within(client.reserve(), LOCK_QUERY_TIMEOUT_MS, releaseQuietly);
      if (reserved === TIMED_OUT) return false;
      try {
        const rows = await within(
          reserved`select pg_try_advisory_lock(${classId}::int, ${objId}::int) as ok, pg_backend_pid() as pid`,
          LOCK_QUERY_TIMEOUT_MS,
        );
        if (rows === TIMED_OUT) return false;
        const [row] = rows;
        if (row?.ok === true) {
          session = { sql: reserved, pid: row.pid };
          return true;
        }
      } catch (error) {
        // Treated as "not acquired"; the next round tries again.
        if (isConnectionLost(error)) return false;
      }
      releaseQuietly(reserved);
      return false;
    },
    async check() {
      if (session === undefined) return false;
      try {
        // The lock lives in one backend: a reconnected connection (another pid) no longer holds it.
        const held = session;
        const rows = await within(held.sql`select pg_backend_pid() as pid`, LOCK_QUERY_TIMEOUT_MS, (late) => {
          // A live session that answered too late still holds the lock: give it up so another drainer can lead.
          if (late[0]?.pid !== held.pid) return;
          held.sql`select pg_advisory_unlock(${classId}::int, ${objId}::int)`.then(
            () => releaseQuietly(held.sql),
            () => {},
          );
        });
        if (rows !== TIMED_OUT && rows[0]?.pid === held.pid) return true;
        forget(false);
        return false;
      } catch (error) {
        forget(!isConnectionLost(error));
        return false;
      }
    },
    async release() {
      if (session === undefined) return;
      try {
        const done = await within(
          session.sql`select pg_advisory_unlock(${classId}::int, ${objId}::int)`,
          LOCK_QUERY_TIMEOUT_MS,
        );
        forget(done !== TIMED_OUT);
      } catch (error) {
        // A dead session has released the lock already.
        forget(!isConnectionLost(error));
      }
    },
  };
}

const pgliteHolders = new WeakMap<object, Map<string, object>>();

function pgliteLock(client: PgliteClient, key: readonly [number, number]): LeaderLock {
  const me = {};
  const id = key.join(':');
  const holders = () => {
    let map = pgliteHolders.get(client);
    if (map === undefined) {
      map = new Map();
      pgliteHolders.set(client, map);
    }
    return map;
  };
  return {
    async tryAcquire() {
      if (client.closed) return false;
      const holder = holders().get(id);
      if (holder !== undefined && holder !== me) return false;
      holders().set(id, me);
      return true;
    },
    async check() {
      return !client.closed && holders().get(id) === me;
    },
    async release() {
      if (holders().get(id) === me) holders().delete(id);
    },
  };
}

function isPostgresJs(client: unknown): client is PostgresJsClient {
  return typeof client === 'function' && typeof (client as { reserve?: unknown }).reserve === 'function';
}

function isPglite(client: unknown): client is PgliteClient {
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof (client as { exec?: unknown }).exec === 'function' &&
    'waitReady' in client
  );
}
