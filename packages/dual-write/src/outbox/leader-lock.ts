import { type AnyPgDatabase, type Driver, driverOf, type ReservedSession } from '@multidb/config';
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

/**
 * A session-level advisory lock on a DEDICATED session (`driver.reserve()`): with a pool, a lock taken by
 * whichever connection ran the query would be held by a connection that then goes back to the pool. The session
 * is pinned for as long as this process leads; when the process dies the server ends that session and the lock
 * is free for the next drainer. A driver with one shared session (PGlite, one process) keeps the lock in memory
 * per instance instead. Throws `UnsupportedDriver` for a database over another driver: pass `lock` then.
 */
export function advisoryLeaderLock(
  db: AnyPgDatabase,
  key: readonly [number, number] = DEFAULT_LOCK_KEY,
): LeaderLock {
  const driver = driverOf(db);
  return driver.sharedSession ? inMemoryLock(driver, key) : sessionLock(driver, key);
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

const TRY_LOCK = 'select pg_try_advisory_lock($1::int, $2::int) as ok, pg_backend_pid() as pid';
const UNLOCK = 'select pg_advisory_unlock($1::int, $2::int)';
const BACKEND_PID = 'select pg_backend_pid() as pid';

function sessionLock(driver: Driver, key: readonly [number, number]): LeaderLock {
  const params = [key[0], key[1]];
  let session: { readonly reserved: ReservedSession; readonly pid: unknown } | undefined;
  /**
   * Forgets the session. A session whose connection broke (or stopped answering) is discarded, never released:
   * the driver must not hand it to the pool again as if it were healthy.
   */
  const forget = (release: boolean) => {
    endQuietly(session?.reserved, release);
    session = undefined;
  };
  const endQuietly = (reserved: ReservedSession | undefined, release: boolean) => {
    try {
      if (release) reserved?.release();
      else reserved?.discard();
    } catch {
      // The connection is already gone.
    }
  };
  const releaseQuietly = (reserved: ReservedSession) => endQuietly(reserved, true);
  return {
    async tryAcquire() {
      if (session !== undefined) return true;
      const reserved = await within(driver.reserve(), LOCK_QUERY_TIMEOUT_MS, releaseQuietly);
      if (reserved === TIMED_OUT) return false;
      try {
        const rows = await within(
          reserved.rows<{ ok: unknown; pid: unknown }>(TRY_LOCK, params),
          LOCK_QUERY_TIMEOUT_MS,
        );
        if (rows === TIMED_OUT) {
          endQuietly(reserved, false);
          return false;
        }
        const [row] = rows;
        if (row?.ok === true) {
          session = { reserved, pid: row.pid };
          return true;
        }
      } catch (error) {
        // Treated as "not acquired"; the next round tries again.
        if (isConnectionLost(error)) {
          endQuietly(reserved, false);
          return false;
        }
      }
      releaseQuietly(reserved);
      return false;
    },
    async check() {
      if (session === undefined) return false;
      try {
        // The lock lives in one backend: a reconnected connection (another pid) no longer holds it.
        const held = session;
        const rows = await within(
          held.reserved.rows<{ pid: unknown }>(BACKEND_PID),
          LOCK_QUERY_TIMEOUT_MS,
          (late) => {
            // A live session that answered too late still holds the lock: give it up so another drainer can lead.
            if (late[0]?.pid !== held.pid) return;
            held.reserved.rows(UNLOCK, params).then(
              () => releaseQuietly(held.reserved),
              () => {},
            );
          },
        );
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
        const done = await within(session.reserved.rows(UNLOCK, params), LOCK_QUERY_TIMEOUT_MS);
        forget(done !== TIMED_OUT);
      } catch (error) {
        // A dead session has released the lock already.
        forget(!isConnectionLost(error));
      }
    },
  };
}

/** Holders per driver (one driver per client: `driverOf` caches them). */
const sharedHolders = new WeakMap<object, Map<string, object>>();

function inMemoryLock(client: Driver, key: readonly [number, number]): LeaderLock {
  const me = {};
  const id = key.join(':');
  const holders = () => {
    let map = sharedHolders.get(client);
    if (map === undefined) {
      map = new Map();
      sharedHolders.set(client, map);
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
