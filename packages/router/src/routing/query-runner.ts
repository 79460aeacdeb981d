import {
  type Clock,
  describeError,
  type Intent,
  innermostErrorCode,
  MultiDbError,
  type ReadIntent,
} from '@multidb/config';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { ConsistencyScopes } from '../consistency/consistency-scope.js';
import { PRIMARY_ONLY } from '../consistency/consistency-token.js';
import type { PrimaryPosition } from '../consistency/primary-position.js';
import type { HealthLog } from '../health/health-log.js';
import { ROUTE_KEYS, type RouteKey, type RouterMetrics } from '../metrics/router-metrics.js';
import type { RouterNode } from '../nodes/router-node.js';
import type { StatementClass } from '../sql/sql-classifier.js';
import type { StatementInfo } from '../telemetry/db-attributes.js';
import type { OperationTrace, RouterTelemetry } from '../telemetry/router-telemetry.js';
import { isConnectionError, isRetryableRead } from './connection-errors.js';
import type { AnySession, AnyTransaction, QueryRoute, QueryRunner } from './query-route.js';
import type { RoutePlanner } from './route-planner.js';

const ROUTE_INDEX = Object.fromEntries(ROUTE_KEYS.map((key, i) => [key, i])) as Record<RouteKey, number>;

export interface RunnerDeps {
  readonly planner: RoutePlanner;
  readonly metrics: RouterMetrics;
  readonly scopes: ConsistencyScopes;
  readonly clock: Clock;
  readonly closed: () => boolean;
  /** A node changed health because of a real query. */
  readonly onHealthChange: () => void;
  readonly healthLog: HealthLog;
  /** While the first probe round runs: reads wait for it (replicas have no known lag before it). */
  readonly warming: () => Promise<void> | undefined;
  /** What the primary has reached: tokens ahead of it are forged. */
  readonly primaryPosition: PrimaryPosition;
  /** OpenTelemetry spans and metrics; `undefined` when off (or `@opentelemetry/api` is not installed). */
  readonly telemetry: RouterTelemetry | undefined;
}

/**
 * The query path: writes and transactions on the primary, reads through the planner with one retry on the
 * next candidate after a connection error, writes refused on read intents, passive health signals, metrics,
 * and the read-your-writes bookkeeping of the current consistency scope.
 */
export class RouterQueryRunner implements QueryRunner {
  readonly #d: RunnerDeps;

  constructor(deps: RunnerDeps) {
    this.#d = deps;
  }

  /** Not `async` itself: without telemetry the query path is exactly `#run` (no extra promise). */
  run<T>(
    route: QueryRoute,
    kind: StatementClass,
    exec: (session: AnySession) => Promise<T>,
    statement?: StatementInfo,
  ): Promise<T> {
    const telemetry = this.#d.telemetry;
    if (telemetry === undefined) return this.#run(route, kind, exec, undefined);
    const trace = telemetry.query(route.intent ?? 'direct', statement);
    return trace.run(() => this.#run(route, kind, exec, trace));
  }

  async #run<T>(
    route: QueryRoute,
    kind: StatementClass,
    exec: (session: AnySession) => Promise<T>,
    trace: OperationTrace | undefined,
  ): Promise<T> {
    this.#assertOpen();
    if (route.pinned !== undefined)
      return this.#exec(route.pinned, ROUTE_INDEX.direct, exec, kind !== 'read', trace);
    const intent = route.intent as Intent;
    const primary = this.#d.planner.primary;
    if (intent === 'write' || intent === 'transactional')
      return this.#exec(primary, ROUTE_INDEX[intent], exec, kind !== 'read', trace);
    if (kind === 'write') {
      this.#d.metrics.refusedWrites++;
      throw new MultiDbError(
        'WriteOnReadIntent',
        `a '${intent}' client refuses inserts, updates, deletes and DDL: use getClient('write')`,
        { intent },
      );
    }
    // Not provably a plain read (locking read, sequence, session state): primary, and it may have written.
    if (kind === 'primary') return this.#exec(primary, ROUTE_INDEX[intent], exec, true, trace);
    return this.#read(intent, route, exec, trace);
  }

  async transaction<T>(
    route: QueryRoute,
    fn: (tx: AnyTransaction) => Promise<T>,
    config: PgTransactionConfig | undefined,
  ): Promise<T> {
    this.#assertOpen();
    const node = route.pinned ?? this.#d.planner.primary;
    const key: RouteKey = route.pinned === undefined ? (route.intent as Intent) : 'direct';
    // A transaction of a read intent runs on the primary in READ ONLY mode: Postgres refuses its writes.
    const readOnly = key === 'read' || key === 'analytics' || key === 'background';
    const settled: PgTransactionConfig | undefined = readOnly
      ? { ...config, accessMode: 'read only' }
      : config;
    const run = (trace: OperationTrace | undefined) =>
      this.#exec(node, ROUTE_INDEX[key], (session) => session.transaction(fn, settled), !readOnly, trace);
    const telemetry = this.#d.telemetry;
    if (telemetry === undefined) return run(undefined);
    const trace = telemetry.transaction(key);
    return trace.run(() => run(trace));
  }

  /** The node a read would use now (no metrics, no retry): for diagnostics and benchmarks. */
  choose(intent: ReadIntent, route: QueryRoute): RouterNode {
    return this.#d.planner.pick(intent, this.#required(route));
  }

  async #read<T>(
    intent: ReadIntent,
    route: QueryRoute,
    exec: (session: AnySession) => Promise<T>,
    trace: OperationTrace | undefined,
  ): Promise<T> {
    const { planner, metrics } = this.#d;
    const warming = this.#d.warming();
    if (warming !== undefined) await warming;
    let required = this.#required(route);
    if (required !== undefined && required !== PRIMARY_ONLY && required > this.#d.primaryPosition.high)
      required = await this.#verified(required);
    const node = planner.pick(intent, required);
    if (required !== undefined) metrics.constrainedReads++;
    else if (planner.isFailover(intent, node)) metrics.failovers++;
    trace?.consistency(required === undefined ? 'none' : required === PRIMARY_ONLY ? 'primary' : 'token');
    try {
      return await this.#exec(node, ROUTE_INDEX[intent], exec, false, trace);
    } catch (error) {
      if (!isRetryableRead(error, node.role !== 'primary')) throw error;
      const next = planner.alternative(intent, required, node);
      if (next === undefined) throw error;
      metrics.retries++;
      trace?.retry(node, error);
      return this.#exec(next, ROUTE_INDEX[intent], exec, false, trace);
    }
  }

  /**
   * `required`, unless it is ahead of anything the primary has written: such a token cannot come from a write,
   * so the read is routed as if it had none (counted), never sent to the primary on the forger's behalf.
   */
  async #verified(required: bigint): Promise<bigint | undefined> {
    if (await this.#d.primaryPosition.reached(required)) return required;
    this.#d.metrics.tokensAhead++;
    this.#d.metrics.invalidTokens++;
    const scope = this.#d.scopes.current();
    if (scope !== undefined && scope.required === required) scope.required = undefined;
    return undefined;
  }

  /** The position a read must see: explicit token, scope token, or the primary after a write in the scope. */
  #required(route: QueryRoute): bigint | undefined {
    const scope = this.#d.scopes.current();
    if (scope === undefined) return route.required;
    if (scope.wrote) return PRIMARY_ONLY;
    const fromScope = scope.required;
    if (fromScope === undefined) return route.required;
    return route.required === undefined || fromScope > route.required ? fromScope : route.required;
  }

  async #exec<T>(
    node: RouterNode,
    routeIndex: number,
    exec: (session: AnySession) => Promise<T>,
    write: boolean,
    trace: OperationTrace | undefined,
  ): Promise<T> {
    const { metrics, clock } = this.#d;
    trace?.attempt(node);
    const scope = write ? this.#d.scopes.current() : undefined;
    if (scope !== undefined) {
      scope.wrote = true;
      scope.writes++;
      scope.pendingWrites++;
    }
    metrics.routed(routeIndex, node.index);
    const start = clock.now();
    try {
      const db = node.openDatabase ?? (await node.database());
      node.assertRoutable(db);
      const result = await exec(db._.session as unknown as AnySession);
      metrics.finished(node.index, clock.now() - start, 'none');
      node.health.recordQuerySuccess();
      return result;
    } catch (error) {
      const connection = isConnectionError(error);
      metrics.finished(node.index, clock.now() - start, connection ? 'connection' : 'error');
      if (connection && node.health.recordFailure(clock.now(), error, false)) {
        this.#d.healthLog.down(node, 'query');
        this.#d.onHealthChange();
      }
      if (connection && write && node.role === 'primary') throw primaryUnavailable(node, error);
      throw error;
    } finally {
      if (scope !== undefined) scope.pendingWrites--;
    }
  }

  #assertOpen(): void {
    if (this.#d.closed()) throw new MultiDbError('RouterClosed', 'the database router is closed');
  }
}

/**
 * A write (or transaction) that failed because the primary cannot be reached: one typed error for every driver
 * code (refused, reset, timed out, shutting down), the driver's error kept as `cause`. Not retried: if the
 * connection broke mid-statement, whether the write was applied is unknown.
 */
function primaryUnavailable(node: RouterNode, error: unknown): MultiDbError {
  return new MultiDbError(
    'PrimaryUnavailable',
    `the primary (${node.name}) cannot be reached; the write was not retried (if the connection broke mid-statement its outcome is unknown): ${describeError(error)}`,
    { node: node.name, driverCode: innermostErrorCode(error) },
    { cause: error },
  );
}
