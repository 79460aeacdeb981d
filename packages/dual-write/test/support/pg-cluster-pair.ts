import type { UrlDriver } from '@multidb/config';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll } from 'vitest';
import { type Pair, postgresPair } from './pair.js';

/**
 * One real primary + backup cluster per test file, started on first use; `stopCluster` in the file's afterAll.
 * Each `open()` makes a fresh pair of connections to it (postgres.js unless a driver is given).
 */
export function sharedCluster() {
  let cluster: Promise<PgCluster> | undefined;
  const get = () => {
    cluster ??= startPgCluster({ replicas: 0, backup: true });
    return cluster;
  };
  let migrated = false;
  return {
    cluster: get,
    async open(driver?: UrlDriver): Promise<Pair> {
      const c = await get();
      const backup = c.backup;
      if (backup === undefined) throw new Error('cluster started without a backup');
      const pair = await postgresPair(c.primary.url, backup.url, { migrate: !migrated, driver });
      migrated = true;
      return pair;
    },
    async stop(): Promise<void> {
      if (cluster) await (await cluster).stop();
    },
    /** One pair for the whole test file: opened before its tests, closed (and the cluster stopped) after. */
    openForFile(use: (pair: Pair) => void): void {
      let opened: Pair | undefined;
      beforeAll(async () => {
        opened = await this.open();
        use(opened);
      });
      afterAll(async () => {
        await opened?.close();
        await this.stop();
      });
    },
  };
}
