import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { MultiDbError } from '../../errors.js';
import { type ConnectOptions, type DbHandle, drizzleSettings, makeHandle } from '../../handle.js';
import type { ParsedUrl } from '../../parse-url.js';

export interface FromPgliteOptions<TSchema extends Record<string, unknown>> extends ConnectOptions<TSchema> {
  /** Shown in `safeUrl` as `pglite:<name>` (default `memory`). */
  readonly name?: string | undefined;
  /** `false`: `close()` leaves the PGlite instance open (default `true`). */
  readonly ownsClient?: boolean | undefined;
}

/** Wrap a PGlite instance the caller already has (fixtures, tests). The handle closes it unless told not to. */
export function fromPglite<TSchema extends Record<string, unknown> = Record<string, never>>(
  pg: PGlite,
  options: FromPgliteOptions<TSchema> = {},
): DbHandle<TSchema> {
  const db = drizzle({
    client: pg,
    ...(drizzleSettings(options) as object),
  }) as unknown as DbHandle<TSchema>['db'];
  const owns = options.ownsClient ?? true;
  const exec = async (script: string) => {
    await pg.exec(script);
  };
  return makeHandle(db, 'pglite', `pglite:${options.name ?? 'memory'}`, pg, exec, async () => {
    if (owns && !pg.closed) await pg.close();
  });
}

/** Opens a `pglite:memory` or `pglite:./dir` URL (parent directories are created). */
export async function openPglite<TSchema extends Record<string, unknown>>(
  parsed: ParsedUrl,
  options: ConnectOptions<TSchema>,
): Promise<DbHandle<TSchema>> {
  let pg: PGlite | undefined;
  try {
    if (parsed.dataDir !== undefined) await mkdir(dirname(resolve(parsed.dataDir)), { recursive: true });
    pg = parsed.dataDir === undefined ? new PGlite() : new PGlite(parsed.dataDir);
    await pg.waitReady;
  } catch (error) {
    throw new MultiDbError(
      'ConnectFailed',
      `cannot open ${parsed.safeUrl}`,
      { url: parsed.safeUrl },
      { cause: error },
    );
  }
  return fromPglite(pg, { ...options, name: parsed.dataDir ?? 'memory' });
}
