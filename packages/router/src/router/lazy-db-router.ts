import { type ConfigOptions, type Intent, loadConfig, MultiDbError, type Topology } from '@multidb/config';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { InScope } from '../consistency/consistency-scope.js';
import type { HealthStatus } from '../health/health-status.js';
import type { RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import type { RoutedDatabase } from '../routing/routed-database.js';
import { createDbRouter } from './create-db-router.js';
import type { ClientOptions, DbRouter, RouterTransaction } from './db-router-api.js';
import type { DbRouterOptions } from './router-options.js';

export type RouterSettings<TSchema extends Record<string, unknown>> = Omit<
  DbRouterOptions<TSchema>,
  'primary' | 'replicas'
>;

/** Router options for a settled topology: the primary URL and every configured replica (DR included). */
export function routerOptionsFromTopology<TSchema extends Record<string, unknown> = Record<string, never>>(
  topology: Topology,
  settings: RouterSettings<TSchema> = {},
): DbRouterOptions<TSchema> {
  return {
    ...settings,
    connect: { logger: topology.logQueries, ...settings.connect },
    primary: { name: 'primary', db: topology.primaryUrl },
    replicas: topology.replicas.map((r) => ({
      name: r.name,
      db: r.url,
      role: r.role,
      intents: r.intents,
      weight: r.weight,
    })),
  };
}

/**
 * A router for the environment's topology (`loadConfig`: `DATABASE_URL`, `DATABASE_READ_REPLICA_*_URL`, ...).
 * Throws `MultiDbError` code `InvalidConfig` (with every issue, redacted) when the environment is wrong.
 */
export function createDbRouterFromEnv<TSchema extends Record<string, unknown> = Record<string, never>>(
  settings: RouterSettings<TSchema> & {
    readonly config?: ConfigOptions;
    readonly env?: Readonly<Record<string, string | undefined>>;
  } = {},
): DbRouter<TSchema> {
  const { config, env, ...routerSettings } = settings;
  const topology = loadConfig(config, env ?? process.env);
  if (topology.isErr()) {
    throw new MultiDbError('InvalidConfig', topology.error.message, {
      issues: topology.error.issues.map((i) => `${i.variable} ${i.reason}`).join('; '),
    });
  }
  return createDbRouter(routerOptionsFromTopology(topology.value, routerSettings));
}

/** A router built on first use (so importing it costs nothing and bad config fails where it is used). */
export function createLazyDbRouter<TSchema extends Record<string, unknown>>(
  build: () => DbRouter<TSchema>,
): DbRouter<TSchema> & { readonly built: boolean } {
  return new LazyDbRouter(build);
}

class LazyDbRouter<TSchema extends Record<string, unknown>> implements DbRouter<TSchema> {
  readonly #build: () => DbRouter<TSchema>;
  #router: DbRouter<TSchema> | undefined;

  constructor(build: () => DbRouter<TSchema>) {
    this.#build = build;
  }

  get built(): boolean {
    return this.#router !== undefined;
  }
  get closed(): boolean {
    return this.#router?.closed ?? false;
  }
  get $primary(): RoutedDatabase<TSchema> {
    return this.#get().$primary;
  }
  get $replicas(): readonly RoutedDatabase<TSchema>[] {
    return this.#get().$replicas;
  }
  getClient(intent: Intent, options?: ClientOptions): RoutedDatabase<TSchema> {
    return this.#get().getClient(intent, options);
  }
  withTransaction<T>(
    fn: (tx: RouterTransaction<TSchema>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T> {
    return this.#get().withTransaction(fn, config);
  }
  withConsistency<T>(token: string | undefined, fn: () => T): InScope<T> {
    return this.#get().withConsistency(token, fn);
  }
  consistencyToken(): Promise<string> {
    return this.#get().consistencyToken();
  }
  route(intent: Intent, options?: ClientOptions): string {
    return this.#get().route(intent, options);
  }
  ready(timeoutMs?: number): Promise<boolean> {
    return this.#get().ready(timeoutMs);
  }
  checkHealth(): Promise<HealthStatus> {
    return this.#get().checkHealth();
  }
  getHealthStatus(): HealthStatus {
    return this.#get().getHealthStatus();
  }
  getMetrics(): RouterMetricsSnapshot {
    return this.#get().getMetrics();
  }
  forceFailoverToPrimary(): void {
    this.#get().forceFailoverToPrimary();
  }
  restore(): void {
    this.#get().restore();
  }
  /** Closing a router that was never used builds nothing. */
  close(): Promise<void> {
    return this.#router?.close() ?? Promise.resolve();
  }

  #get(): DbRouter<TSchema> {
    this.#router ??= this.#build();
    return this.#router;
  }
}

/** The application-wide router of the environment's topology, built on first use (no schema types). */
export const dbRouter: DbRouter & { readonly built: boolean } = createLazyDbRouter(() =>
  createDbRouterFromEnv(),
);
