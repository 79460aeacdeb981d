/** The clock and logger interfaces live in `@multidb/config` (shared with dual-write). */
export type { Clock, Logger } from '@multidb/config';
export type { InScope } from './consistency/consistency-scope.js';
export {
  type DecodedToken,
  decodeConsistencyToken,
  encodeConsistencyToken,
  MAX_TOKEN_LENGTH,
} from './consistency/consistency-token.js';
export type {
  BackupDetail,
  BackupQueueSource,
  BackupSources,
  ReplicationReading,
} from './health/backup-status.js';
export {
  createHealthHandler,
  type HealthDetail,
  type HealthHandlerOptions,
  type HealthSource,
  healthDetail,
  type NodeHealthDetail,
  type ServingStatus,
  servingStatus,
} from './health/health-handler.js';
export { formatLsn, type HealthStatus, type NodeHealthStatus } from './health/health-status.js';
export { describeFailure, type HysteresisOptions } from './health/node-health.js';
export {
  LagInspector,
  type LagLimits,
  type LagReport,
  type LagTarget,
  type ReplicaLag,
} from './lag/lag-report.js';
export type { LagEstimate, ReplicationState } from './lag/lag-tracker.js';
export { type PositionSource, type ReplicationSample, sqlPositionSource } from './lag/position-source.js';
export type { NodeMetrics, RouteKey, RouterMetricsSnapshot } from './metrics/router-metrics.js';
export type { NodeInfo, NodeRole } from './nodes/node-info.js';
export * from './ops/index.js';
export { createDbRouter } from './router/create-db-router.js';
export type { ClientOptions, DbRouter, RouterTransaction } from './router/db-router-api.js';
export {
  createDbRouterFromEnv,
  createLazyDbRouter,
  dbRouter,
  type RouterSettings,
  routerOptionsFromTopology,
} from './router/lazy-db-router.js';
export type {
  DbRouterOptions,
  HealthOptions,
  LagOptions,
  NodeSource,
  NodeSpec,
  ReplicaSpec,
  WriteClientKind,
  WriteClientWrapper,
} from './router/router-options.js';
export type { BalancingStrategy, PickContext, Picker } from './routing/balancer.js';
export { isConnectionError } from './routing/connection-errors.js';
export { RoutedDatabase } from './routing/routed-database.js';
export { classifySql, type StatementClass } from './sql/sql-classifier.js';
export type { TelemetryOptions, TelemetrySetting } from './telemetry/telemetry-options.js';
