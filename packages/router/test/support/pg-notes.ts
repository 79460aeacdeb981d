import { connect, type DbHandle, drizzleLine, executeRows } from '@multidb/config';
import { type PgCluster, type PgClusterOptions, type PgNode, startPgCluster } from '@multidb/testing';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { DbRouter, DbRouterOptions } from '../../src/index.js';

/** The one table of the real-PostgreSQL router tests. */
export const notes = pgTable('notes', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  body: text().notNull(),
});
export const schema = { notes };
/** `schema` for relational queries on 0.45; nothing on 1.0 (no relations here, and 1.0 has no `schema` option). */
const relational: { readonly schema?: typeof schema } = drizzleLine() === '0.45' ? { schema } : {};
export type NotesRouter = DbRouter<typeof schema>;

export interface NotesCluster {
  readonly cluster: PgCluster;
  /** A connection to the primary, for DDL and data behind the router's back. */
  readonly admin: DbHandle;
  /** The cluster's replicas in order. */
  readonly replicas: readonly PgNode[];
  /** The name a test gives the node listening on `port` (`primary`, then `names` in replica order). */
  nodeAt(port: number): string;
  stop(): Promise<void>;
}

/** A primary and streaming replicas (PostgreSQL 15) with `notes` created, `seed` rows in it, replicated. */
export async function startNotesCluster(
  options: PgClusterOptions,
  names: readonly string[],
  seed: readonly string[] = [],
): Promise<NotesCluster> {
  const cluster = await startPgCluster(options);
  const admin = await connect(cluster.primary.url);
  await admin.exec(
    'CREATE TABLE notes (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL)',
  );
  for (const body of seed) await admin.db.insert(notes).values({ body });
  await cluster.waitForReplication();
  const nodes = [cluster.primary, ...cluster.replicas];
  const byPort = new Map(
    nodes.map((n, i) => [n.port, i === 0 ? 'primary' : (names[i - 1] ?? `replica${i}`)]),
  );
  return {
    cluster,
    admin,
    replicas: cluster.replicas,
    nodeAt: (port) => byPort.get(port) ?? 'unknown',
    async stop() {
      await admin.close();
      await cluster.stop();
    },
  };
}

/** The node that served a plain read (`inet_server_port()`), with a consistency token when given. */
export async function servedBy(router: NotesRouter, at: NotesCluster, token?: string): Promise<string> {
  const [row] = await executeRows<{ port: number }>(
    router.getClient('read', { token }),
    sql`select inet_server_port() as port`,
  );
  return at.nodeAt(Number(row?.port));
}

/** Router options on the cluster's URLs: replicas named `names`, quick probes, small pools. */
export function notesRouterOptions(
  at: NotesCluster,
  names: readonly string[],
  overrides: Partial<DbRouterOptions<typeof schema>> = {},
): DbRouterOptions<typeof schema> {
  return {
    primary: at.cluster.primary.url,
    replicas: at.replicas.map((node, i) => ({ name: names[i] as string, db: node.url })),
    ...relational,
    health: { intervalMs: 200, timeoutMs: 1000, failuresToDown: 2, successesToUp: 2 },
    lag: { maxBytes: 64 * 1024, maxSeconds: Number.POSITIVE_INFINITY },
    connect: { max: 4, connectTimeout: 2 },
    ...overrides,
  };
}

/** How the router's nodes are built: URLs the router opens (postgres.js), or a user's `drizzle(new pg.Pool(...))`. */
export type NodeDriver = 'postgres.js' | 'node-postgres';
export const NODE_DRIVERS: readonly NodeDriver[] = ['postgres.js', 'node-postgres'];

export interface DriverNodes {
  readonly options: DbRouterOptions<typeof schema>;
  /** Ends what the test opened itself (the router never closes a caller's database). */
  close(): Promise<void>;
}

/**
 * `notesRouterOptions` with nodes on `driver`. node-postgres nodes are built as a user would: one `pg.Pool` per
 * node (same pool size and connect timeout as the URL nodes) under `drizzle-orm/node-postgres`.
 */
export function notesRouterNodes(
  at: NotesCluster,
  names: readonly string[],
  driver: NodeDriver,
  overrides: Partial<DbRouterOptions<typeof schema>> = {},
): DriverNodes {
  const base = notesRouterOptions(at, names, overrides);
  if (driver === 'postgres.js') return { options: base, close: async () => {} };
  const pools: pg.Pool[] = [];
  const open = (url: string) => {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 });
    // Idle clients cut by a node stopping emit 'error' on the pool; the router learns of it from its probes.
    pool.on('error', () => {});
    pools.push(pool);
    return drizzle({ client: pool, ...relational });
  };
  return {
    options: {
      ...base,
      primary: open(at.cluster.primary.url),
      replicas: at.replicas.map((node, i) => ({ name: names[i] as string, db: open(node.url) })),
      ...overrides,
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
    },
  };
}
