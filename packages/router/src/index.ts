export {
  type Balancer,
  type BalancingStrategy,
  createBalancer,
  type PickContext,
  type Picker,
} from './balancer.js';
export { isConnectionError, isRetryableRead } from './connection-errors.js';
export type { InScope } from './consistency-scope.js';
export {
  type DecodedToken,
  decodeConsistencyToken,
  encodeConsistencyToken,
  MAX_TOKEN_LENGTH,
} from './consistency-token.js';
export { createDbRouter } from './create-db-router.js';
export type { ClientOptions, DbRouter, RouterTransaction } from './db-router-api.js';
export {
  createHealthHandler,
  type HealthDetail,
  type HealthHandlerOptions,
  type HealthSource,
  healthDetail,
  type NodeHealthDetail,
  type ServingStatus,
  servingStatus,
} from './health-handler.js';
export { formatLsn, type HealthStatus, type NodeHealthStatus } from './health-status.js';
export {
  LagInspector,
  type LagLimits,
  type LagReport,
  type LagTarget,
  type ReplicaLag,
} from './lag-report.js';
export { type LagEstimate, LagTracker, type ReplicationState } from './lag-tracker.js';
export {
  createDbRouterFromEnv,
  createLazyDbRouter,
  dbRouter,
  type RouterSettings,
  routerOptionsFromTopology,
} from './lazy-db-router.js';
export { describeFailure, type HysteresisOptions, NodeHealth } from './node-health.js';
export type { NodeInfo, NodeRole } from './node-info.js';
export { type PositionSource, type ReplicationSample, sqlPositionSource } from './position-source.js';
export { RoutedDatabase } from './routed-database.js';
export type { NodeMetrics, RouteKey, RouterMetricsSnapshot } from './router-metrics.js';
export type {
  Clock,
  DbRouterOptions,
  HealthOptions,
  LagOptions,
  NodeSource,
  NodeSpec,
  ReplicaSpec,
  WriteClientKind,
  WriteClientWrapper,
} from './router-options.js';
export { RoutingSession } from './routing-session.js';
export { classifySql, type StatementClass } from './sql-classifier.js';
