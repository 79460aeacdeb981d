import { randomBytes } from 'node:crypto';
import type { DbHandle } from '@multidb/config';
import { createDualWriter, type DualWriter } from '@multidb/dual-write';
import {
  createAppRouter,
  createTrpcFetchHandler,
  type PrimarySchema,
  primarySchema,
  relationalOptions,
} from '@multidb/example-app';
import { createDbRouter, createHealthHandler, type DbRouter } from '@multidb/router';
import { type PrometheusExposition, prometheusMetrics } from '@multidb/router/prometheus';
import { AppClient } from './app-client.js';
import type { DemoEnvironment } from './environment.js';

/** The application as a user wires it: one router, dual-write composed into its write clients, the tRPC API. */
export interface DemoApp {
  readonly router: DbRouter<PrimarySchema>;
  readonly writer: DualWriter;
  /** The reference tRPC API over its fetch handler (real `Request`/`Response` objects). */
  readonly api: AppClient;
  /** `GET /health` (router health; per-node detail behind a bearer token). */
  readonly health: (req: Request) => Promise<Response>;
  readonly healthToken: string;
  /** `GET /metrics` (Prometheus text). */
  readonly metrics: PrometheusExposition;
  close(): Promise<void>;
}

/** Probe often so a stopped replica leaves rotation (2 failed probes) and comes back (2 good ones) quickly. */
export const HEALTH = { intervalMs: 200, timeoutMs: 1000, failuresToDown: 2, successesToUp: 2 } as const;

/** Retry quickly while the backup is away: the demo should show the catch-up, not wait for it. */
const BACKUP_RETRY_DELAYS_MS = [50, 100, 250];

export async function startDemoApp(env: DemoEnvironment): Promise<DemoApp> {
  // The layout types each side by its tables and relations; the app's schema object also holds its enums and
  // pgSchemas. Same database, same tables: the router is typed with the app's schema.
  const primary = env.clients.primary as unknown as DbHandle<PrimarySchema>;
  // One writer for the router's write, transactional and $primary clients: one queue, one set of metrics.
  const writer = createDualWriter({
    backup: env.backup.handle.db,
    primary: primary.db,
    schema: primarySchema,
    retryDelaysMs: BACKUP_RETRY_DELAYS_MS,
  });
  const router = createDbRouter<PrimarySchema>({
    primary,
    replicas: env.replicas.map((r) => r.spec),
    ...relationalOptions('primary'),
    health: HEALTH,
    connect: { max: 4, connectTimeout: 2 },
    wrapWriteClients: (db) => writer.wrap(db),
  });
  await router.checkHealth();
  const healthToken = randomBytes(24).toString('base64url');
  const appRouter = createAppRouter(router);
  return {
    router,
    writer,
    api: new AppClient(createTrpcFetchHandler(appRouter)),
    health: createHealthHandler(router, { token: healthToken }),
    healthToken,
    metrics: prometheusMetrics(router),
    async close() {
      await writer.drain(5_000).catch(() => false);
      await router.close();
    },
  };
}
