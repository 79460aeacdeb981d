import type { AnyPgDatabase, Clock, DbHandle, Logger, ReadIntent } from '@multidb/config';
import type { Cache } from 'drizzle-orm/cache/core';
import type { PositionSource } from '../lag/position-source.js';
import type { BalancingStrategy, Picker } from '../routing/balancer.js';
import type { NodeDatabase, TypesLine } from '../routing/lines/types.js';
import type { TelemetrySetting } from '../telemetry/telemetry-options.js';

/**
 * A node as the caller has it: a Drizzle database (any driver; its schema or relations type the router), a
 * `DbHandle`, or a URL the router opens (and closes). Anything else is refused at construction.
 */
export type NodeSource<TSchema extends Record<string, unknown> = Record<string, unknown>> =
  | NodeDatabase<TSchema>
  | DbHandle<TSchema>
  | string;

export interface NodeSpec<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  readonly name?: string;
  readonly db: NodeSource<TSchema>;
  /** Overrides the SQL probe (in-memory replicas, proxies that hide `pg_stat_wal_receiver`). */
  readonly positionSource?: PositionSource;
}

export interface ReplicaSpec extends NodeSpec<Record<string, unknown>> {
  readonly name: string;
  /** `dr` nodes serve reads only when nothing better is healthy. Default `replica`. */
  readonly role?: 'replica' | 'dr';
  /** Default: every read intent. */
  readonly intents?: readonly ReadIntent[];
  /** Share of reads under `weighted` balancing; default 1. */
  readonly weight?: number;
}

export interface HealthOptions {
  /** Background probe period; default 2000 ms. */
  readonly intervalMs?: number;
  /** A probe slower than this is a failure; default 1000 ms. */
  readonly timeoutMs?: number;
  /** N consecutive failures take a node down; default 2. */
  readonly failuresToDown?: number;
  /** M consecutive successful probes bring it back; default 2. */
  readonly successesToUp?: number;
  /** `false`: no background timer (call `checkHealth()` yourself). Default true. */
  readonly background?: boolean;
}

export interface LagOptions {
  /** Skip a replica more than this many WAL bytes behind. Default: no byte limit. */
  readonly maxBytes?: number;
  /** Skip a replica more than this many seconds behind; default 30. `Infinity` turns lag awareness off. */
  readonly maxSeconds?: number;
  /** When the primary is down, let replicas of unknown or excessive lag serve reads. Default true. */
  readonly staleReadsWhenPrimaryDown?: boolean;
}

/** The clients that can write on the primary: `getClient('write')`, `getClient('transactional')` (and so
 * `withTransaction`), and the `$primary` escape hatch. */
export type WriteClientKind = 'write' | 'transactional' | 'primary';

/**
 * Wraps each write client once, when the router is built: returns a database of the same type (e.g. an overlay
 * whose insert/update/delete/transaction also do something else). Read clients are never wrapped.
 */
export type WriteClientWrapper = <TDb extends AnyPgDatabase>(db: TDb, kind: WriteClientKind) => TDb;

export interface DbRouterOptions<TSchema extends Record<string, unknown> = Record<string, never>> {
  readonly primary: NodeSource<TSchema> | NodeSpec<TSchema>;
  readonly replicas?: readonly ReplicaSpec[];
  /**
   * drizzle-orm 0.45: the Drizzle schema for `db.query`; default: the primary database's own. Needed for URL
   * nodes. (1.0 has no `schema` option: use `relations`.)
   */
  readonly schema?: TypesLine extends '0.45' ? TSchema : never;
  /**
   * drizzle-orm 1.0: `defineRelations(schema, ...)` for relational queries v2 (`db.query.x.findMany({ where, with
   * })`); default: the primary database's own. Passed on to the nodes the router opens from URLs. Refused on 0.45.
   */
  readonly relations?: TypesLine extends '1.0' ? TSchema : object;
  readonly balancing?: BalancingStrategy | Picker;
  readonly health?: HealthOptions;
  readonly lag?: LagOptions;
  /** Time and timers for tests; what is left out comes from `systemClock`. */
  readonly clock?: Partial<Clock>;
  /** Where health transitions go (node down, up again, ...; see the README), redacted first. */
  readonly logger?: Logger;
  /** A Drizzle `Cache`: opt-in per query with `$withCache()`, invalidated by writes through the router. */
  readonly cache?: Cache;
  /** Column name casing, when the primary is a URL (otherwise the primary database's dialect is used). */
  readonly casing?: 'snake_case' | 'camelCase';
  /**
   * Applied once to each write client (see `WriteClientKind`), e.g. dual-write capture:
   * `wrapWriteClients: (db) => withBackup(db, { writer })` — share one writer, as this runs three times.
   */
  readonly wrapWriteClients?: WriteClientWrapper;
  /**
   * OpenTelemetry: spans per routed query and transaction, `db.client.operation.duration`, health transitions.
   * Default on when `@opentelemetry/api` is installed (a no-op until an SDK is registered); `false` turns it off;
   * an object picks providers or opts in to query text.
   */
  readonly telemetry?: TelemetrySetting;
  /**
   * Options for nodes the router opens from URLs. `closeTimeout`: seconds `close()` lets running queries finish
   * before it ends each node's connections (default 1; `connect()`'s own default is 5). A connection left hanging
   * by a node restart then holds `close()` for at most that long.
   */
  readonly connect?: {
    readonly max?: number;
    readonly connectTimeout?: number;
    readonly logger?: boolean;
    readonly closeTimeout?: number;
  };
}

export interface SettledHealthOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failuresToDown: number;
  readonly successesToUp: number;
  readonly background: boolean;
}

export interface SettledLagOptions {
  readonly maxBytes: number;
  readonly maxSeconds: number;
  readonly staleReadsWhenPrimaryDown: boolean;
}

/** Seconds `close()` waits for running queries on nodes the router opened from URLs. */
export const ROUTER_CLOSE_TIMEOUT_SECONDS = 1;
