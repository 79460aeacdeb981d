import { drizzleDefineRelations, drizzleLine } from '@multidb/config';

/** `schema` (drizzle-orm 0.45) or `relations` (1.0): the option `connect()`/`fromPglite()` take for `db.query`. */
export interface RelationalQueryOptions<TSchema extends Record<string, unknown>> {
  readonly schema?: TSchema;
  readonly relations?: object;
}

/**
 * `db.query.<table>` for a set of tables on the installed drizzle-orm: `{ schema: tables }` on 0.45, `{ relations:
 * defineRelations(tables) }` on 1.0 (no relations declared between them).
 */
export function relationalQueryOptions<TSchema extends Record<string, unknown>>(
  tables: TSchema,
): RelationalQueryOptions<TSchema> {
  return drizzleLine() === '0.45' ? { schema: tables } : { relations: drizzleDefineRelations()(tables) };
}
