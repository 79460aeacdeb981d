import {
  type Clock,
  INTENTS,
  type Intent,
  MultiDbError,
  redactingLogger,
  settleClock,
  silentLogger,
  urlDriver,
} from '@multidb/config';
import type { Cache } from 'drizzle-orm/cache/core';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
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
import { type AnyDialect, lineKit } from '../routing/lines/index.js';
import type { QueryRoute } from '../routing/query-route.js';
import { RouterQueryRunner } from '../routing/query-runner.js';
import { RoutePlanner } from '../routing/route-planner.js';
import type { RoutedDatabase } from '../routing/routed-database.js';
import { RouterTelemetry } from '../telemetry/router-telemetry.js';
import type { ClientOptions, DbRouter, RouterTransaction } from './db-router-api.js';
import {
  type DbRouterOptions,
  ROUTER_CLOSE_TIMEOUT_SECONDS,
  type SettledLagOptions,
  type WriteClientWrapper,
} from './router-options.js';
import { type SettledNode, settleOptions } from './settle-options.js';
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
  readonly #dialect: AnyDialect;
  /** The relational config of every client: 0.45 schema config, 1.0 relations. */
  readonly #relational: unknown;
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
      relations: options.relations,
      postgres: { backoff: (retries: number) => Math.min(0.05 * 2 ** retries, maxBackoff) },
    };
    this.#nodes = settled.nodes.map((node, i) => new RouterNode(node, i, settled.health, connectOptions));
    const kit = lineKit();
    const primaryDb = (this.#nodes[0] as RouterNode).openDatabase;
    const driver = urlDriverOrDefault();
    const codecs = nodeCodecs(this.#nodes, settled.nodes, driver);
    this.#dialect = kit.dialect(primaryDb, { casing: options.casing, codecs: codecs[0] });
    this.#relational = kit.relational(
      { schema: options.schema as Record<string, unknown> | undefined, relations: options.relations },
      primaryDb,
    );
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
    // `RoutedDatabase<TSchema>` is the installed line's database type, opaque while `TSchema` is generic.
    const client = this.getClient('transactional') as unknown as {
      transaction(fn: (tx: never) => Promise<T>, config?: PgTransactionConfig): Promise<T>;
    };
    return client.transaction(fn as (tx: never) => Promise<T>, config);
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
    const db = lineKit().database(
      this.#dialect,
      { runner: this.#runner, route, cache: this.#cache },
      this.#relational,
      {
        intent: route.intent,
        node: route.pinned?.name,
        driverSource: () => (route.pinned ?? (this.#nodes[0] as RouterNode)).openDatabase,
        hatches: { primary: () => this.$primary, replicas: () => this.$replicas },
      },
    ) as unknown as RoutedDatabase<TSchema>;
    if (this.#cache !== undefined) {
      const cache = this.#cache;
      // `db.$cache.invalidate({ tables })` reaches the shared cache, as on a single Drizzle database.
      (db as { $cache: unknown }).$cache = {
        invalidate: (params: Parameters<Cache['onMutate']>[0]) => cache.onMutate(params),
      };
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

/**
 * Each node's driver codecs (drizzle-orm 1.0: how the driver's values are cast and decoded; `undefined` on 0.45).
 * The router builds every query with the primary's dialect, so a node whose driver decodes differently (PGlite
 * next to node-postgres, postgres.js next to node-postgres, a custom `codecs` option) would get SQL and row
 * mappers made for another driver. Databases given open are compared now (a mix is refused, naming the nodes);
 * a node opened from a URL is compared when it is opened, before its first routed query.
 */
function nodeCodecs(
  nodes: readonly RouterNode[],
  settled: readonly SettledNode[],
  driver: string,
): readonly unknown[] {
  const kit = lineKit();
  const primaryNode = nodes[0] as RouterNode;
  const codecs = nodes.map((node, i) => {
    const db = node.openDatabase;
    if (db !== undefined) return kit.codecsOf(db);
    const source = (settled[i] as SettledNode).source;
    return typeof source === 'string' ? kit.urlCodecs(source, driver) : undefined;
  });
  const primary = codecs[0];
  if (primary === undefined) return codecs;
  const mixed = nodes.filter(
    (node, i) => node.openDatabase !== undefined && codecs[i] !== undefined && codecs[i] !== primary,
  );
  if (mixed.length > 0) throw mixedDrivers(mixed, primaryNode);
  for (const node of nodes.slice(1)) {
    if (node.openDatabase !== undefined) continue;
    node.checkRoutable((db) => {
      const own = kit.codecsOf(db);
      if (own !== undefined && own !== primary) throw mixedDrivers([node], primaryNode);
    });
  }
  return codecs;
}

function mixedDrivers(mixed: readonly RouterNode[], primary: RouterNode): MultiDbError {
  return new MultiDbError(
    'InvalidRouterConfig',
    `every node must use the driver (and codecs) of the primary: drizzle-orm 1.0 encodes and decodes values per driver, and the router builds each query for the primary's driver; ${mixed.map((n) => `${n.role} '${n.name}'`).join(', ')} ${mixed.length === 1 ? 'uses' : 'use'} another driver or other codecs than primary '${primary.name}' (for URL nodes, MULTIDB_DRIVER picks the postgres:// driver)`,
    { nodes: mixed.map((n) => n.name).join(','), primary: primary.name },
  );
}

/** The driver `connect()` will use for `postgres://` URLs (an invalid `MULTIDB_DRIVER` fails there, on open). */
function urlDriverOrDefault(): string {
  try {
    return urlDriver(undefined);
  } catch {
    return 'postgres';
  }
}
