import { drizzleLine } from '@multidb/config';
import type * as orm from 'drizzle-orm';
import { type DataRelations, dataRelations } from './data-relations-v2.js';
import {
  type DataSchema,
  dataSchema,
  type ExampleSchema,
  type PrimarySchema,
  primarySchema,
  schema,
} from './index.js';
import { type PrimaryRelations, primaryRelations } from './primary-relations-v2.js';

/**
 * What `connect()`, `fromPglite()` and `createDbRouter()` take for `db.query` on the installed drizzle-orm: exactly
 * one of the two is set.
 */
export interface RelationalOptions<TSchema extends Record<string, unknown>, TRelations extends object> {
  /** drizzle-orm 0.45: tables and `relations()` (v1). */
  readonly schema?: TSchema;
  /** drizzle-orm 1.0: `defineRelations(...)` (v2). */
  readonly relations?: TRelations;
}

export type ExampleRelations = PrimaryRelations & DataRelations;

/** `T045` where drizzle-orm 0.45 is installed, `T10` where 1.0 is: a type that follows the installed line. */
export type ForDrizzleLine<T045, T10> = typeof orm extends { defineRelations: unknown } ? T10 : T045;

/** What a PRIMARY database or router is typed by: its schema (0.45) or its `defineRelations` result (1.0). */
export type PrimaryRelational = ForDrizzleLine<PrimarySchema, PrimaryRelations>;

interface Sides {
  readonly primary: RelationalOptions<PrimarySchema, PrimaryRelations>;
  readonly data: RelationalOptions<DataSchema, DataRelations>;
  /** One connection for both sides (`SPLIT_DB_MODE=false`). */
  readonly both: RelationalOptions<ExampleSchema, ExampleRelations>;
}

let both: ExampleRelations | undefined;
// The two sides never relate to each other, so their relations merge as they are.
const bothRelations = () => {
  both ??= { ...primaryRelations(), ...dataRelations() };
  return both;
};

/**
 * `{ schema }` on drizzle-orm 0.45, `{ relations }` on 1.0, for one side of the app:
 * `connect(url, { ...relationalOptions('primary'), max: 4 })`.
 */
export function relationalOptions<TSide extends keyof Sides>(side: TSide): Sides[TSide] {
  const legacy = drizzleLine() === '0.45';
  switch (side) {
    case 'primary':
      return (legacy ? { schema: primarySchema } : { relations: primaryRelations() }) as Sides[TSide];
    case 'data':
      return (legacy ? { schema: dataSchema } : { relations: dataRelations() }) as Sides[TSide];
    default:
      return (legacy ? { schema } : { relations: bothRelations() }) as Sides[TSide];
  }
}
