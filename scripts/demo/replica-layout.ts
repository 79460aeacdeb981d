import type { ReadIntent } from '@multidb/config';

export interface ReplicaLayout {
  readonly name: string;
  /** Default: every read intent. */
  readonly intents?: readonly ReadIntent[];
  /** `dr`: serves reads only when nothing better is healthy. */
  readonly role?: 'dr';
}

/** The demo's replicas, the same in both environments: two tagged replicas and a disaster-recovery node. */
export const REPLICA_LAYOUT: readonly ReplicaLayout[] = [
  { name: 'replica-1', intents: ['analytics', 'read'] },
  { name: 'replica-2', intents: ['background', 'read'] },
  { name: 'dr', role: 'dr' },
];

/** The router's view of a replica of the layout. */
export const replicaRole = (layout: ReplicaLayout) => ({
  name: layout.name,
  ...(layout.intents ? { intents: layout.intents } : {}),
  ...(layout.role ? { role: layout.role } : {}),
});
