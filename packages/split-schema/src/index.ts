export {
  DATABASE_NAMES,
  type DatabaseName,
  type DatabaseTarget,
  type MigrationDatabase,
} from './database-name.js';
export {
  type AnySchema,
  type DefineSplitSchemaInput,
  defineSplitSchema,
  type SplitLayout,
  type SplitSide,
} from './define-split-schema.js';
export {
  folderLayoutOf,
  installedFolderLayout,
  type MigrationFolderLayout,
  type MigrationFolders,
  type RelationsV2Config,
} from './drizzle-line.js';
export type { BackupHistoryDiverged } from './migrations/backup-history.js';
export { formatMigrationReport, formatStatusReport } from './migrations/format-report.js';
export { type MigrateOptions, migrate } from './migrations/migrate.js';
export {
  hashMigration,
  type MigrationFile,
  type MigrationFolderError,
  readMigrationFolder,
} from './migrations/migration-files.js';
export type { RecordedMigration } from './migrations/migration-records.js';
export type {
  DatabaseMigrationResult,
  DatabaseOutcome,
  MigrationOutcome,
  MigrationReport,
  MigrationStepResult,
} from './migrations/migration-report.js';
export type { ChangedMigration, MigrationRef, OutOfOrderMigration } from './migrations/migration-state.js';
export {
  type DatabaseStatus,
  type MigrationStatusOptions,
  type MigrationStatusReport,
  migrationStatus,
} from './migrations/migration-status.js';
export type { MigrationsOverrides } from './migrations/migration-target.js';
export { describeProblem, type PreflightProblem } from './migrations/preflight.js';
export type { MergeModules, SideSchema } from './side-schema.js';
export {
  openSplitClients,
  relationalOptionsOf,
  type SplitClientOptions,
  type SplitClients,
  type SplitTarget,
} from './split-clients.js';
export type {
  MigrationsConfig,
  MigrationsDeclaration,
  SplitSchemaDeclaration,
  SplitSideDeclaration,
} from './split-declaration.js';
export {
  describeIssue,
  describeIssues,
  type SplitSchemaIssue,
  type SplitSchemaIssueType,
} from './split-issues.js';
export { validateSplitSchema } from './validate-split-schema.js';
