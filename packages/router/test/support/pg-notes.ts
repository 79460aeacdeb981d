import { connect, type DbHandle, executeRows } from '@multidb/config';
import { type PgCluster, type PgClusterOptions, type PgNode, startPgCluster } from '@multidb/testing';
import { sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import type { DbRouter, DbRouterOptions } from '../../src/index.js';

/** The one table of the real-PostgreSQL router tests. */
export const notes = pgTable('notes', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  body: text().notNull(),
});
export const schema = { notes };
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
    schema,
    health: { intervalMs: 200, timeoutMs: 1000, failuresToDown: 2, successesToUp: 2 },
    lag: { maxBytes: 64 * 1024, maxSeconds: Number.POSITIVE_INFINITY },
    connect: { max: 4, connectTimeout: 2 },
    ...overrides,
  };
}
