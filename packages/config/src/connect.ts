import { MultiDbError } from './errors.js';
import type { ConnectOptions, DbHandle } from './handle.js';
import { loadDriver } from './load-driver.js';
import { parseDatabaseUrl } from './parse-url.js';
import { redactUrl } from './redact.js';

/**
 * One connection factory for every package: `postgres://` / `postgresql://` through postgres.js (NOTICEs
 * silenced) and `pglite:memory` / `pglite:./dir` through PGlite, so the embedded default and real servers run the
 * same code. Each driver is an optional peer dependency, imported the first time a URL of its kind is opened;
 * a missing one is a `MultiDbError` `DriverMissing` naming the package to install.
 */
export async function connect<TSchema extends Record<string, unknown> = Record<string, never>>(
  url: string,
  options: ConnectOptions<TSchema> = {},
): Promise<DbHandle<TSchema>> {
  const parsed = parseDatabaseUrl(url);
  if (parsed.isErr()) throw new MultiDbError('InvalidUrl', parsed.error.message, { url: redactUrl(url) });
  if (parsed.value.kind === 'pglite') {
    const { openPglite } = await loadDriver('@electric-sql/pglite', () => import('./from-pglite.js'));
    return openPglite(parsed.value, options);
  }
  const { openPostgres } = await loadDriver('postgres', () => import('./open-postgres.js'));
  return openPostgres(url, parsed.value, options);
}
