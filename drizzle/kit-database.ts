import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { drizzleLine, loadConfig } from '@multidb/config';

export type Side = 'primary' | 'data';

export interface KitDatabase {
  readonly driver?: 'pglite';
  readonly dbCredentials: { readonly url: string };
}

/**
 * The database drizzle-kit should use for one side, read through the config package (same env variables and
 * precedence as the application). `postgres://` goes to drizzle-kit's postgres driver; `pglite:./dir` to its
 * PGlite driver with the directory as the URL.
 */
export function kitDatabase(side: Side): KitDatabase {
  const topology = loadConfig();
  if (topology.isErr()) throw new Error(topology.error.message);
  const url = side === 'primary' ? topology.value.primaryUrl : topology.value.dataUrl;
  if (!url.toLowerCase().startsWith('pglite:')) return { dbCredentials: { url } };
  const dir = url.slice('pglite:'.length).replace(/^\/\/(?=memory$)/, '');
  if (dir === 'memory') return { driver: 'pglite', dbCredentials: { url: 'memory://' } };
  // PGlite creates the data dir itself but not its parents.
  mkdirSync(dirname(resolve(dir)), { recursive: true });
  return { driver: 'pglite', dbCredentials: { url: dir } };
}

/**
 * The drizzle-kit `out` folder of one side for the installed release line: drizzle-kit 0.31 (with drizzle-orm
 * 0.45) keeps `drizzle/<side>` (meta/_journal.json); drizzle-kit 1.0 (with drizzle-orm 1.0) keeps
 * `drizzle/1.0/<side>` (<timestamp>_<name>/migration.sql), made with `drizzle-kit up` from the 0.31 folder. The
 * layout's `migrations.folder` names the same two folders per line.
 */
export function kitOut(side: Side): string {
  return drizzleLine() === '1.0' ? `./drizzle/1.0/${side}` : `./drizzle/${side}`;
}
