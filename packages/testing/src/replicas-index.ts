export type { CapturedBatch, RowChange } from './replicas/change-capture.js';
export {
  createLaggingReplica,
  LaggingReplica,
  type LaggingReplicaOptions,
} from './replicas/lagging-replica.js';
export {
  createMirrorReplica,
  type MirrorReplica,
  type MirrorReplicaOptions,
} from './replicas/mirror-replica.js';
export {
  primaryInsertPosition,
  type ReplicaPositionSource,
  type StandbySample,
} from './replicas/replica-position.js';
export { ReplicaSwitch } from './replicas/replica-switch.js';
