import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { SCHEMA_DDL, seedSql } from './test-schema.js';

export interface PglitePair {
  readonly source: DbHandle;
  readonly target: DbHandle;
  /** Drops and recreates the test schema on both; seeds the source with `n` customers. */
  reset(n: number): Promise<void>;
  close(): Promise<void>;
}

const DROP = `DROP SCHEMA IF EXISTS shop CASCADE; DROP SCHEMA IF EXISTS "we""ird; schema" CASCADE;
  DROP SCHEMA IF EXISTS multidb_sync CASCADE; RESET ROLE;`;

/** Two in-memory databases (primary and backup) for a test file: created once, reset per test. */
export async function createPglitePair(): Promise<PglitePair> {
  const [a, b] = await Promise.all([PGlite.create(), PGlite.create()]);
  const source = fromPglite(a, { name: 'source' });
  const target = fromPglite(b, { name: 'target' });
  return {
    source,
    target,
    async reset(n) {
      await Promise.all([source.exec(DROP + SCHEMA_DDL), target.exec(DROP + SCHEMA_DDL)]);
      await source.exec(seedSql(n));
    },
    async close() {
      await Promise.all([source.close(), target.close()]);
    },
  };
}
