// The one module of @multidb/config whose TYPES differ per drizzle-orm release line (type-only: nothing here
// exists at runtime). drizzle-orm 0.45 names its PostgreSQL database class `PgDatabase`; 1.0 names it
// `PgAsyncDatabase` and has no `PgDatabase`. A type-only namespace import sees whichever the installed line has.
import type * as pgCore from 'drizzle-orm/pg-core';
// `PgDatabase` is 0.45's only (used by `PgDatabaseOf` on that line); on 1.0 the name does not resolve (TS2724, which
// tsc does not carry into the emitted .d.ts: a consumer on 1.0 with skipLibCheck false sees it there).
// biome-ignore lint/suspicious/noTsIgnore: an error on one release line only (@ts-expect-error fails on the other)
// @ts-ignore
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

type PgCoreExports = typeof pgCore;

/**
 * Any Drizzle PostgreSQL database of the installed drizzle-orm, whatever its driver and schema or relations:
 * `PgDatabase<any, any, any>` on 0.45, `PgAsyncDatabase<any, any>` on 1.0 (a class's `prototype` carries `any`
 * type arguments).
 */
export type AnyPgDatabase = PgCoreExports extends { PgAsyncDatabase: { prototype: infer D } }
  ? D
  : PgCoreExports extends { PgDatabase: { prototype: infer D } }
    ? D
    : never;

/**
 * The database of a `DbHandle<TSchema>`: on 0.45 `PgDatabase` typed by the schema (for `db.query`). On 1.0 the
 * relational API is typed by `relations`, which the handle does not carry: `AnyPgDatabase`.
 */
export type PgDatabaseOf<TSchema extends Record<string, unknown>> = PgCoreExports extends {
  PgAsyncDatabase: unknown;
}
  ? AnyPgDatabase
  : PgDatabase<PgQueryResultHKT, TSchema>;
