import { entityKind, is } from 'drizzle-orm';
// A namespace import: members that exist on one release line only are `undefined` on the other instead of a
// module link error (a named import of a missing export fails before any code runs).
import * as pgCore from 'drizzle-orm/pg-core';
import { MultiDbError } from '../errors.js';
import { drizzleLine, drizzleVersion } from './drizzle-version.js';

/** A drizzle class as `is()` sees it: a constructor carrying a static `entityKind`. */
// biome-ignore lint/suspicious/noExplicitAny: drizzle's constructors take different arguments per release line
export type DrizzleClass = (abstract new (...args: any[]) => any) & { readonly [entityKind]: string };

const members = pgCore as unknown as Readonly<Record<string, DrizzleClass | undefined>>;

/** A `drizzle-orm/pg-core` class by name, present on the loaded release line (else `DrizzleIncompatible`). */
export function pgCoreClass(name: string): DrizzleClass {
  const value = members[name];
  if (typeof value !== 'function') {
    throw new MultiDbError(
      'DrizzleIncompatible',
      `drizzle-orm ${drizzleVersion} has no pg-core ${name}; unsupported drizzle-orm version`,
      { drizzleVersion, member: name },
    );
  }
  return value;
}

/** The class every PostgreSQL database of the loaded line extends: `PgDatabase` (0.45), `PgAsyncDatabase` (1.0). */
export function pgDatabaseClass(): DrizzleClass {
  return pgCoreClass(drizzleLine() === '0.45' ? 'PgDatabase' : 'PgAsyncDatabase');
}

/** `true` for a Drizzle PostgreSQL database of the loaded drizzle-orm (any driver, transactions included). */
export function isPgDatabase(value: unknown): boolean {
  return typeof value === 'object' && value !== null && is(value, pgDatabaseClass());
}
