import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCleanup } from './exit-cleanup.js';
import { freePorts } from './free-port.js';
import { cloneReplica, initServer } from './node-setup.js';
import { pgPrerequisitesMissing } from './pg-binaries.js';
import type { PgSettings } from './pg-conf.js';
import { createPgNode, type PgNode } from './pg-node.js';
import { giveToPostgres } from './run-as-postgres.js';
import { waitUntil } from './wait-until.js';

export interface PgCluster {
  readonly primary: PgNode;
  readonly replicas: readonly PgNode[];
  /** An independent server (its own initdb), e.g. the target of a backup/dual-write. */
  readonly backup: PgNode | undefined;
  /** The temp dir holding every data dir, log file and socket. */
  readonly dir: string;
  /** Waits until every running, unpaused replica has replayed the primary's current WAL position. */
  waitForReplication(): Promise<void>;
  /** Stops every node (pg_ctl -m fast) and removes the temp dir; idempotent. */
  stop(): Promise<void>;
}

export interface PgClusterOptions {
  /** Streaming replicas of the primary; default 1. */
  readonly replicas?: number;
  /** Also start an independent backup server; default false. */
  readonly backup?: boolean;
  /** Password of the `postgres` superuser; TCP logins then use scram-sha-256 instead of trust. */
  readonly password?: string;
  /** Extra postgresql.conf settings for every node. */
  readonly settings?: PgSettings;
}

const REPLICATION_TIMEOUT_MS = 30_000;

export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const replicaCount = options.replicas ?? 1;
  if (!Number.isInteger(replicaCount) || replicaCount < 0) {
    throw new RangeError(`replicas must be a non-negative integer, got ${replicaCount}`);
  }
  const missing = pgPrerequisitesMissing();
  if (missing.length > 0) throw new Error(`cannot start a PostgreSQL cluster:\n- ${missing.join('\n- ')}`);

  const dir = await mkdtemp(join(tmpdir(), 'multidb-pg-'));
  exitCleanup.tempRootCreated(dir);
  const nodes: PgNode[] = [];
  try {
    await giveToPostgres(dir);
    const [primaryPort = 0, ...otherPorts] = await freePorts(1 + replicaCount + (options.backup ? 1 : 0));
    const node = (name: string, port: number): PgNode => {
      const created = createPgNode({
        name,
        port,
        dataDir: join(dir, name),
        logFile: join(dir, `${name}.log`),
        workDir: dir,
        password: options.password,
      });
      nodes.push(created);
      return created;
    };
    // Every basebackup holds two WAL senders while it runs, every streaming replica one.
    const maxWalSenders = Math.max(10, 3 * replicaCount + 2);
    const server = (created: PgNode) => ({
      dataDir: created.dataDir,
      workDir: dir,
      port: created.port,
      maxWalSenders,
      password: options.password,
      settings: options.settings,
    });

    const primary = node('primary', primaryPort);
    const startPrimaryAndReplicas = async (): Promise<PgNode[]> => {
      await initServer(server(primary));
      await primary.start();
      return Promise.all(
        otherPorts.slice(0, replicaCount).map(async (port, index) => {
          const replica = node(`replica-${index}`, port);
          await cloneReplica({ ...server(replica), primaryPort, password: options.password });
          await replica.start();
          return replica;
        }),
      );
    };
    const startBackup = async (): Promise<PgNode | undefined> => {
      const backupPort = otherPorts[replicaCount];
      if (!options.backup || backupPort === undefined) return undefined;
      const backup = node('backup', backupPort);
      await initServer(server(backup));
      await backup.start();
      return backup;
    };
    // allSettled: on failure, teardown must not race a branch that is still starting servers.
    const [replicas, backup] = await Promise.allSettled([startPrimaryAndReplicas(), startBackup()]);
    if (replicas.status === 'rejected') throw replicas.reason;
    if (backup.status === 'rejected') throw backup.reason;
    return new LocalPgCluster(dir, primary, replicas.value, backup.value);
  } catch (error) {
    await stopAndRemove(dir, nodes).catch(() => {});
    throw error;
  }
}

async function stopAndRemove(dir: string, nodes: readonly PgNode[]): Promise<void> {
  const results = await Promise.allSettled(nodes.map((node) => node.stop()));
  const failed = results.filter((result) => result.status === 'rejected');
  if (failed.length > 0) {
    // Keep the data dirs of servers that may still run; the exit cleanup retries them.
    throw new AggregateError(
      failed.map((result) => result.reason),
      `could not stop every node; left ${dir} in place`,
    );
  }
  await rm(dir, { recursive: true, force: true });
  exitCleanup.tempRootRemoved(dir);
}

class LocalPgCluster implements PgCluster {
  readonly dir: string;
  readonly primary: PgNode;
  readonly replicas: readonly PgNode[];
  readonly backup: PgNode | undefined;
  #stopping: Promise<void> | undefined;

  constructor(dir: string, primary: PgNode, replicas: readonly PgNode[], backup: PgNode | undefined) {
    this.dir = dir;
    this.primary = primary;
    this.replicas = Object.freeze([...replicas]);
    this.backup = backup;
  }

  async waitForReplication(): Promise<void> {
    const [row] = await this.primary.sql('SELECT pg_current_wal_lsn()::text AS lsn');
    const lsn = String(row?.lsn);
    const query = `SELECT pg_get_wal_replay_pause_state() <> 'not paused' AS paused,
      pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '${lsn}') >= 0 AS caught_up`;
    await Promise.all(
      this.replicas
        .filter((replica) => replica.running)
        .map((replica) =>
          waitUntil(
            async () => {
              const [state] = await replica.sql(query);
              return state?.paused === true || state?.caught_up === true;
            },
            { timeoutMs: REPLICATION_TIMEOUT_MS, description: `${replica.name} to replay up to ${lsn}` },
          ),
        ),
    );
  }

  stop(): Promise<void> {
    this.#stopping ??= stopAndRemove(this.dir, [...this.replicas, this.primary, this.backup].filter(isNode));
    return this.#stopping;
  }
}

function isNode(node: PgNode | undefined): node is PgNode {
  return node !== undefined;
}
