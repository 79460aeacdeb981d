export { replicatedTables } from './replicated-tables.js';
export {
  ReplicationMonitor,
  type ReplicationMonitorOptions,
  type ReplicationReadingAt,
} from './replication-monitor.js';
export { replicationStatus, type StatusOptions } from './replication-status.js';
export type {
  ReplicationCheck,
  ReplicationError,
  ReplicationOptions,
  ReplicationProblem,
  ReplicationStatus,
  SequenceSyncReport,
  SetupOptions,
  SetupReport,
  TableSyncState,
  TeardownReport,
} from './replication-types.js';
export { checkReplication, setupReplication } from './setup-replication.js';
export { syncSequences } from './sync-sequences.js';
export { teardownReplication } from './teardown-replication.js';
