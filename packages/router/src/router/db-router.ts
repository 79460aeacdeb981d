import {
  type AnyPgDatabase,
  type Clock,
  INTENTS,
  type Intent,
  MultiDbError,
  redactingLogger,
  settleClock,
  silentLogger,
} from '@multidb/config';
import { is } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import { PgDialect, type PgTransactionConfig } from 'drizzle-orm/pg-core';
import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  type RelationalSchemaConfig,
  type TablesRelationalConfig,
} from 'drizzle-orm/relations';
import { ConsistencyScopes, type InScope } from '../consistency/consistency-scope.js';
import {
  decodeConsistencyToken,
  encodeConsistencyToken,
  requiredPosition,
} from '../consistency/consistency-token.js';
import { PrimaryPosition } from '../consistency/primary-position.js';
import { HealthLog } from '../health/health-log.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { type HealthStatus, healthStatus } from '../health/health-status.js';
import { RouterMetrics, type RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import { RouterNode } from '../nodes/router-node.js';
import { createBalancer } from '../routing/balancer.js';
import type { QueryRoute } from '../routing/query-route.js';
import { RouterQueryRunner } from '../routing/query-runner.js';
import { RoutePlanner } from '../routing/route-planner.js';
import { RoutedDatabase } from '../routing/routed-database.js';
import { RoutingSession } from '../routing/routing-session.js';
import { RouterTelemetry } from '../telemetry/router-telemetry.js';
import type { ClientOptions, DbRouter, RouterTransaction } from './db-router-api.js';
import {
  type DbRouterOptions,
  ROUTER_CLOSE_TIMEOUT_SECONDS,
  type SettledLagOptions,
  type WriteClientWrapper,
} from './router-options.js';
import { settleOptions } from './settle-options.js';
import { wrapWriteClient } from './write-clients.js';

export class MultiDbRouter<TSchema extends Record<string, unknown> = Record<string, never>>
  implements DbRouter<TSchema>
{
  readonly #nodes: readonly RouterNode[];
  readonly #lag: SettledLagOptions;
  readonly #readyTimeoutMs: number;
  readonly #clock: Clock;
  readonly #healthLog: HealthLog;
  readonly #planner: RoutePlanner;
  readonly #metrics: RouterMetrics;
  readonly #scopes = new ConsistencyScopes();
  readonly #runner: RouterQueryRunner;
  readonly #monitor: HealthMonitor;
  readonly #primaryPosition: PrimaryPosition;
  readonly #dialect: PgDialect;
  readonly #schema: RelationalSchemaConfig<TablesRelationalConfig> | undefined;
  readonly #cache: Cache | undefined;
  readonly #wrapWrites: WriteClientWrapper | undefined;
  readonly #clients = new Map<Intent, RoutedDatabase<TSchema>>();
  #pinned: RoutedDatabase<TSchema>[] | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: DbRouterOptions<TSchema>) {
    const settled = settleOptions(options);
    this.#lag = settled.lag;
    // A round probes the primary, then the replicas: two probe timeouts bound it.
    this.#readyTimeoutMs = 2 * settled.health.timeoutMs + 100;
    this.#clock = settleClock(options.clock);
    const telemetry = RouterTelemetry.create(options.telemetry);
    this.#healthLog = new HealthLog(redactingLogger(options.logger ?? silentLogger), telemetry);
    this.#cache = options.cache;
    this.#wrapWrites = options.wrapWriteClients;
    // postgres.js backs off reconnects up to 20 s after an outage: a node back in rotation would hang reads.
    const maxBackoff = settled.health.intervalMs / 1000;
    const connectOptions = {
      ...options.connect,
      closeTimeout: options.connect?.closeTimeout ?? ROUTER_CLOSE_TIMEOUT_SECONDS,
      schema: options.schema as Record<string, unknown> | undefined,
      postgres: { backoff: (retries: number) => Math.min(0.05 * 2 ** retries, maxBackoff) },
    };
    this.#nodes = settled.nodes.map((node, i) => new RouterNode(node, i, settled.health, connectOptions));
    const primaryDb = (this.#nodes[0] as RouterNode).openDatabase;
    this.#dialect = primaryDb ? dialectOf(primaryDb) : new PgDialect({ casing: options.casing });
    this.#schema = schemaConfig(options.schema, primaryDb);
    this.#planner = new RoutePlanner(
      this.#nodes,
      createBalancer(options.balancing),
      this.#lag.staleReadsWhenPrimaryDown,
    );
    this.#metrics = new RouterMetrics(this.#nodes.length);
    const primaryNode = this.#nodes[0] as RouterNode;
    this.#primaryPosition = new PrimaryPosition(() => primaryNode.positionSource, this.#clock);
    const onChange = () => {
      this.#primaryPosition.seen(primaryNode.position);
      this.#updateLagEligibility();
      this.#planner.invalidate();
    };
    this.#runner = new RouterQueryRunner({
      planner: this.#planner,
      metrics: this.#metrics,
      scopes: this.#scopes,
      clock: this.#clock,
      closed: () => this.closed,
      onHealthChange: onChange,
      healthLog: this.#healthLog,
      warming: () => this.#monitor?.warming,
      primaryPosition: this.#primaryPosition,
      telemetry,
    });
    this.#updateLagEligibility();
    // Write clients are built (and wrapped) once, now: a wrapper that fails does so before any probe starts.
    for (const intent of ['write', 'transactional'] as const) {
      const client = this.#client({ intent, pinned: undefined, required: undefined, invalidToken: false });
      this.#clients.set(intent, wrapWriteClient(client, intent, this.#wrapWrites));
    }
    this.#pinnedClients();
    this.#monitor = new HealthMonitor(this.#nodes, settled.health, this.#clock, this.#healthLog, onChange);
    this.#monitor.start();
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  getClient(intent: Intent, options?: ClientOptions): RoutedDatabase<TSchema> {
    if (!INTENTS.includes(intent))
      throw new MultiDbError(
        'UnknownIntent',
        `unknown intent ${JSON.stringify(String(intent).slice(0, 40))}`,
        {
          intents: INTENTS.join(','),
        },
      );
    if (options?.token !== undefined) {
      const decoded = decodeConsistencyToken(options.token);
      if (decoded.type === 'invalid') this.#metrics.invalidTokens++;
      // Writes go to the primary whatever the token says: the one (wrapped) write client serves them.
      if (intent === 'write' || intent === 'transactional')
        return this.#clients.get(intent) as RoutedDatabase<TSchema>;
      return this.#client({
        intent,
        pinned: undefined,
        required: requiredPosition(decoded),
        invalidToken: decoded.type === 'invalid',
      });
    }
    let client = this.#clients.get(intent);
    if (client === undefined) {
      client = this.#client({ intent, pinned: undefined, required: undefined, invalidToken: false });
      this.#clients.set(intent, client);
    }
    return client;
  }

  withTransaction<T>(
    fn: (tx: RouterTransaction<TSchema>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T> {
    return this.getClient('transactional').transaction(fn, config);
  }

  withConsistency<T>(token: string | undefined, fn: () => T): InScope<T> {
    if (decodeConsistencyToken(token).type === 'invalid') this.#metrics.invalidTokens++;
    return this.#scopes.run(token, fn);
  }

  async consistencyToken(): Promise<string> {
    const scope = this.#scopes.current();
    if (scope !== undefined && !scope.wrote && scope.required !== undefined && !scope.invalidToken)
      return encodeConsistencyToken(scope.required);
    const writes = scope?.writes;
    const quiet = scope?.pendingWrites === 0;
    let position: bigint;
    try {
      const sample = await (this.#nodes[0] as RouterNode).positionSource.sample();
      // Not a primary any more, or not answering (it is going away): the last position seen on it. A "read from
      // the primary" marker would be a token any client could forge to push its reads onto the primary.
      if (sample.role !== 'primary') return encodeConsistencyToken(this.#primaryPosition.high);
      position = sample.insertPosition;
    } catch {
      return encodeConsistencyToken(this.#primaryPosition.high);
    }
    if (scope !== undefined && quiet && scope.writes === writes) {
      scope.wrote = false;
      scope.required = position;
    }
    this.#primaryPosition.seen(position);
    this.#metrics.tokensIssued++;
    return encodeConsistencyToken(position);
  }

  route(intent: Intent, options?: ClientOptions): string {
    if (intent !== 'read' && intent !== 'analytics' && intent !== 'background')
      return this.#planner.primary.name;
    const required =
      options?.token === undefined ? undefined : requiredPosition(decodeConsistencyToken(options.token));
    const route: QueryRoute = { intent, pinned: undefined, required, invalidToken: false };
    return this.#runner.choose(intent, route).name;
  }

  ready(timeoutMs?: number): Promise<boolean> {
    return this.#monitor.ready(timeoutMs ?? this.#readyTimeoutMs);
  }

  async checkHealth(): Promise<HealthStatus> {
    await this.#monitor.checkNow();
    return this.getHealthStatus();
  }

  getHealthStatus(): HealthStatus {
    return healthStatus(this.#nodes, this.#monitor.lastRoundAt, this.#planner.forced);
  }

  getMetrics(): RouterMetricsSnapshot {
    return this.#metrics.snapshot(this.#nodes, this.#monitor.lastRoundAt, this.#planner.forced, this.#lag);
  }

  forceFailoverToPrimary(): void {
    this.#planner.setForced(true);
  }

  restore(): void {
    this.#planner.setForced(false);
  }

  get $primary(): RoutedDatabase<TSchema> {
    return this.#pinnedClients()[0] as RoutedDatabase<TSchema>;
  }

  get $replicas(): readonly RoutedDatabase<TSchema>[] {
    return this.#pinnedClients().slice(1);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#monitor.stop();
      await Promise.all(this.#nodes.map((node) => node.close()));
    })();
    return this.#closing;
  }

  #pinnedClients(): RoutedDatabase<TSchema>[] {
    this.#pinned ??= this.#nodes.map((node, i) => {
      const client = this.#client({
        intent: undefined,
        pinned: node,
        required: undefined,
        invalidToken: false,
      });
      return i === 0 ? wrapWriteClient(client, 'primary', this.#wrapWrites) : client;
    });
    return this.#pinned;
  }

  #client(route: QueryRoute): RoutedDatabase<TSchema> {
    const session = new RoutingSession(this.#dialect, this.#runner, route, this.#cache);
    const db = new RoutedDatabase<TSchema>(
      this.#dialect,
      session as never,
      this.#schema as never,
      {
        intent: route.intent,
        node: route.pinned?.name,
        driverSource: () => (route.pinned ?? (this.#nodes[0] as RouterNode)).openDatabase,
      },
      { primary: () => this.$primary, replicas: () => this.$replicas },
    );
    if (this.#cache !== undefined) {
      const cache = this.#cache;
      db.$cache = { invalidate: (params) => cache.onMutate(params) };
    }
    return db;
  }

  #updateLagEligibility(): void {
    const { maxBytes, maxSeconds } = this.#lag;
    const aware = maxBytes !== Number.POSITIVE_INFINITY || maxSeconds !== Number.POSITIVE_INFINITY;
    for (const node of this.#nodes) {
      const { state, bytes, seconds } = node.lag;
      node.lagOk =
        node.role === 'primary' ||
        !aware ||
        // A receiver that is reconnecting (the primary restarted) still serves plain reads while its replay
        // position, measured against the primary's current one, is within the limits; tokens still decide
        // read-your-writes.
        ((state === 'streaming' || state === 'disconnected') &&
          bytes !== null &&
          seconds !== null &&
          bytes <= maxBytes &&
          seconds <= maxSeconds);
      this.#healthLog.lag(node);
    }
  }
}

function dialectOf(db: AnyPgDatabase): PgDialect {
  const dialect = (db as unknown as { dialect?: unknown }).dialect;
  return is(dialect, PgDialect) ? dialect : new PgDialect();
}

function schemaConfig(
  schema: Record<string, unknown> | undefined,
  primary: AnyPgDatabase | undefined,
): RelationalSchemaConfig<TablesRelationalConfig> | undefined {
  if (schema !== undefined) {
    const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    return { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  if (primary?._.schema === undefined) return undefined;
  return {
    fullSchema: primary._.fullSchema,
    schema: primary._.schema,
    tableNamesMap: primary._.tableNamesMap,
  };
}
