import { type AnyPgDatabase, drizzleVersion, MultiDbError } from '@multidb/config';
import type { Column, SQL } from 'drizzle-orm';
import type { PgDialect, PgSession, PgTable } from 'drizzle-orm/pg-core';

/** What every release line's internals provide (see `../drizzle-internals.ts`). One selected field. */
export interface OrderedField {
  readonly path: string[];
  readonly field: unknown;
}

/** The mutable config every pg-core mutation builder (insert/update/delete) keeps. */
export interface MutationConfig {
  table: PgTable;
  returning?: OrderedField[];
  returningFields?: Record<string, unknown>;
  set?: Record<string, unknown>;
  from?: unknown;
  joins?: unknown[];
}

/** A pg-core insert / update / delete statement seen through its runtime (untyped) members. */
export interface MutationBuilderInternals {
  config: MutationConfig;
  session: PgSession;
  dialect: PgDialect;
  cacheConfig?: unknown;
  joinsNotNullableMap?: Record<string, boolean>;
  getSQL(withCastCodecs?: boolean): SQL;
  toSQL(withCastCodecs?: boolean): unknown;
}

/** What the backup needs to know of a column that the release lines tell differently. */
export interface ColumnNaming {
  /** Its name in the database (0.45: `PgDialect.casing`; 1.0: the name the table gave it). */
  dbName(column: Column): string;
  /** Its full SQL type, array dimensions included (1.0 keeps them in `column.dimensions`, not the type). */
  sqlType(column: Column): string;
}

/** What `session.prepareQuery` returns, as far as capture uses it. */
export interface PreparedLike {
  execute(...args: unknown[]): Promise<unknown>;
}

/** A query as `dialect.sqlToQuery` builds it. */
export interface BuiltQuery {
  readonly sql: string;
  readonly params: unknown[];
}

export type RowsMapper = (rows: unknown[][]) => Record<string, unknown>[];

/** One release line's internals (see `drizzle-lines/`). */
export interface DrizzleInternals {
  readonly line: '0.45' | '1.0';
  /** Refuses (`DrizzleIncompatible`) a database whose dialect capture cannot run on. */
  checkDatabase(db: AnyPgDatabase): void;
  /** Column names and types for tables used through `db` (or a default dialect). */
  columns(db: AnyPgDatabase | undefined): ColumnNaming;
  /** Selection fields in the builder's `config.returning` form. */
  orderFields(fields: Record<string, unknown>, dialect: PgDialect): OrderedField[];
  /** The statement as Drizzle itself runs it (1.0: with its selection cast codecs). */
  statementSql(builder: MutationBuilderInternals, getSQL: (this: unknown, ...args: unknown[]) => SQL): SQL;
  /** Drizzle's own mapping of raw array rows to the caller's `returning` objects (extra trailing values ignored). */
  rowsMapper(builder: MutationBuilderInternals, fields: readonly OrderedField[]): RowsMapper;
  /**
   * A prepared statement returning raw array rows through `mapper`, with the cache metadata of a mutation of
   * `table` (so a Drizzle cache still invalidates). `name`: a server-side statement name, or what the caller's
   * `_prepare` asked for.
   */
  prepareArrays(
    builder: MutationBuilderInternals,
    query: BuiltQuery,
    name: string | boolean | undefined,
    mapper: (rows: unknown[][]) => unknown,
    kind: 'insert' | 'update' | 'delete',
  ): PreparedLike;
  /** A prepared statement on `db`'s session returning rows as objects (possibly inside the driver's result). */
  prepareObjects(db: AnyPgDatabase, query: BuiltQuery, name: string | undefined): PreparedLike;
}

/** A `DrizzleIncompatible` naming what is missing and the installed version. */
export function incompatible(what: string): MultiDbError {
  return new MultiDbError(
    'DrizzleIncompatible',
    `${what}; unsupported drizzle-orm version ${drizzleVersion} (@multidb/dual-write supports drizzle-orm 0.45.x and 1.0.0-rc.5+)`,
    { drizzleVersion },
  );
}

/** `value` when it is a function, else a `DrizzleIncompatible` naming it. */
export function requiredFunction<T>(value: T | undefined, name: string): T {
  if (typeof value !== 'function') throw incompatible(`drizzle-orm has no ${name}`);
  return value;
}
