import type { PGlite } from '@electric-sql/pglite';
import { connect, type DbHandle } from '@multidb/config';
import { type PrimarySchema, relationalOptions, splitLayout } from '@multidb/example-app';
import { createDbRouter, type DbRouter } from '@multidb/router';
import { migrate } from '@multidb/split-schema';
import { splitClientsFromPglite } from '@multidb/split-schema/pglite';
import { createLaggingReplica, type LaggingReplica } from '@multidb/testing';

export interface TrpcCluster {
  readonly primary: DbHandle<PrimarySchema>;
  /** Fed from the primary; pause it to make it lag. */
  readonly replica: LaggingReplica<PrimarySchema>;
  readonly router: DbRouter<PrimarySchema>;
  /** Queries of `intent` served by `node` so far (router metrics). */
  served(intent: 'read' | 'analytics' | 'background', node: 'primary' | 'replica'): number;
  close(): Promise<void>;
}

/**
 * The example app's PRIMARY database (config + customer schemas, migrated) on PGlite, one in-memory replica fed
 * from it, and a router over both. Lag limits are off: only consistency tokens keep reads off the lagging replica.
 */
export async function startTrpcCluster(): Promise<TrpcCluster> {
  const primary = await connect('pglite:memory', relationalOptions('primary'));
  if (primary.pglite === undefined) throw new Error('expected a PGlite primary');
  const pg = primary.pglite as PGlite;
  const report = await migrate(splitClientsFromPglite(splitLayout, { primary: pg }, { ownsClients: false }), {
    target: 'primary',
  });
  if (!report.ok) throw new Error(`migration failed: ${JSON.stringify(report.databases)}`);
  const replica = await createLaggingReplica(pg, { name: 'replica', ...relationalOptions('primary') });
  const router = createDbRouter<PrimarySchema>({
    primary,
    replicas: [{ name: 'replica', db: replica.db, positionSource: replica.positionSource }],
    health: { background: false },
    lag: { maxSeconds: Number.POSITIVE_INFINITY },
  });
  await router.checkHealth();
  return {
    primary,
    replica,
    router,
    served: (intent, node) => router.getMetrics().routed[intent][node] ?? 0,
    async close() {
      await router.close();
      await replica.close();
      await primary.close();
    },
  };
}
