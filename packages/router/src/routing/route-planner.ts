import type { ReadIntent } from '@multidb/config';
import type { RouterNode } from '../nodes/router-node.js';
import type { Balancer } from './balancer.js';

interface IntentTable {
  /** Eligible replicas by preference: the intent's own tier, then plain read replicas. */
  readonly tiers: readonly (readonly RouterNode[])[];
  /**
   * After the replica tiers: further tiers in order of preference — primary, DR, and (primary down) stale
   * replicas. Each tier is balanced like the replica tiers, never walked in order.
   */
  readonly fallback: readonly (readonly RouterNode[])[];
  /**
   * Primary still marked healthy: the stale replicas it would hand over to once marked down. A read the primary
   * just failed with a connection error goes there rather than failing (the primary is going away; its replicas'
   * WAL receivers usually notice first, so they are out of rotation for lag before the primary is marked down).
   */
  readonly lastResort: readonly RouterNode[];
  /** The topology has replicas for this intent: serving it elsewhere is a failover. */
  readonly hasReplicas: boolean;
}

/**
 * The routing table of read intents, rebuilt only when health, lag eligibility or the forced mode change, so a
 * routing decision is a few array reads and one balancer call:
 * read → healthy read replicas, else primary; analytics/background → their tagged replicas, else read replicas,
 * else primary; DR only when nothing better is healthy. Writes never come here: they go to the primary.
 */
export class RoutePlanner {
  readonly #nodes: readonly RouterNode[];
  readonly #balancer: Balancer;
  readonly #staleWhenPrimaryDown: boolean;
  #tables: Record<ReadIntent, IntentTable> | undefined;
  #forced = false;

  constructor(nodes: readonly RouterNode[], balancer: Balancer, staleWhenPrimaryDown: boolean) {
    this.#nodes = nodes;
    this.#balancer = balancer;
    this.#staleWhenPrimaryDown = staleWhenPrimaryDown;
  }

  get primary(): RouterNode {
    return this.#nodes[0] as RouterNode;
  }
  get forced(): boolean {
    return this.#forced;
  }

  setForced(forced: boolean): void {
    this.#forced = forced;
    this.invalidate();
  }

  /** Health or lag eligibility changed. */
  invalidate(): void {
    this.#tables = undefined;
  }

  /** The node for a read; `required`: a position the node must have replayed (the primary always has). */
  pick(intent: ReadIntent, required: bigint | undefined): RouterNode {
    const table = this.#table(intent);
    for (const tier of table.tiers) {
      const candidates = required === undefined ? tier : tier.filter((node) => reached(node, required));
      if (candidates.length > 0) return candidates[this.#balancer.pick(candidates, intent)] as RouterNode;
    }
    for (const tier of table.fallback) {
      const candidates = tier.filter((node) => reached(node, required));
      if (candidates.length > 0) return candidates[this.#balancer.pick(candidates, intent)] as RouterNode;
    }
    return this.primary;
  }

  /** Where a read goes after `failed` could not serve it; `undefined` when nowhere else. */
  alternative(intent: ReadIntent, required: bigint | undefined, failed: RouterNode): RouterNode | undefined {
    const table = this.#table(intent);
    for (const tier of [...table.tiers, ...table.fallback]) {
      const candidates = tier.filter((node) => node !== failed && reached(node, required));
      if (candidates.length > 0) return candidates[this.#balancer.pick(candidates, intent)] as RouterNode;
    }
    if (failed === this.primary) {
      const candidates = table.lastResort.filter((node) => reached(node, required));
      if (candidates.length > 0) return candidates[this.#balancer.pick(candidates, intent)] as RouterNode;
    }
    return undefined;
  }

  isFailover(intent: ReadIntent, node: RouterNode): boolean {
    return node.role !== 'replica' && this.#table(intent).hasReplicas;
  }

  #table(intent: ReadIntent): IntentTable {
    this.#tables ??= {
      read: this.#build('read'),
      analytics: this.#build('analytics'),
      background: this.#build('background'),
    };
    return this.#tables[intent];
  }

  #build(intent: ReadIntent): IntentTable {
    const replicas = this.#nodes.filter((node) => node.role === 'replica');
    const own = replicas.filter((node) => node.intents.includes(intent));
    const read =
      intent === 'read' ? [] : replicas.filter((n) => !own.includes(n) && n.intents.includes('read'));
    const hasReplicas = own.length + read.length > 0;
    const primary = this.primary;
    if (this.#forced) return { tiers: [], fallback: [[primary]], lastResort: [], hasReplicas };
    const eligible = (node: RouterNode) => node.healthy && node.lagOk;
    const tiers = [own.filter(eligible), read.filter(eligible)].filter((tier) => tier.length > 0);
    const dr = this.#nodes.filter((n) => n.role === 'dr' && n.intents.includes(intent) && eligible(n));
    const stale = (nodes: readonly RouterNode[]) =>
      this.#staleWhenPrimaryDown ? nodes.filter((node) => node.healthy && !node.lagOk) : [];
    const staleReplicas = stale([...own, ...read]);
    const staleDr = stale(this.#nodes.filter((n) => n.role === 'dr' && n.intents.includes(intent)));
    const lastResort = [...staleReplicas, ...staleDr];
    if (primary.healthy) return { tiers, fallback: nonEmpty([[primary], dr]), lastResort, hasReplicas };
    return {
      tiers,
      fallback: nonEmpty([dr, staleReplicas, staleDr, [primary]]),
      lastResort: [],
      hasReplicas,
    };
  }
}

function nonEmpty(tiers: readonly (readonly RouterNode[])[]): (readonly RouterNode[])[] {
  return tiers.filter((tier) => tier.length > 0);
}

function reached(node: RouterNode, required: bigint | undefined): boolean {
  return (
    required === undefined ||
    node.role === 'primary' ||
    (node.position !== undefined && node.inRecovery === true && node.position >= required)
  );
}
