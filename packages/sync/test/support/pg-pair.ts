import { connect, type DbHandle } from '@multidb/config';
import { startPgCluster } from '@multidb/testing';

/** A real primary and an independent backup server, with single-connection handles (scripts use BEGIN). */
export interface PgPair {
  readonly primaryUrl: string;
  readonly backupUrl: string;
  readonly primary: DbHandle;
  readonly backup: DbHandle;
  /** `--source <primary> --target <backup>` for the CLI. */
  readonly urlFlags: string[];
  stop(): Promise<void>;
}

export async function startPgPair(password: string): Promise<PgPair> {
  const cluster = await startPgCluster({ replicas: 0, backup: true, password });
  const backupUrl = (cluster.backup as { url: string }).url;
  const primary = await connect(cluster.primary.url, { max: 1 });
  const backup = await connect(backupUrl, { max: 1 });
  return {
    primaryUrl: cluster.primary.url,
    backupUrl,
    primary,
    backup,
    urlFlags: ['--source', cluster.primary.url, '--target', backupUrl],
    async stop() {
      await Promise.allSettled([primary.close(), backup.close()]);
      await cluster.stop();
    },
  };
}
