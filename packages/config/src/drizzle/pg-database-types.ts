// The one module of @multidb/config whose TYPES differ per drizzle-orm release line (type-only: nothing here
// exists at runtime). drizzle-orm 0.45 names its PostgreSQL database class `PgDatabase`; 1.0 names it
// `PgAsyncDatabase` and has no `PgDatabase`. A type-only namespace import sees whichever the installed line has.
import type * as pgCore from 'drizzle-orm/pg-core';
import type { PgQueryResultHKT } from 'drizzle-orm/pg-core';

type PgCoreExports = typeof pgCore;

/** A stand-in for a class the installed line lacks: generic like it, never instantiated. */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in constructor
type Absent = abstract new <A = any, B = any, C = any>(...args: unknown[]) => { readonly absent: [A, B, C] };

/**
 * 0.45's `PgDatabase` class reached through the namespace (the name does not resolve on 1.0), so its type
 * arguments can be applied with an instantiation expression without naming it in an import.
 */
type Member<K extends string> = K extends keyof PgCoreExports ? PgCoreExports[K] : Absent;
declare const PgDatabase: Member<'PgDatabase'>;

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
  : InstanceType<typeof PgDatabase<PgQueryResultHKT, TSchema>>;
