import { READ_INTENTS, type ReadIntent } from '@multidb/config';
import type { DbRouter } from '@multidb/router';

/** Queries routed per read intent and node, from `router.getMetrics()`. */
export type ServedReads = Record<ReadIntent, Record<string, number>>;

// biome-ignore lint/suspicious/noExplicitAny: any schema
type AnyRouter = DbRouter<any>;

export function servedReads(router: AnyRouter): ServedReads {
  const routed = router.getMetrics().routed;
  return Object.fromEntries(READ_INTENTS.map((i) => [i, { ...routed[i] }])) as ServedReads;
}

/** What was served between two snapshots. */
export function servedBetween(before: ServedReads, after: ServedReads): ServedReads {
  const result = {} as ServedReads;
  for (const intent of READ_INTENTS) {
    const nodes: Record<string, number> = {};
    for (const [node, count] of Object.entries(after[intent])) {
      const n = count - (before[intent][node] ?? 0);
      if (n > 0) nodes[node] = n;
    }
    result[intent] = nodes;
  }
  return result;
}

/** Reads of every intent served by `node`. */
export const readsOn = (served: ServedReads, node: string): number =>
  READ_INTENTS.reduce((sum, intent) => sum + (served[intent][node] ?? 0), 0);

/** `read: replica-2 41, primary 3 · analytics: replica-2 9` */
export function formatServed(served: ServedReads): string {
  return READ_INTENTS.map((intent) => {
    const nodes = Object.entries(served[intent]).sort(([, a], [, b]) => b - a);
    return nodes.length === 0
      ? `${intent}: none`
      : `${intent}: ${nodes.map(([n, c]) => `${n} ${c}`).join(', ')}`;
  }).join(' · ');
}

/** The node that served the single read of `intent` between two snapshots (for one-request probes). */
export function servingNode(before: ServedReads, after: ServedReads, intent: ReadIntent): string | undefined {
  const nodes = Object.keys(servedBetween(before, after)[intent]);
  return nodes.length === 1 ? nodes[0] : undefined;
}
