import type { ReadIntent } from '@multidb/config';
import type { NodeInfo } from '../nodes/node-info.js';

export type BalancingStrategy = 'round-robin' | 'weighted' | 'least-latency';

export interface PickContext {
  readonly intent: ReadIntent;
}

/** A custom picker, like the `getReplica` of Drizzle's `withReplicas`: return one of the candidates. */
export type Picker = (candidates: readonly NodeInfo[], context: PickContext) => NodeInfo | undefined;

/** Chooses one of several eligible nodes of the same tier; returns its index in `candidates` (never empty). */
export interface Balancer {
  pick(candidates: readonly NodeInfo[], intent: ReadIntent): number;
}

export function createBalancer(strategy: BalancingStrategy | Picker = 'round-robin'): Balancer {
  if (typeof strategy === 'function') return new CustomBalancer(strategy);
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinBalancer();
    case 'weighted':
      return new WeightedBalancer();
    case 'least-latency':
      return new LeastLatencyBalancer();
  }
}

class RoundRobinBalancer implements Balancer {
  readonly #next: Record<ReadIntent, number> = { read: 0, analytics: 0, background: 0 };

  pick(candidates: readonly NodeInfo[], intent: ReadIntent): number {
    if (candidates.length === 1) return 0;
    const turn = this.#next[intent];
    this.#next[intent] = (turn + 1) % 1_000_000_007;
    return turn % candidates.length;
  }
}

/**
 * Smooth weighted round-robin (as in nginx): deterministic, spreads picks evenly, and a node of weight 3 next
 * to one of weight 1 serves exactly 3 of every 4 reads.
 */
class WeightedBalancer implements Balancer {
  readonly #current: Record<ReadIntent, Map<string, number>> = {
    read: new Map(),
    analytics: new Map(),
    background: new Map(),
  };

  pick(candidates: readonly NodeInfo[], intent: ReadIntent): number {
    if (candidates.length === 1) return 0;
    const current = this.#current[intent];
    let total = 0;
    let best = 0;
    let bestWeight = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < candidates.length; i++) {
      const node = candidates[i] as NodeInfo;
      const weight = (current.get(node.name) ?? 0) + node.weight;
      current.set(node.name, weight);
      total += node.weight;
      if (weight > bestWeight) {
        bestWeight = weight;
        best = i;
      }
    }
    const chosen = (candidates[best] as NodeInfo).name;
    current.set(chosen, bestWeight - total);
    return best;
  }
}

/** Lowest probe latency; nodes without a measurement are tried first, ties take turns. */
class LeastLatencyBalancer implements Balancer {
  readonly #turns: Record<ReadIntent, number> = { read: 0, analytics: 0, background: 0 };

  pick(candidates: readonly NodeInfo[], intent: ReadIntent): number {
    if (candidates.length === 1) return 0;
    let best = Number.POSITIVE_INFINITY;
    let ties = 0;
    for (const node of candidates) {
      const latency = node.latencyMs ?? 0;
      if (latency < best) {
        best = latency;
        ties = 1;
      } else if (latency === best) {
        ties++;
      }
    }
    let turn = 0;
    if (ties > 1) {
      turn = this.#turns[intent] % ties;
      this.#turns[intent] = (this.#turns[intent] + 1) % 1_000_000_007;
    }
    for (let i = 0; i < candidates.length; i++) {
      if (((candidates[i] as NodeInfo).latencyMs ?? 0) === best && turn-- === 0) return i;
    }
    return 0;
  }
}

class CustomBalancer implements Balancer {
  readonly #picker: Picker;

  constructor(picker: Picker) {
    this.#picker = picker;
  }

  pick(candidates: readonly NodeInfo[], intent: ReadIntent): number {
    const chosen = this.#picker(candidates, { intent });
    const index = chosen === undefined ? -1 : candidates.indexOf(chosen);
    return Math.max(0, index);
  }
}
