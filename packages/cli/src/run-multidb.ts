import type { CliIo } from './sync/cli-io.js';
import { cliVersion } from './version.js';

export const MULTIDB_USAGE = `usage: multidb <command> [options]

commands:
  migrate <all|primary|data|status> --layout <module>
            migrate the PRIMARY and DATA databases of a split layout (drizzle-kit folders)
  sync      fill a backup from the primary: foreign-key order, resumable (--source, --target, --tables, ...)
  drift     compare the primary and the backup by checksums; --repair fixes the differences
  lag       per-replica lag of the configured topology (--json, --watch <seconds>, limits)
  replicate <check|setup|status|sync-sequences|teardown>
            the backup as a logical replica of the primary (publication + subscription)

  multidb <command> --help   the flags and exit codes of one command
  multidb --version

Databases come from the environment (DATABASE_URL, DATABASE_READ_REPLICA_<N>_URL, BACKUP_DATABASE_URL, ...) or
flags; postgres://, postgresql:// (needs the postgres package) and pglite:memory / pglite:./dir (needs
@electric-sql/pglite). Every connection string is printed redacted.
`;

const COMMANDS = ['migrate', 'sync', 'drift', 'lag', 'replicate'] as const;
export type MultidbCommand = (typeof COMMANDS)[number];

/**
 * `multidb <command> ...`: returns the exit code (2 for an unknown command). Each command's module, and the
 * drivers it needs, is imported only when that command runs: `--help` and `--version` load neither.
 */
export async function runMultidb(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(MULTIDB_USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  switch (command as MultidbCommand) {
    case 'sync': {
      const { runSyncCli } = await import('./sync/sync-cli.js');
      return runSyncCli(rest, io);
    }
    case 'drift': {
      const { runDriftCli } = await import('./sync/drift-cli.js');
      return runDriftCli(rest, io);
    }
    case 'lag': {
      const { runLagCli } = await import('./commands/lag.js');
      // lag stops `--watch` on its own SIGINT/SIGTERM handler unless given a signal in code.
      return runLagCli(rest, { stdout: io.stdout, stderr: io.stderr, env: io.env });
    }
    case 'migrate': {
      const { runMigrateCli } = await import('./commands/migrate.js');
      return runMigrateCli(rest, {
        env: io.env,
        out: (text) => io.stdout.write(`${text}\n`),
        err: (text) => io.stderr.write(`${text}\n`),
      });
    }
    case 'replicate': {
      const { runReplicateCli } = await import('./commands/replicate/replicate-cli.js');
      return runReplicateCli(rest, io);
    }
    default:
      io.stderr.write(`multidb: unknown command ${JSON.stringify(command)}\n\n${MULTIDB_USAGE}`);
      return 2;
  }
}
