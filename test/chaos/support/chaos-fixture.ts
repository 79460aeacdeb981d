import type { ReplicaSpec } from '@multidb/router';
import { afterAll, beforeAll } from 'vitest';
import { type ChaosApp, type ChaosAppOptions, startChaosApp } from './chaos-app.js';
import { type ChaosCluster, type ChaosClusterOptions, startChaosCluster } from './chaos-cluster.js';

export interface ChaosFixture {
  readonly cluster: ChaosCluster;
  readonly app: ChaosApp;
}

type AppOptions = Partial<ChaosAppOptions>;

/**
 * One cluster for the test file (beforeAll/afterAll), and with `app` an application instance over it. `app` may
 * name the replicas (`replicaSpecs`) and put something (a fault proxy) between the app and the backup.
 */
export function useChaosCluster(
  options: ChaosClusterOptions,
  app?: (cluster: ChaosCluster) => AppOptions | Promise<AppOptions>,
): ChaosFixture {
  let cluster: ChaosCluster | undefined;
  let started: ChaosApp | undefined;
  beforeAll(async () => {
    cluster = await startChaosCluster(options);
    if (app === undefined) return;
    const extra = await app(cluster);
    started = await startChaosApp({ primaryUrl: cluster.primaryUrl, backupUrl: cluster.backupUrl, ...extra });
  });
  afterAll(async () => {
    await started?.close();
    await cluster?.stop();
  });
  return {
    get cluster() {
      if (cluster === undefined) throw new Error('the cluster is started in beforeAll');
      return cluster;
    },
    get app() {
      if (started === undefined) throw new Error('no app: pass `app` to useChaosCluster');
      return started;
    },
  };
}

/** The cluster's replicas as router nodes named `names[i]`, with an optional role each. */
export function replicaSpecs(
  cluster: ChaosCluster,
  nodes: readonly { readonly name: string; readonly role?: 'replica' | 'dr' }[],
): ReplicaSpec[] {
  return nodes.map((node, i) => {
    const replica = cluster.pg.replicas[i];
    if (replica === undefined) throw new Error(`the cluster has no replica ${i}`);
    return { name: node.name, db: replica.url, role: node.role };
  });
}

/** Server port → node name (`primary`, then the replicas' names), to tell which node answered a query. */
export function nodesByPort(cluster: ChaosCluster, replicaNames: readonly string[]): Map<number, string> {
  const nodes = [cluster.pg.primary, ...cluster.pg.replicas];
  return new Map(
    nodes.map((node, i) => [node.port, i === 0 ? 'primary' : (replicaNames[i - 1] ?? node.name)]),
  );
}
