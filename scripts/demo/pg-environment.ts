import { randomBytes } from 'node:crypto';
import { type AnyPgDatabase, connect, type DbHandle, executeRows } from '@multidb/config';
import { type PrimarySchema, relationalOptions, splitLayout } from '@multidb/example-app';
import { migrate, openSplitClients } from '@multidb/split-schema';
import { type PgCluster, type PgNode, pgPrerequisitesMissing, startPgCluster } from '@multidb/testing';
import type { DemoEnvironment, DemoReplica } from './environment.js';
import { REPLICA_LAYOUT, type ReplicaLayout, replicaRole } from './replica-layout.js';

const DATA_DATABASE = 'demo_data';

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

/**
 * `--pg`: the same story on real PostgreSQL servers from the testing harness: a primary with three streaming
 * replicas (the third is the DR node) and an independent backup server, all in a temp dir on free ports, with a
 * random password (so the demo can prove it never prints it). PRIMARY and DATA are two databases of the primary
 * server; the fresh backups of `syncBackup` are new databases on the backup server.
 */
export async function startPgEnvironment(): Promise<DemoEnvironment> {
  const missing = pgPrerequisitesMissing();
  if (missing.length > 0) {
    throw new Error(
      `--pg needs the PostgreSQL server binaries (Debian package postgresql, or PG_BIN):\n- ${missing.join('\n- ')}`,
    );
  }
  const password = randomBytes(18).toString('base64url');
  const cluster = await startPgCluster({ replicas: REPLICA_LAYOUT.length, backup: true, password });
  const closers: (() => Promise<void>)[] = [() => cluster.stop()];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const backupNode = cluster.backup as PgNode;
    await cluster.primary.sql(`CREATE DATABASE ${DATA_DATABASE}`);
    const clients = await openSplitClients(
      splitLayout,
      {
        primaryUrl: cluster.primary.url,
        dataUrl: withDatabase(cluster.primary.url, DATA_DATABASE),
        splitMode: true,
      },
      { max: 8, connectTimeout: 5 },
    );
    closers.push(() => clients.close());
    const split = await migrate(clients);

    const backupReport = await migrateBackup(backupNode.url);
    // The dual-write target: short connect timeout, so an outage is noticed quickly and retried.
    const backup = await connect(backupNode.url, {
      ...relationalOptions('primary'),
      max: 3,
      connectTimeout: 2,
    });
    closers.push(() => backup.close());
    await cluster.waitForReplication();

    let freshBackups = 0;
    return {
      mode: 'postgres',
      description: `real PostgreSQL ${await serverVersion(clients.primary.db)}: primary + ${REPLICA_LAYOUT.length} streaming replicas + a backup server (temp dir, free ports, password auth)`,
      clients,
      backup: {
        handle: backup,
        stop: () => backupNode.stop(),
        start: () => backupNode.start(),
      },
      replicas: REPLICA_LAYOUT.map((layout, i) => streamingReplica(cluster, i, layout)),
      migrations: { split, backup: backupReport },
      async createFreshBackup(): Promise<DbHandle<PrimarySchema>> {
        const database = `fresh_backup_${++freshBackups}`;
        await backupNode.sql(`CREATE DATABASE ${database}`);
        const url = withDatabase(backupNode.url, database);
        const report = await migrateBackup(url);
        if (!report.ok) throw new Error(`migrating ${database} failed`);
        return connect(url, { ...relationalOptions('primary'), max: 4 });
      },
      secrets: [password],
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function migrateBackup(url: string) {
  const clients = await openSplitClients(splitLayout, { primaryUrl: url, splitMode: false }, { max: 2 });
  try {
    return await migrate(clients, { target: 'primary' });
  } finally {
    await clients.close();
  }
}

async function serverVersion(db: AnyPgDatabase): Promise<string> {
  const [row] = await executeRows<{ v: string }>(db, `select current_setting('server_version') as v`);
  return row?.v.split(' ')[0] ?? '';
}

function streamingReplica(cluster: PgCluster, index: number, layout: ReplicaLayout): DemoReplica {
  const node = cluster.replicas[index] as PgNode;
  return {
    spec: { ...replicaRole(layout), db: node.url },
    stop: () => node.stop(),
    start: () => node.start(),
    pauseReplay: () => node.pauseReplay(),
    async resumeReplay() {
      await node.resumeReplay();
      await cluster.waitForReplication();
    },
  };
}
