import { redactUrls } from '@multidb/config';
import {
  type BackupDetail,
  type BackupQueueSource,
  backupDetail,
  type ReplicationReading,
} from '../health/backup-status.js';
import {
  healthDetail,
  type NodeHealthDetail,
  type ServingStatus,
  servingStatus,
} from '../health/health-handler.js';
import { ROUTE_KEYS, type RouteKey } from '../metrics/router-metrics.js';
import type { DbRouter } from '../router/db-router-api.js';
import { type DriftReading, type DriftSource, driftReading } from './drift-status.js';

/** What the ops page reads from a router (any schema). */
export type OpsRouterSource = Pick<DbRouter, 'getMetrics' | 'getHealthStatus' | 'closed'>;

/** Where the page's data comes from. Every source is read once per request; one that throws is left out. */
export interface OpsSources {
  readonly router: OpsRouterSource;
  /** Dual-write writers by a name of your choosing (e.g. `backup`): their queues. */
  readonly writers?: Readonly<Record<string, BackupQueueSource>>;
  /** Logical replication to the backup (`ReplicationMonitor` of `@multidb/replicate`). */
  readonly replication?: { latest(): ReplicationReading | undefined };
  /** The last drift check (e.g. a `driftRecorder()`). */
  readonly drift?: DriftSource;
}

export interface OpsNode extends NodeHealthDetail {
  /** `up`: healthy and in rotation; `out`: healthy but out of rotation (lag); `down`: failing its checks. */
  readonly state: 'up' | 'out' | 'down';
  readonly queries: number;
  readonly errors: number;
  readonly timesDown: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

/** One point of the live history. */
export interface OpsSample {
  /** Unix ms. */
  readonly t: number;
  readonly nodes: Readonly<Record<string, { readonly state: OpsNode['state']; readonly queries: number }>>;
}

/** Everything the page shows, free of connection strings, passwords and query text. */
export interface OpsState {
  readonly at: string;
  readonly status: ServingStatus;
  readonly writable: boolean;
  readonly readable: boolean;
  readonly forcedToPrimary: boolean;
  readonly checkedAt: string | null;
  readonly lagLimits: { readonly maxBytes: number | null; readonly maxSeconds: number | null };
  readonly nodes: readonly OpsNode[];
  readonly routing: {
    readonly intents: readonly RouteKey[];
    readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly failovers: number;
    readonly retries: number;
    readonly refusedWrites: number;
  };
  readonly writers: readonly {
    readonly name: string;
    readonly queue: NonNullable<BackupDetail['queue']> | null;
  }[];
  /** `undefined` without a replication source; `null` before its first reading. */
  readonly replication?: BackupDetail['replication'];
  /** `undefined` without a drift source; `null` before the first check. */
  readonly drift?: DriftReading | null;
  readonly history: readonly OpsSample[];
}

/** A bounded history, sampled at most once per `everyMs` (sampling happens when the page or its JSON is read). */
export class OpsHistory {
  readonly #samples: OpsSample[] = [];
  constructor(
    readonly size: number,
    readonly everyMs: number,
  ) {}

  add(sample: OpsSample): void {
    const last = this.#samples.at(-1);
    if (last !== undefined && sample.t - last.t < this.everyMs * 0.9) return;
    this.#samples.push(sample);
    if (this.#samples.length > this.size) this.#samples.splice(0, this.#samples.length - this.size);
  }

  get samples(): readonly OpsSample[] {
    return this.#samples;
  }
}

function nodeState(node: NodeHealthDetail): OpsNode['state'] {
  if (!node.healthy) return 'down';
  return node.inRotation ? 'up' : 'out';
}

/** Reads every source once and records a history sample. */
export function readOpsState(sources: OpsSources, history: OpsHistory, now: number): OpsState {
  const health = sources.router.getHealthStatus();
  const metrics = sources.router.getMetrics();
  const status = sources.router.closed ? 'down' : servingStatus(health);
  const detail = healthDetail(health, status);
  const nodes = detail.nodes.map((node): OpsNode => {
    const m = metrics.nodes[node.name];
    return {
      ...node,
      state: nodeState(node),
      queries: m?.queries ?? 0,
      errors: m?.errors ?? 0,
      timesDown: m?.timesDown ?? 0,
      latencyP50Ms: m?.latencyP50Ms ?? null,
      latencyP99Ms: m?.latencyP99Ms ?? null,
    };
  });
  history.add({
    t: now,
    nodes: Object.fromEntries(nodes.map((n) => [n.name, { state: n.state, queries: n.queries }])),
  });
  const writers = Object.entries(sources.writers ?? {}).map(([name, writer]) => ({
    name,
    queue: backupDetail({ writer })?.queue ?? null,
  }));
  const replication =
    sources.replication === undefined
      ? undefined
      : backupDetail({ replication: sources.replication })?.replication;
  const drift = sources.drift === undefined ? undefined : (driftReading(sources.drift) ?? null);
  return {
    at: new Date(now).toISOString(),
    status,
    writable: detail.writable,
    readable: detail.readable,
    forcedToPrimary: detail.forcedToPrimary,
    checkedAt: detail.checkedAt,
    lagLimits: metrics.lagLimits,
    nodes,
    routing: {
      intents: ROUTE_KEYS,
      counts: metrics.routed,
      failovers: metrics.failovers,
      retries: metrics.retries,
      refusedWrites: metrics.refusedWrites,
    },
    writers,
    ...(replication === undefined
      ? {}
      : {
          replication:
            replication === null ? null : { ...replication, warnings: replication.warnings.map(redactUrls) },
        }),
    ...(drift === undefined ? {} : { drift }),
    history: history.samples,
  };
}
