/** The logger interface lives in `@multidb/config` (shared with the router); these names stay for callers. */
export { type LogContext, type Logger as DualWriteLogger, silentLogger } from '@multidb/config';
export type { ChangeOp } from './apply/change.js';
export { createDualWriter, type DualWriter, type DualWriterOptions } from './dual-writer.js';
export { advisoryLeaderLock, DEFAULT_LOCK_KEY, type LeaderLock } from './outbox/leader-lock.js';
export { type DrainRound, OutboxDrainer, type OutboxDrainerOptions } from './outbox/outbox-drainer.js';
export {
  backupOutboxDdl,
  DEFAULT_OUTBOX_SCHEMA,
  type EnsureOutboxOptions,
  ensureOutbox,
  type OutboxNames,
  primaryOutboxDdl,
} from './outbox/outbox-schema.js';
export type { OutboxStatus } from './outbox/outbox-store.js';
export type { DeadLetter } from './queue/dead-letters.js';
export type { DualWriteMetrics } from './queue/metrics.js';
export type { LedgerSummary } from './queue/overflow-ledger.js';
export type { RepairReport } from './queue/repair.js';
export { DEFAULT_RETRY_DELAYS_MS } from './retry/retry-policy.js';
export type { TableMeta } from './table-meta.js';
export type { TelemetryOptions, TelemetrySetting } from './telemetry/telemetry-options.js';
export { backupEnabled, dualWriterOf, type WithBackupOptions, withBackup } from './with-backup.js';
