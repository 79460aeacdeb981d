import type { UrlDriver } from '@multidb/config';
import { type PgCluster, startPgCluster } from '@multidb/testing';
import { afterAll, beforeAll } from 'vitest';
import { nodePostgresPair, type Pair, postgresPair } from './pair.js';

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
    /**
     * A pair opened by `connect()` over postgres.js (default) or node-postgres (`'pg'`), or (`'own-pg'`) over the
     * application's own `drizzle(new pg.Pool(...))` databases, as a user builds them.
     */
    async open(driver?: UrlDriver | 'own-pg'): Promise<Pair> {
      const c = await get();
      const backup = c.backup;
      if (backup === undefined) throw new Error('cluster started without a backup');
      const pair =
        driver === 'own-pg'
          ? await nodePostgresPair(c.primary.url, backup.url, { migrate: !migrated })
          : await postgresPair(c.primary.url, backup.url, { migrate: !migrated, driver });
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
