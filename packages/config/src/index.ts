export {
  type BearerCheck,
  type BearerToken,
  bearerChallenge,
  bearerToken,
  MIN_BEARER_TOKEN_LENGTH,
} from './bearer-auth.js';
export { type Clock, settleClock, systemClock } from './clock.js';
export { connect, DRIVER_ENV_VAR, urlDriver } from './connect.js';
export type {
  DmlCommand,
  Driver,
  DriverKind,
  DriverQueries,
  DriverTransaction,
  ReservedSession,
  TransactionOptions,
} from './driver/driver.js';
export { DRIVER_SOURCE, type DriverSource, driverOf, driverOfClient } from './driver/driver-of.js';
export { type DefineRelations, drizzleDefineRelations } from './drizzle/define-relations.js';
export {
  assertPgDatabase,
  describeNonDatabase,
} from './drizzle/drizzle-database.js';
export {
  type DrizzleLine,
  drizzleLine,
  drizzleLineOf,
  drizzleVersion,
  SUPPORTED_DRIZZLE,
} from './drizzle/drizzle-version.js';
export { type DrizzleClass, isPgDatabase, pgCoreClass, pgDatabaseClass } from './drizzle/pg-core-runtime.js';
export type { AnyPgDatabase } from './drizzle/pg-database-types.js';
export { causeChain, findCause, ownErrorCode } from './errors/cause-chain.js';
export {
  type FailureKind,
  failureKinds,
  isConnectionFailure,
  isConnectionLost,
  isTransientFailure,
} from './errors/connection-errors.js';
export {
  describeError,
  innermostErrorCode,
  isMultiDbError,
  MultiDbError,
  type MultiDbErrorCode,
} from './errors.js';
export { executeRows, normaliseRows } from './execute-rows.js';
export type {
  ConnectOptions,
  DbHandle,
  NodePostgresDriverOptions,
  PgliteInstance,
  PostgresDriverOptions,
  UrlDriver,
} from './handle.js';
export {
  type ConfigError,
  type ConfigIssue,
  type ConfigOptions,
  DEFAULT_PRIMARY_URL,
  loadConfig,
} from './load-config.js';
export type { DriverPackage } from './load-driver.js';
export { type LogContext, type Logger, redactingLogger, silentLogger } from './logger.js';
export { type ParsedUrl, parseDatabaseUrl, type UrlError } from './parse-url.js';
export { redactSecrets, redactText, redactUrl, redactUrls } from './redact.js';
export { quoteIdentifier, quoteLiteral, quoteQualified } from './sql-quote.js';
export {
  type BackupConfig,
  INTENTS,
  type Intent,
  READ_INTENTS,
  type ReadIntent,
  type ReplicaConfig,
  type Topology,
} from './topology.js';
