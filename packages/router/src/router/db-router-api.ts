import type { Intent } from '@multidb/config';
import type { PgTransactionConfig } from 'drizzle-orm/pg-core';
import type { InScope } from '../consistency/consistency-scope.js';
import type { HealthStatus } from '../health/health-status.js';
import type { RouterMetricsSnapshot } from '../metrics/router-metrics.js';
import type { LineTransaction } from '../routing/lines/types.js';
import type { RoutedDatabase } from '../routing/routed-database.js';

/** The `tx` of `withTransaction`: 0.45 `PgTransaction<PgQueryResultHKT, TSchema>`, 1.0 `PgAsyncTransaction`. */
export type RouterTransaction<TSchema extends Record<string, unknown>> = LineTransaction<TSchema>;

export interface ClientOptions {
  /** A consistency token from an earlier request: the read sees at least that write. */
  readonly token?: string | undefined;
}

/** What `createDbRouter` returns and what the lazily built `dbRouter` stands for. */
export interface DbRouter<TSchema extends Record<string, unknown> = Record<string, never>> {
  /** A real Drizzle database routing every query for `intent`. Cached per intent (unless a token is given). */
  getClient(intent: Intent, options?: ClientOptions): RoutedDatabase<TSchema>;
  /** A transaction on the primary. */
  withTransaction<T>(
    fn: (tx: RouterTransaction<TSchema>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T>;
  /**
   * Runs `fn` in a read-your-writes scope (AsyncLocalStorage): reads see at least `token`'s write, and after a
   * write in the scope, reads use the primary until `consistencyToken()` is taken. A token that cannot come from
   * a write (malformed, or ahead of the primary's position) is never an error: it is counted and ignored.
   */
  withConsistency<T>(token: string | undefined, fn: () => T): InScope<T>;
  /**
   * A token for "everything written so far": the primary's `pg_current_wal_insert_lsn()`, taken now (or the
   * scope's own token when nothing was written in it). Never rejects: if the primary cannot be asked, the
   * token carries the last position the router saw on the primary (which may miss a write made just before).
   */
  consistencyToken(): Promise<string>;
  /** The node a read of `intent` would use now (diagnostics; advances round-robin). */
  route(intent: Intent, options?: ClientOptions): string;
  /**
   * Resolves once every node has had its first health probe (`true`), or `false` after `timeoutMs` (default: two
   * probe timeouts). Await it before serving: until then a replica's lag is unknown. Reads made before it wait
   * for the first round themselves (bounded the same way), so a new router never floods the primary.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Runs a probe round now and returns the resulting status. */
  checkHealth(): Promise<HealthStatus>;
  getHealthStatus(): HealthStatus;
  getMetrics(): RouterMetricsSnapshot;
  /** Sends every read to the primary until `restore()`. */
  forceFailoverToPrimary(): void;
  restore(): void;
  /** The primary, bypassing routing. */
  readonly $primary: RoutedDatabase<TSchema>;
  /** Each replica and DR node, bypassing routing. */
  readonly $replicas: readonly RoutedDatabase<TSchema>[];
  readonly closed: boolean;
  /** Stops the probes and closes the nodes the router opened from URLs. Idempotent. */
  close(): Promise<void>;
}
