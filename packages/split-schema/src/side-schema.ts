import type { PgTable } from 'drizzle-orm/pg-core';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** drizzle-orm 0.45's `Relations<TTableName>` by shape (the class is not exported from 1.0's root). */
interface V1Relations<N extends string> {
  readonly table: { readonly _: { readonly name: N } };
  readonly config: unknown;
}

/** One schema module object, or the merge of a tuple of them. */
export type MergeModules<T> = T extends readonly (infer M)[] ? UnionToIntersection<M> : T;

type TableNamesIn<T, S extends string> = {
  [K in keyof T]: T[K] extends PgTable<infer C> ? (C['schema'] extends S ? C['name'] : never) : never;
}[keyof T];

/**
 * The tables of `T` whose pgSchema is one of `S`, plus the relations of those tables: what one database's
 * Drizzle client is typed with.
 */
export type SideSchema<T, S extends string> = {
  [K in keyof T as T[K] extends PgTable<infer C>
    ? C['schema'] extends S
      ? K
      : never
    : T[K] extends V1Relations<infer N>
      ? N extends TableNamesIn<T, S>
        ? K
        : never
      : never]: T[K];
};
