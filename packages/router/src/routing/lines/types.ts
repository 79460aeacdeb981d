// The public types of the loaded drizzle-orm line, without naming a class the other line lacks: TypeScript
// cannot apply type arguments to a class that may not exist, so each class is reached through the pg-core
// namespace (`typeof import`), with a stand-in when absent, and instantiated with an instantiation expression.
import type * as PgCore from 'drizzle-orm/pg-core';
import type { PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { TablesRelationalConfig } from 'drizzle-orm/relations';

type Ns = typeof PgCore;
/** A stand-in for a class of the other line: generic like it, never instantiated. */
// biome-ignore lint/suspicious/noExplicitAny: a stand-in constructor
type Absent = abstract new <A = any, B = any, C = any>(
  ...args: unknown[]
) => { readonly absent: [A, B, C]; readonly _: { readonly schema: undefined } };
type Member<K extends string> = K extends keyof Ns ? Ns[K] : Absent;

declare const PgDatabase: Member<'PgDatabase'>;
declare const PgTransaction: Member<'PgTransaction'>;
declare const PgAsyncDatabase: Member<'PgAsyncDatabase'>;
declare const PgAsyncTransaction: Member<'PgAsyncTransaction'>;

/** The drizzle-orm line whose types are installed. */
export type TypesLine = 'PgAsyncDatabase' extends keyof Ns ? '1.0' : '0.45';

/**
 * What the router's type parameter means on the installed line: the full schema (0.45: tables and
 * `relations()`), or the `defineRelations(...)` result (1.0).
 */
export type RelationalTypes = Record<string, unknown>;

type Relations10<T> = T extends TablesRelationalConfig ? T : Record<string, never>;

/** `PgDatabase<PgQueryResultHKT, T>` (0.45) / `PgAsyncDatabase<PgQueryResultHKT, T>` (1.0). */
export type LineDatabase<T extends RelationalTypes> = TypesLine extends '0.45'
  ? InstanceType<typeof PgDatabase<PgQueryResultHKT, T>>
  : InstanceType<typeof PgAsyncDatabase<PgQueryResultHKT, Relations10<T>>>;

/** 0.45's `ExtractTablesWithRelations<T>`, read off the database type (the name means another thing on 1.0). */
type Schema045<T extends RelationalTypes> = Extract<
  NonNullable<InstanceType<typeof PgDatabase<PgQueryResultHKT, T>>['_']['schema']>,
  TablesRelationalConfig
>;

/** `PgTransaction<PgQueryResultHKT, T>` (0.45) / `PgAsyncTransaction<PgQueryResultHKT, T>` (1.0). */
export type LineTransaction<T extends RelationalTypes> = TypesLine extends '0.45'
  ? InstanceType<typeof PgTransaction<PgQueryResultHKT, T, Schema045<T>>>
  : InstanceType<typeof PgAsyncTransaction<PgQueryResultHKT, Relations10<T>>>;

/**
 * A Drizzle database as the router's options take it, structurally, so the type parameter is inferred from it:
 * 0.45 `db._.fullSchema`, 1.0 `db._.relations`. (At run time anything else is refused with NotADrizzleDatabase.)
 */
export type NodeDatabase<T extends RelationalTypes> = TypesLine extends '0.45'
  ? { readonly _: { readonly fullSchema: T } }
  : { readonly _: { readonly relations: T } };
