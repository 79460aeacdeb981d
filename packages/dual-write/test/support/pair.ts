import { PGlite } from '@electric-sql/pglite';
import { connect, type DbHandle, type UrlDriver } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { createDualWriter, type DualWriter, ensureOutbox } from '../../src/index.js';
import { schemaOption } from './drizzle-schema.js';
import { BACKUP_TRUNCATE, DDL, schema, TRUNCATE } from './schema.js';

/** One side of a pair: a `DbHandle`, or a user's own Drizzle database with a way to run scripts (node-postgres). */
export type PairNode = Pick<DbHandle<typeof schema>, 'db' | 'exec' | 'pglite' | 'close'>;

/** A primary and a backup with the test schema, the outbox tables and a way to reset both. */
export interface Pair {
  readonly primary: PairNode;
  readonly backup: PairNode;
  reset(): Promise<void>;
  close(): Promise<void>;
}

function makePair(primary: PairNode, backup: PairNode): Pair {
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
  const primary = fromPglite(pg, { ...schemaOption(schema), name: 'primary' });
  await primary.exec(DDL);
  await ensureOutbox(primary.db, { backup: primary.db });
  const backup = fromPglite((await pg.clone()) as PGlite, { ...schemaOption(schema), name: 'backup' });
  return makePair(primary, backup);
}

/** Real PostgreSQL servers (postgres.js unless told): primary and backup of a test cluster. */
export async function postgresPair(
  primaryUrl: string,
  backupUrl: string,
  options: { readonly migrate: boolean; readonly driver?: UrlDriver } = { migrate: true },
): Promise<Pair> {
  const { driver } = options;
  const primary = await connect(primaryUrl, { ...schemaOption(schema), connectTimeout: 5, driver });
  const backup = await connect(backupUrl, { ...schemaOption(schema), connectTimeout: 2, max: 4, driver });
  if (options.migrate) {
    for (const handle of [primary, backup]) {
      await handle.exec(DDL);
      await ensureOutbox(handle.db, { backup: handle.db });
    }
  }
  return makePair(primary, backup);
}

/** A Drizzle database over a `pg.Pool`, built as a node-postgres user does: `drizzle({ client: new Pool(...) })`. */
export function nodePostgresNode(url: string, max: number): PairNode {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {}); // idle clients cut by a server restart; the next query reconnects
  let closing: Promise<void> | undefined;
  return {
    db: drizzle({ client: pool, ...schemaOption(schema) }) as unknown as PairNode['db'],
    pglite: undefined,
    async exec(script) {
      await pool.query(script);
    },
    close: () => {
      closing ??= pool.end();
      return closing;
    },
  };
}

/** Real PostgreSQL servers, both sides on node-postgres. */
export async function nodePostgresPair(
  primaryUrl: string,
  backupUrl: string,
  options: { migrate: boolean } = { migrate: true },
): Promise<Pair> {
  const primary = nodePostgresNode(primaryUrl, 10);
  const backup = nodePostgresNode(backupUrl, 4);
  if (options.migrate) {
    for (const node of [primary, backup]) {
      await node.exec(DDL);
      await ensureOutbox(node.db, { backup: node.db });
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
