import { entityKind } from 'drizzle-orm';
import { MultiDbError } from '../errors.js';
import type { AnyPgDatabase } from '../execute-rows.js';
import { drizzleLine, drizzleVersion } from './drizzle-version.js';
import { isPgDatabase } from './pg-core-runtime.js';

/** The `entityKind` of a drizzle object's class, wherever its drizzle-orm copy came from. */
function kindOf(value: object): string | undefined {
  const kind = (value.constructor as { [entityKind]?: unknown } | undefined)?.[entityKind];
  return typeof kind === 'string' ? kind : undefined;
}

/** What a value that is not a supported Drizzle database is, for the error that refuses it. */
export function describeNonDatabase(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') {
    const fn = value as { options?: unknown; begin?: unknown; unsafe?: unknown };
    if (typeof fn.unsafe === 'function' && typeof fn.begin === 'function')
      return 'a postgres.js client (sql``)';
    return 'a function';
  }
  if (typeof value !== 'object') return typeof value;
  const kind = kindOf(value);
  if (kind !== undefined) {
    const pgKinds = /^(Pg|Pglite|NodePg|PostgresJs|BasePgAsync)\w*Database$|Transaction$/;
    if (pgKinds.test(kind)) {
      return `a Drizzle ${kind} from another copy or major version of drizzle-orm than the toolkit loads (${drizzleVersion}); install one drizzle-orm`;
    }
    return `a Drizzle ${kind}, not a PostgreSQL database`;
  }
  const obj = value as Record<string, unknown>;
  if ('db' in obj && 'kind' in obj && 'safeUrl' in obj) return 'a DbHandle (pass handle.db)';
  if (typeof obj.query === 'function' && typeof obj.exec === 'function' && 'waitReady' in obj) {
    return 'a PGlite instance (wrap it with drizzle() from drizzle-orm/pglite)';
  }
  if (typeof obj.connect === 'function' && typeof obj.query === 'function') {
    return 'a node-postgres Pool or Client (wrap it with drizzle() from drizzle-orm/node-postgres)';
  }
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'a plain object';
}

/**
 * Returns `value` when it is a Drizzle PostgreSQL database of the loaded drizzle-orm; otherwise a
 * `NotADrizzleDatabase` error naming `role`, what was expected and what was given. Used at construction so that a
 * raw driver, another drizzle copy or another major is refused up front instead of failing on the first query.
 */
export function assertPgDatabase(value: unknown, role: string): AnyPgDatabase {
  if (isPgDatabase(value)) return value as AnyPgDatabase;
  const expected = drizzleLine() === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase';
  throw new MultiDbError(
    'NotADrizzleDatabase',
    `${role}: expected a Drizzle PostgreSQL database (${expected} of drizzle-orm ${drizzleVersion}, e.g. drizzle() from drizzle-orm/pglite, node-postgres or postgres-js); got ${describeNonDatabase(value)}`,
    { role, drizzleVersion },
  );
}
