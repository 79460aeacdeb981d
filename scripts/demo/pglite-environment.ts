import { mkdirSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { DbHandle } from '@multidb/config';
import { fromPglite } from '@multidb/config/pglite';
import { type PrimarySchema, relationalOptions, splitLayout } from '@multidb/example-app';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { createLaggingReplica, type LaggingReplica, ReplicaSwitch } from '@multidb/testing';
import type { DemoClients, DemoEnvironment, DemoReplica } from './environment.js';
import { REPLICA_LAYOUT, type ReplicaLayout, replicaRole } from './replica-layout.js';

// How often the in-memory replicas poll the primary for changes: the replication delay when not paused.
const REPLICA_POLL_MS = 25;

/**
 * The embedded default, no server: PRIMARY, DATA and the backup are PGlite databases in `dataDir` (removed first,
 * so every run starts the same); the replicas are in-memory PGlite copies of the primary fed from its changes
 * (`@multidb/testing` lagging replicas); the backup sits behind a `ReplicaSwitch` so the story can take it away.
 */
export async function startPgliteEnvironment(dataDir: string): Promise<DemoEnvironment> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const dir = (name: string) => `./${dataDir}/${name}`;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    // initdb once; DATA and the backup start from an image of that fresh cluster (a third of the cost each).
    const primaryPg = await PGlite.create(dir('primary'));
    closers.push(() => primaryPg.close());
    const freshCluster = await primaryPg.dumpDataDir('none');
    const dataPg = await PGlite.create(dir('data'), { loadDataDir: freshCluster });
    closers.push(() => dataPg.close());
    const backupPg = await PGlite.create(dir('backup'), { loadDataDir: freshCluster });
    closers.push(() => backupPg.close());
    const clients = splitClients(
      fromPglite(primaryPg, { ...relationalOptions('primary'), name: dir('primary'), ownsClient: false }),
      fromPglite(dataPg, { ...relationalOptions('data'), name: dir('data'), ownsClient: false }),
    );
    const split = await migrate(clients);
    // The backup mirrors the PRIMARY database: the same migrations, applied the same way.
    const backupClients = splitClientsFromPglite(splitLayout, { primary: backupPg }, { ownsClients: false });
    const backupReport = await migrate(backupClients, { target: 'primary' });
    // An image of the migrated, still empty backup: every "fresh backup" later starts from it.
    const emptyBackup = await backupPg.dumpDataDir('none');

    const backupSwitch = new ReplicaSwitch('backup');
    const backup: DbHandle<PrimarySchema> = fromPglite(backupSwitch.wrap(backupPg), {
      ...relationalOptions('primary'),
      ownsClient: false,
      name: dir('backup'),
    });

    // Replicas copy the primary now (schema included) and then follow its row changes: create them last.
    const replicas: DemoReplica[] = [];
    for (const layout of REPLICA_LAYOUT) {
      const lagging: LaggingReplica<PrimarySchema> = await createLaggingReplica(primaryPg, {
        name: layout.name,
        ...relationalOptions('primary'),
        pollMs: REPLICA_POLL_MS,
      });
      closers.push(() => lagging.close());
      replicas.push(inMemoryReplica(lagging, layout));
    }

    return {
      mode: 'pglite',
      description: `embedded PGlite in ./${dataDir} (reset on every run), in-memory replicas, no server`,
      clients,
      backup: {
        handle: backup,
        stop: async () => backupSwitch.stop(),
        start: async () => backupSwitch.start(),
      },
      replicas,
      migrations: { split, backup: backupReport },
      async createFreshBackup() {
        const pg = await PGlite.create({ loadDataDir: emptyBackup });
        return fromPglite(pg, { ...relationalOptions('primary'), name: 'memory (fresh backup)' });
      },
      secrets: [],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** PRIMARY and DATA as split clients, named by their directories (what the narration prints). */
function splitClients(primary: DemoClients['primary'], data: DemoClients['data']): DemoClients {
  return Object.freeze<DemoClients>({
    layout: splitLayout,
    splitMode: true,
    primary,
    data,
    handle: (database) => (database === 'primary' ? primary : data),
    close: async () => undefined, // the environment closes the PGlite instances
  });
}

function inMemoryReplica(lagging: LaggingReplica<PrimarySchema>, layout: ReplicaLayout): DemoReplica {
  return {
    spec: { ...replicaRole(layout), db: lagging.db, positionSource: lagging.positionSource },
    stop: async () => lagging.stop(),
    start: async () => lagging.start(),
    pauseReplay: async () => lagging.pause(),
    async resumeReplay() {
      lagging.resume();
      await lagging.catchUp();
    },
  };
}
