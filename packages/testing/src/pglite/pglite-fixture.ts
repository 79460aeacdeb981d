import type { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import type { PgliteTemplate } from './pglite-template.js';
import { resetDatabase } from './reset-database.js';

export interface PgliteFixtureOptions<TSchema extends Record<string, unknown>> {
  /** drizzle-orm 0.45: the schema for `db.query` (relational queries). */
  readonly schema?: TSchema;
  /** drizzle-orm 1.0: `defineRelations(schema, ...)`, for `db.query` (relational queries v2). */
  readonly relations?: object | undefined;
  /** Schemas `reset()` truncates; default every user schema except `drizzle`. */
  readonly resetSchemas?: readonly string[];
}

/** A clone of a template with a Drizzle handle: create it once per file, `reset()` between tests. */
export interface PgliteFixture<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly pg: PGlite;
  readonly handle: DbHandle<TSchema>;
  readonly db: DbHandle<TSchema>['db'];
  /** Truncates the fixture's tables (RESTART IDENTITY CASCADE) in one statement. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function createPgliteFixture<TSchema extends Record<string, unknown> = Record<string, never>>(
  template: PgliteTemplate,
  options: PgliteFixtureOptions<TSchema> = {},
): Promise<PgliteFixture<TSchema>> {
  const pg = await template.clone();
  const handle = fromPglite<TSchema>(pg, {
    name: 'fixture',
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.relations ? { relations: options.relations } : {}),
  });
  return {
    pg,
    handle,
    db: handle.db,
    reset: () => resetDatabase(pg, options.resetSchemas),
    close: () => handle.close(),
  };
}
