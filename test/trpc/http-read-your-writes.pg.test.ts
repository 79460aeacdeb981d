import { type PrimarySchema, relationalOptions, splitLayout } from '@multidb/example-app';
import { createDbRouter } from '@multidb/router';
import { migrate, openSplitClients } from '@multidb/split-schema';
import { pgPrerequisitesMissing, startPgCluster } from '@multidb/testing';
import { expect } from 'vitest';
import { describeHttpReadYourWrites } from './http-read-your-writes-suite.js';
import { readsServed } from './lagging-app.js';

// Real PostgreSQL 15: a primary and two streaming replicas whose WAL replay the suite pauses before every test
// (changes arrive, are not applied), so a read without the token really is stale.
describeHttpReadYourWrites('real PostgreSQL, 2 streaming replicas', async () => {
  expect(pgPrerequisitesMissing(), 'PostgreSQL server binaries are required').toEqual([]);
  const cluster = await startPgCluster({ replicas: 2 });
  try {
    const clients = await openSplitClients(splitLayout, {
      primaryUrl: cluster.primary.url,
      splitMode: false,
    });
    try {
      const report = await migrate(clients, { target: 'primary' });
      if (!report.ok) throw new Error(`migration failed: ${JSON.stringify(report.databases)}`);
    } finally {
      await clients.close();
    }
    await cluster.waitForReplication();
    const router = createDbRouter<PrimarySchema>({
      primary: cluster.primary.url,
      replicas: cluster.replicas.map((node, i) => ({ name: `replica-${i + 1}`, db: node.url })),
      ...relationalOptions('primary'),
      health: { background: false },
      // Only consistency tokens keep reads off the paused replicas.
      lag: { maxSeconds: Number.POSITIVE_INFINITY },
      connect: { max: 4, connectTimeout: 5 },
    });
    await router.checkHealth();
    return {
      router,
      pause: async () => {
        await Promise.all(cluster.replicas.map((node) => node.pauseReplay()));
      },
      async catchUp() {
        await Promise.all(cluster.replicas.map((node) => node.resumeReplay()));
        // A commit flushes all WAL inserted before it: a token (an insert LSN) is then below the write LSN
        // that waitForReplication waits for.
        await cluster.primary.sql('SELECT txid_current()');
        await cluster.waitForReplication();
        await router.checkHealth();
      },
      readsServed: () => readsServed(router),
      async close() {
        await router.close();
        await cluster.stop();
      },
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
});
