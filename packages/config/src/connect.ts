import { driverVar } from './env-schema.js';
import { MultiDbError } from './errors.js';
import type { ConnectOptions, DbHandle, UrlDriver } from './handle.js';
import { loadDriver } from './load-driver.js';
import { parseDatabaseUrl } from './parse-url.js';
import { redactUrl } from './redact.js';

/** The environment variable that picks the driver for `postgres://` URLs when `connect` is not told. */
export const DRIVER_ENV_VAR = 'MULTIDB_DRIVER';

/**
 * One connection factory for every package: `postgres://` / `postgresql://` through postgres.js (the default) or
 * node-postgres (`{ driver: 'pg' }` or `MULTIDB_DRIVER=pg`), NOTICEs silenced, and `pglite:memory` /
 * `pglite:./dir` through PGlite, so the embedded default and real servers run the same code. Each driver is an
 * optional peer dependency, imported the first time a URL of its kind is opened; a missing one is a
 * `MultiDbError` `DriverMissing` naming the package to install.
 */
export async function connect<TSchema extends Record<string, unknown> = Record<string, never>>(
  url: string,
  options: ConnectOptions<TSchema> = {},
): Promise<DbHandle<TSchema>> {
  const parsed = parseDatabaseUrl(url);
  if (parsed.isErr()) throw new MultiDbError('InvalidUrl', parsed.error.message, { url: redactUrl(url) });
  const driver = urlDriver(options.driver, options.env ?? process.env);
  if (parsed.value.kind === 'pglite') {
    const { openPglite } = await loadDriver('@electric-sql/pglite', () => import('./driver/pglite/open.js'));
    return openPglite(parsed.value, options);
  }
  if (driver === 'pg') {
    const { openNodePostgres } = await loadDriver('pg', () => import('./driver/node-postgres/open.js'));
    return openNodePostgres(url, parsed.value, options);
  }
  const { openPostgres } = await loadDriver('postgres', () => import('./driver/postgres-js/open.js'));
  return openPostgres(url, parsed.value, options);
}

/** The driver for `postgres://` URLs: the option, else `MULTIDB_DRIVER`, else postgres.js. Both are validated. */
export function urlDriver(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): UrlDriver {
  if (option !== undefined) return validDriver(option, 'options.driver');
  const fromEnv = env[DRIVER_ENV_VAR]?.trim();
  if (fromEnv === undefined || fromEnv === '') return 'postgres';
  return validDriver(fromEnv, DRIVER_ENV_VAR);
}

function validDriver(value: string, source: string): UrlDriver {
  const parsed = driverVar.safeParse(value);
  if (parsed.success) return parsed.data as UrlDriver;
  const reason = parsed.error.issues[0]?.message ?? 'is not a driver';
  throw new MultiDbError('InvalidConfig', `${source} ${reason}`, { variable: source, value });
}
