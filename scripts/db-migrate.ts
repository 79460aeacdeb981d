import { pathToFileURL } from 'node:url';
import { describeError, loadConfig, MultiDbError, redactText } from '@multidb/config';
import { type ExampleLayout, splitLayout } from '@multidb/example-app';
import {
  formatMigrationReport,
  formatStatusReport,
  migrate,
  migrationStatus,
  openSplitClients,
  type SplitClients,
  type SplitTarget,
} from '@multidb/split-schema';

const USAGE = `usage: tsx scripts/db-migrate.ts <all|primary|data|status> [--repair] [--json]

  all       migrate PRIMARY then DATA (pnpm db:migrate)
  primary   migrate the PRIMARY database only (pnpm db:migrate:primary)
  data      migrate the DATA database only (pnpm db:migrate:data)
  status    applied / pending / changed / vanished migrations per database (pnpm db:migrate:status)
  --repair  record pending migrations whose objects already exist instead of running them
  --json    print the report as JSON

Databases come from the environment (PRIMARY_DATABASE_URL / DATABASE_URL, DATA_DATABASE_URL, SPLIT_DB_MODE);
default pglite:./.data/primary. Exit code: 0 ok, 1 a database failed or was refused, 2 bad arguments or config.`;

export const EXIT = { ok: 0, failed: 1, badConfig: 2 } as const;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const COMMANDS = ['all', 'primary', 'data', 'status'] as const;
type Command = (typeof COMMANDS)[number];

/** The whole CLI as a function (tests call it in-process); returns the exit code. */
export async function runDbMigrate(argv: readonly string[], io: CliIo): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const positional = argv.filter((a) => !a.startsWith('--'));
  const json = flags.has('--json');
  const unknown = [...flags].filter((f) => !['--json', '--repair', '--help'].includes(f));
  const command = positional[0] as Command | undefined;
  if (flags.has('--help')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (command === undefined || !COMMANDS.includes(command) || positional.length > 1 || unknown.length > 0) {
    return fail(io, json, EXIT.badConfig, 'InvalidArguments', `bad arguments: ${argv.join(' ')}\n${USAGE}`);
  }
  if (command === 'status' && flags.has('--repair')) {
    return fail(io, json, EXIT.badConfig, 'InvalidArguments', '--repair only applies to migrate commands');
  }

  const topology = loadConfig({}, io.env);
  if (topology.isErr()) {
    return fail(io, json, EXIT.badConfig, 'InvalidConfig', topology.error.message, topology.error.issues);
  }
  for (const warning of topology.value.warnings) io.err(`warning: ${warning}`);

  const clients = await openClients(topology.value, io, json);
  if (typeof clients === 'number') return clients;
  try {
    if (command === 'status') {
      const report = await migrationStatus(clients);
      io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatStatusReport(report));
      return report.ok ? EXIT.ok : EXIT.failed;
    }
    const report = await migrate(clients, { target: command, repair: flags.has('--repair') });
    io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatMigrationReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return fail(io, json, EXIT.failed, 'Unexpected', describeError(error));
  } finally {
    await clients.close();
  }
}

async function openClients(
  topology: SplitTarget,
  io: CliIo,
  json: boolean,
): Promise<SplitClients<ExampleLayout['primary']['schema'], ExampleLayout['data']['schema']> | number> {
  try {
    return await openSplitClients(splitLayout, topology);
  } catch (error) {
    const bad = error instanceof MultiDbError && error.code.startsWith('Invalid');
    const type = error instanceof MultiDbError ? error.code : 'ConnectFailed';
    return fail(io, json, bad ? EXIT.badConfig : EXIT.failed, type, describeError(error));
  }
}

function fail(
  io: CliIo,
  json: boolean,
  code: number,
  type: string,
  message: string,
  issues?: unknown,
): number {
  // The message may quote the command line (a mistyped flag can hold a connection string): redacted.
  const safe = redactText(message);
  if (json)
    io.out(
      JSON.stringify({ ok: false, error: { type, message: safe, ...(issues ? { issues } : {}) } }, null, 2),
    );
  else io.err(safe);
  return code;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const io: CliIo = {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
  process.exitCode = await runDbMigrate(process.argv.slice(2), io);
}
