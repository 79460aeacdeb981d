import type { ReadIntent } from '@multidb/config';
import type { ReplicationState } from '../lag/lag-tracker.js';
import type { NodeRole } from '../nodes/node-info.js';
import type { RouterNode } from '../nodes/router-node.js';

export interface NodeHealthStatus {
  readonly name: string;
  readonly role: NodeRole;
  /** Connection string without credentials, when the router knows it. */
  readonly url: string | null;
  readonly intents: readonly ReadIntent[];
  readonly weight: number;
  readonly healthy: boolean;
  /** Healthy and (replicas) within the lag limits: the node receives routed reads. */
  readonly inRotation: boolean;
  readonly inRecovery: boolean | null;
  readonly replication: ReplicationState;
  /** Probe round trip (moving average), ms. */
  readonly latencyMs: number | null;
  /** `null` when unknown: never reported as 0 when it cannot be measured. */
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
  /** Replay position (replicas) or insert position (primary) as an LSN (`16/B374D848`). */
  readonly position: string | null;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  /** Redacted. */
  readonly lastError: string | null;
  readonly lastCheckAt: string | null;
}

export interface HealthStatus {
  /** Time of the last completed probe round. */
  readonly checkedAt: string | null;
  /** The primary is healthy: writes can be served. */
  readonly writable: boolean;
  /** Some node is healthy: reads can be served. */
  readonly readable: boolean;
  readonly forcedToPrimary: boolean;
  readonly nodes: readonly NodeHealthStatus[];
}

export function formatLsn(position: bigint): string {
  return `${(position >> 32n).toString(16).toUpperCase()}/${(position & 0xffffffffn).toString(16).toUpperCase()}`;
}

export function healthStatus(
  nodes: readonly RouterNode[],
  checkedAt: number | undefined,
  forced: boolean,
): HealthStatus {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const statuses = nodes.map(
    (node): NodeHealthStatus => ({
      name: node.name,
      role: node.role,
      url: node.safeUrl ?? null,
      intents: node.intents,
      weight: node.weight,
      healthy: node.healthy,
      inRotation: node.healthy && (node.role === 'primary' || (node.lagOk && !forced)),
      inRecovery: node.inRecovery ?? null,
      replication: node.lag.state,
      latencyMs: node.latencyMs ?? null,
      lagBytes: node.lag.bytes,
      lagSeconds: node.lag.seconds,
      position: node.position === undefined ? null : formatLsn(node.position),
      consecutiveFailures: node.health.consecutiveFailures,
      consecutiveSuccesses: node.health.consecutiveSuccesses,
      lastError: node.health.lastError ?? null,
      lastCheckAt: iso(node.health.lastCheckAt),
    }),
  );
  return {
    checkedAt: iso(checkedAt),
    writable: nodes[0]?.healthy === true,
    readable: nodes.some((node) => node.healthy),
    forcedToPrimary: forced,
    nodes: statuses,
  };
}
