import { INTENTS, type Intent } from '@multidb/config';
import type { RouterNode } from '../nodes/router-node.js';

/** `direct`: queries on the `$primary` / `$replicas` escape hatches, which bypass routing. */
export type RouteKey = Intent | 'direct';
export const ROUTE_KEYS: readonly RouteKey[] = [...INTENTS, 'direct'];

export interface NodeMetrics {
  readonly role: RouterNode['role'];
  readonly queries: number;
  /** Queries that failed (any error). */
  readonly errors: number;
  /** Connection errors on real queries (each one also counts against the node's health). */
  readonly connectionErrors: number;
  /** Average over every query, ms. */
  readonly latencyAvgMs: number | null;
  /** Median over the last 1024 queries, ms. */
  readonly latencyP50Ms: number | null;
  /** 99th percentile over the last 1024 queries, ms. */
  readonly latencyP99Ms: number | null;
  readonly healthy: boolean;
  /** How many times the node was taken out of rotation. */
  readonly timesDown: number;
}

/** Plain data, ready for JSON or a Prometheus exposition. */
export interface RouterMetricsSnapshot {
  /** Queries routed, per intent (or `direct`) and node name. */
  readonly routed: Readonly<Record<RouteKey, Readonly<Record<string, number>>>>;
  /** Reads of an intent that has replicas but were served by the primary or a DR node. */
  readonly failovers: number;
  /** Reads retried once on another node after a connection error. */
  readonly retries: number;
  /** Writes refused on a read intent. */
  readonly refusedWrites: number;
  readonly consistency: {
    /** Reads that carried a required position (token, or a write earlier in the scope). */
    readonly constrainedReads: number;
    /**
     * Tokens that cannot come from a write: malformed, or ahead of the primary's own position. Each such read is
     * routed as if it carried no token.
     */
    readonly invalidTokens: number;
    /** Of those, well-formed tokens ahead of the primary (forged positions). */
    readonly tokensAhead: number;
    readonly tokensIssued: number;
  };
  readonly nodes: Readonly<Record<string, NodeMetrics>>;
  /** ISO time of the last completed health round; `null` before the first. */
  readonly lastHealthCheckAt: string | null;
  readonly forcedToPrimary: boolean;
  /** The configured replica lag limits (`lag` option); `null`: no limit. */
  readonly lagLimits: { readonly maxBytes: number | null; readonly maxSeconds: number | null };
}

const WINDOW = 1024;

class LatencyWindow {
  readonly samples = new Float64Array(WINDOW);
  count = 0;
  total = 0;
  errors = 0;
  connectionErrors = 0;

  add(ms: number): void {
    this.samples[this.count % WINDOW] = ms;
    this.count++;
    this.total += ms;
  }

  /** The p50 and p99 of the window, from one sort. */
  percentiles(): { p50: number | null; p99: number | null } {
    const n = Math.min(this.count, WINDOW);
    if (n === 0) return { p50: null, p99: null };
    const sorted = this.samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(n * q) - 1))] as number;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

/** Counters kept on the query path: array slots, no allocation per query. */
export class RouterMetrics {
  readonly #nodeCount: number;
  readonly #routed: Float64Array;
  readonly #latency: LatencyWindow[];
  failovers = 0;
  retries = 0;
  refusedWrites = 0;
  constrainedReads = 0;
  invalidTokens = 0;
  tokensAhead = 0;
  tokensIssued = 0;

  constructor(nodeCount: number) {
    this.#nodeCount = nodeCount;
    this.#routed = new Float64Array(ROUTE_KEYS.length * nodeCount);
    this.#latency = Array.from({ length: nodeCount }, () => new LatencyWindow());
  }

  routed(route: number, node: number): void {
    const slot = route * this.#nodeCount + node;
    this.#routed[slot] = (this.#routed[slot] as number) + 1;
  }

  finished(node: number, ms: number, failure: 'none' | 'error' | 'connection'): void {
    const window = this.#latency[node] as LatencyWindow;
    window.add(ms);
    if (failure !== 'none') window.errors++;
    if (failure === 'connection') window.connectionErrors++;
  }

  snapshot(
    nodes: readonly RouterNode[],
    lastHealthCheckAt: number | undefined,
    forced: boolean,
    lag: { readonly maxBytes: number; readonly maxSeconds: number },
  ): RouterMetricsSnapshot {
    const routed = {} as Record<RouteKey, Record<string, number>>;
    for (const [r, key] of ROUTE_KEYS.entries()) {
      routed[key] = {};
      for (const node of nodes)
        routed[key][node.name] = this.#routed[r * this.#nodeCount + node.index] as number;
    }
    const perNode: Record<string, NodeMetrics> = {};
    for (const node of nodes) {
      const window = this.#latency[node.index] as LatencyWindow;
      const { p50, p99 } = window.percentiles();
      perNode[node.name] = {
        role: node.role,
        queries: window.count,
        errors: window.errors,
        connectionErrors: window.connectionErrors,
        latencyAvgMs: window.count === 0 ? null : window.total / window.count,
        latencyP50Ms: p50,
        latencyP99Ms: p99,
        healthy: node.healthy,
        timesDown: node.health.downCount,
      };
    }
    return {
      routed,
      failovers: this.failovers,
      retries: this.retries,
      refusedWrites: this.refusedWrites,
      consistency: {
        constrainedReads: this.constrainedReads,
        invalidTokens: this.invalidTokens,
        tokensAhead: this.tokensAhead,
        tokensIssued: this.tokensIssued,
      },
      nodes: perNode,
      lastHealthCheckAt: lastHealthCheckAt === undefined ? null : new Date(lastHealthCheckAt).toISOString(),
      forcedToPrimary: forced,
      lagLimits: { maxBytes: finite(lag.maxBytes), maxSeconds: finite(lag.maxSeconds) },
    };
  }
}

const finite = (limit: number): number | null => (Number.isFinite(limit) ? limit : null);
