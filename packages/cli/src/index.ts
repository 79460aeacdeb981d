export {
  formatReport as formatLagReport,
  type LagCliIo,
  type LagExitCode,
  runLagCli,
} from './commands/lag.js';
export { MIGRATE_EXIT, type MigrateCliIo, runMigrateCli } from './commands/migrate.js';
export { MULTIDB_USAGE, type MultidbCommand, runMultidb } from './run-multidb.js';
export { type CliIo, EXIT } from './sync/cli-io.js';
export { DRIFT_EXIT, runDriftCli } from './sync/drift-cli.js';
export { runSyncCli } from './sync/sync-cli.js';
