import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type ConnectOptions, type DbHandle, drizzleSettings, makeHandle } from '../../handle.js';
import type { ParsedUrl } from '../../parse-url.js';
import { DEFAULT_CLOSE_TIMEOUT_SECONDS } from './driver.js';

/** Opens a `postgres://` / `postgresql://` URL through postgres.js (NOTICEs silenced, reconnects capped at 2 s). */
export function openPostgres<TSchema extends Record<string, unknown>>(
  url: string,
  parsed: ParsedUrl,
  options: ConnectOptions<TSchema>,
): DbHandle<TSchema> {
  const client = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 10,
    onnotice: () => {},
    backoff: reconnectBackoff,
    ...(options.postgres as postgres.Options<Record<string, postgres.PostgresType>> | undefined),
  });
  const db = drizzle({
    client,
    ...(drizzleSettings(options) as object),
  }) as unknown as DbHandle<TSchema>['db'];
  const exec = async (script: string) => {
    await client.unsafe(script).simple();
  };
  const timeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_SECONDS;
  return makeHandle(db, 'postgres', parsed.safeUrl, undefined, exec, () => client.end({ timeout }));
}

/**
 * Seconds before postgres.js reconnects after its `retries`-th failed attempt: 0.1, 0.2, 0.4 ... capped at 2 s.
 * postgres.js's own default grows to 20 s, so a database back from a few seconds' outage would stay unused
 * (queries queued behind the wait) for up to that long.
 */
function reconnectBackoff(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 2);
}
