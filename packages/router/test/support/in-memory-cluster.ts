import { PGlite } from '@electric-sql/pglite';
import type { AnyPgDatabase, DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { createLaggingReplica, type LaggingReplica, ReplicaSwitch } from '@multidb/testing';
import type { Logger } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DDL, nodeInfo, relational, replicaRelational, type TestSchema } from './test-schema.js';

export interface InMemoryCluster {
  readonly pg: PGlite;
  /** The primary as the router sees it: through a switch that can stop it. */
  readonly primary: DbHandle<TestSchema>;
  readonly primarySwitch: ReplicaSwitch;
  readonly replicas: Readonly<Record<string, LaggingReplica<TestSchema>>>;
  replica(name: string): LaggingReplica<TestSchema>;
  /** Router options for replica `name`: its database and its position source. */
  spec<T extends object>(
    name: string,
    extra?: T,
  ): { name: string } & Pick<LaggingReplica<TestSchema>, 'db' | 'positionSource'> & T;
  /** Every SQL text any node executed through Drizzle (to prove tokens never reach SQL). */
  readonly executed: string[];
  /** Empties the data tables on the primary, restarts every node and lets every replica catch up. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One PGlite primary and lagging replicas cloned from it (delay 0 unless told otherwise), each with its own
 * `node_info` row so a query can tell which node served it.
 */
export async function startInMemoryCluster(names: readonly string[]): Promise<InMemoryCluster> {
  const pg = await PGlite.create();
  await pg.exec(`${DDL} INSERT INTO node_info VALUES ('primary');`);
  const executed: string[] = [];
  const logger: Logger = { logQuery: (query) => executed.push(query) };
  const primarySwitch = new ReplicaSwitch('primary');
  const primary = fromPglite(primarySwitch.wrap(pg), { ...relational, logger, name: 'primary' });
  const replicas: Record<string, LaggingReplica<TestSchema>> = {};
  for (const name of names) {
    const replica = await createLaggingReplica(pg, { name, ...replicaRelational, logger });
    await replica.pglite.query('UPDATE node_info SET name = $1', [name]);
    replicas[name] = replica;
  }
  const replica = (name: string) => {
    const found = replicas[name];
    if (found === undefined) throw new Error(`no replica ${name}`);
    return found;
  };
  return {
    pg,
    primary,
    replica,
    spec: <T extends object>(name: string, extra?: T) => ({
      name,
      db: replica(name).db,
      positionSource: replica(name).positionSource,
      ...(extra as T),
    }),
    primarySwitch,
    replicas,
    executed,
    async reset() {
      primarySwitch.start();
      primarySwitch.setLatency(0);
      await pg.exec('TRUNCATE users, posts, post_tags RESTART IDENTITY CASCADE');
      for (const replica of Object.values(replicas)) {
        replica.start();
        replica.resume();
        replica.reconnectReceiver();
        replica.setLatency(0);
        replica.setDelay(0);
        await replica.catchUp();
      }
      executed.length = 0;
    },
    async close() {
      for (const replica of Object.values(replicas)) await replica.close();
      await pg.close();
    },
  };
}

/** The name of the node that served this query. */
export async function servedBy(db: AnyPgDatabase): Promise<string> {
  const rows = await db.select().from(nodeInfo);
  return rows[0]?.name ?? '(none)';
}

export async function sequence(n: number, read: () => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await read());
  return out;
}

/**
 * Registers the usual hooks of a router suite: one in-memory cluster per file, reset before each test, and every
 * router the test `track`s closed after it.
 */
export function useInMemoryCluster(replicas: readonly string[]) {
  const state: { cluster?: InMemoryCluster; routers: { close(): Promise<void> }[] } = { routers: [] };
  beforeAll(async () => {
    state.cluster = await startInMemoryCluster(replicas);
  });
  afterAll(() => state.cluster?.close());
  beforeEach(() => state.cluster?.reset());
  afterEach(async () => {
    await Promise.all(state.routers.splice(0).map((r) => r.close()));
  });
  return {
    get cluster(): InMemoryCluster {
      if (!state.cluster) throw new Error('the in-memory cluster is started in beforeAll');
      return state.cluster;
    },
    track<R extends { close(): Promise<void> }>(router: R): R {
      state.routers.push(router);
      return router;
    },
  };
}
