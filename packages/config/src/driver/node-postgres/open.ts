import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { type ConnectOptions, type DbHandle, drizzleSettings, makeHandle } from '../../handle.js';
import type { ParsedUrl } from '../../parse-url.js';
import { DEFAULT_CLOSE_TIMEOUT_SECONDS } from '../postgres-js/driver.js';

/**
 * Opens a `postgres://` / `postgresql://` URL through node-postgres: a `pg.Pool` and `drizzle-orm/node-postgres`,
 * with the same options as postgres.js (`max`, `connectTimeout`, `closeTimeout`; NOTICEs are never surfaced).
 */
export function openNodePostgres<TSchema extends Record<string, unknown>>(
  url: string,
  parsed: ParsedUrl,
  options: ConnectOptions<TSchema>,
): DbHandle<TSchema> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: (options.connectTimeout ?? 10) * 1000,
    ...(options.pg as pg.PoolConfig | undefined),
  });
  // An idle pooled connection that breaks (server restart) is reported as an `error` event: without a
  // listener that would end the process. The pool drops it and opens a new one on demand.
  pool.on('error', () => {});
  const db = drizzle({
    client: pool,
    ...(drizzleSettings(options) as object),
  }) as unknown as DbHandle<TSchema>['db'];
  const exec = async (script: string) => {
    await pool.query(script);
  };
  const timeoutMs = (options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_SECONDS) * 1000;
  return makeHandle(db, 'pg', parsed.safeUrl, undefined, exec, () => endPool(pool, timeoutMs));
}

/**
 * `pool.end()` waits for every checked-out connection to come back; after `timeoutMs` the ones still out are
 * ended (their running queries fail), as postgres.js does with `end({ timeout })`.
 */
async function endPool(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const ended = pool.end();
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    ended.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  if (!late) return;
  // Not in pg's typings: the pool's connections, idle or checked out.
  const clients = (pool as unknown as { _clients?: pg.Client[] })._clients ?? [];
  await Promise.allSettled(clients.map((client) => client.end()));
  await ended;
}
