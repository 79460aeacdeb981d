import type { ReadIntent } from '@multidb/config';

export type NodeRole = 'primary' | 'replica' | 'dr';

/** What routing (and a custom picker) may know about a node. Plain, read-only data. */
export interface NodeInfo {
  readonly name: string;
  readonly role: NodeRole;
  /** Position in the router's node list (the primary is 0). */
  readonly index: number;
  /** Read intents the node serves (the primary serves every intent). */
  readonly intents: readonly ReadIntent[];
  readonly weight: number;
  readonly healthy: boolean;
  /** Probe round-trip time (moving average), in ms; `undefined` before the first probe. */
  readonly latencyMs: number | undefined;
  /** `null` when unknown (no sample yet, receiver disconnected, primary unreachable). */
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
}
