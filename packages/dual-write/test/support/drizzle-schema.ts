import { drizzleLine } from '@multidb/config';
// A namespace import: `defineRelations` exists on drizzle-orm 1.0 only.
import * as drizzle from 'drizzle-orm';

/**
 * How a test gives its tables to `connect()` / `fromPglite()` / `drizzle()` for `db.query`: `{ schema }` on
 * drizzle-orm 0.45, `{ relations: defineRelations(schema) }` on 1.0 (which has no `schema` option). Typed as the
 * 0.45 spelling, the line the package typechecks against.
 */
export function schemaOption<TSchema extends Record<string, unknown>>(schema: TSchema): { schema: TSchema } {
  if (drizzleLine() === '0.45') return { schema };
  const defineRelations = (drizzle as unknown as { defineRelations: (schema: TSchema) => object })
    .defineRelations;
  return { relations: defineRelations(schema) } as unknown as { schema: TSchema };
}
