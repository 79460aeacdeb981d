import { PGlite } from '@electric-sql/pglite';
import { connect, type DbHandle, type UrlDriver } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createDualWriter, type DualWriter, ensureOutbox } from '../../src/index.js';
import { BACKUP_TRUNCATE, DDL, schema, TRUNCATE } from './schema.js';

/** A primary and a backup with the test schema, the outbox tables and a way to reset both. */
export interface Pair {
  readonly primary: DbHandle<typeof schema>;
  readonly backup: DbHandle<typeof schema>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

function makePair(primary: DbHandle<typeof schema>, backup: DbHandle<typeof schema>): Pair {
  return {
    primary,
    backup,
    async reset() {
      await primary.exec(TRUNCATE);
      await backup.exec(BACKUP_TRUNCATE);
    },
    async close() {
      await Promise.all([primary.close(), backup.close()]);
    },
  };
}

/** Two PGlite instances: the backup is a clone of the freshly migrated primary (cheaper than a second boot). */
export async function pglitePair(): Promise<Pair> {
  const pg = new PGlite();
  const primary = fromPglite(pg, { schema, name: 'primary' });
  await primary.exec(DDL);
  await ensureOutbox(primary.db, { backup: primary.db });
  const backup = fromPglite((await pg.clone()) as PGlite, { schema, name: 'backup' });
  return makePair(primary, backup);
}

/** Real PostgreSQL servers (postgres.js unless told): primary and backup of a test cluster. */
export async function postgresPair(
  primaryUrl: string,
  backupUrl: string,
  options: { readonly migrate: boolean; readonly driver?: UrlDriver } = { migrate: true },
): Promise<Pair> {
  const { driver } = options;
  const primary = await connect(primaryUrl, { schema, connectTimeout: 5, driver });
  const backup = await connect(backupUrl, { schema, connectTimeout: 2, max: 4, driver });
  if (options.migrate) {
    for (const handle of [primary, backup]) {
      await handle.exec(DDL);
      await ensureOutbox(handle.db, { backup: handle.db });
    }
  }
  return makePair(primary, backup);
}

/** A durable-mode writer over the pair with no drainer of its own: each test decides who drains. */
export function durableWriterWithoutDrainer(pair: Pair): DualWriter {
  return createDualWriter({
    backup: pair.backup.db,
    primary: pair.primary.db,
    mode: 'durable',
    schema,
    drainer: false,
  });
}
