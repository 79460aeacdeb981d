export { quoteIdentifier as quoteIdent, quoteLiteral, quoteQualified } from '@multidb/config';
export type {
  Catalog,
  ColumnInfo,
  EnumInfo,
  ForeignKeyInfo,
  IndexInfo,
  RowKey,
  TableInfo,
} from './catalog/catalog-types.js';
export { type CopyStep, dependencyOrder } from './catalog/dependency-order.js';
export { introspect } from './catalog/introspect.js';
export { isBookkeepingSchema, type SchemaFilter } from './catalog/schema-filter.js';
export type { TableSelectionError } from './catalog/select-tables.js';
export { checkDrift } from './drift/check-drift.js';
export { DEFAULT_MAX_REPLACE_ROWS } from './drift/drift-options.js';
export type {
  DriftError,
  DriftOptions,
  DriftReport,
  RepairOutcome,
  RowDifference,
  SchemaDifference,
  TableDriftReport,
} from './drift/drift-types.js';
export { diffSchemas } from './drift/schema-diff.js';
export type { SetupError, Side } from './endpoint/open-databases.js';
export { type DatabaseInput, resolveEndpoint } from './endpoint/resolve-endpoint.js';
export type { SqlEndpoint, SqlTx } from './endpoint/sql-endpoint.js';
export type { TableCount } from './health/count-tables.js';
export { createDriftHealthHandler, type DriftHealthOptions } from './health/drift-health-handler.js';
export { parseTableName, splitTableList, type TableName } from './sql/qualified-name.js';
export { CHECKPOINT_TABLE } from './sync/checkpoint-store.js';
export type { CycleMode } from './sync/cycle-mode.js';
export type { MaterializedViewReport } from './sync/refresh-matviews.js';
export { syncBackup } from './sync/sync-backup.js';
export { DEFAULT_BATCH_SIZE, DEFAULT_COPY_CHUNK_ROWS, DEFAULT_LANES } from './sync/sync-options.js';
export type {
  SyncError,
  SyncOptions,
  SyncProblem,
  SyncProgress,
  SyncReport,
  TableHandling,
  TableSyncReport,
} from './sync/sync-types.js';
