import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '@multidb/config';

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
