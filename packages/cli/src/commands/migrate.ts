import { describeError, isMultiDbError, loadConfig, redactText } from '@multidb/config';
import {
  type AnySchema,
  formatMigrationReport,
  formatStatusReport,
  migrate,
  migrationStatus,
  openSplitClients,
  type SplitClients,
  type SplitLayout,
  type SplitTarget,
} from '@multidb/split-schema';
import { loadLayout } from './load-layout.js';

const USAGE = `usage: multidb migrate <all|primary|data|status> --layout <module> [--repair] [--json]

  all       migrate PRIMARY then DATA (pnpm db:migrate)
  primary   migrate the PRIMARY database only (pnpm db:migrate:primary)
  data      migrate the DATA database only (pnpm db:migrate:data)
  status    applied / pending / changed / vanished migrations per database (pnpm db:migrate:status)
  --layout  a module exporting your defineSplitSchema() layout as \`layout\`, \`splitLayout\` or default
            (.js/.mjs; .ts under tsx); its migrations folders are used
  --repair  record pending migrations whose objects already exist instead of running them
  --json    print the report as JSON

Databases come from the environment (PRIMARY_DATABASE_URL / DATABASE_URL, DATA_DATABASE_URL, SPLIT_DB_MODE);
default pglite:./.data/primary. Exit code: 0 ok, 1 a database failed or was refused, 2 bad arguments or config.`;

/** 0 ok, 1 a database failed or was refused, 2 bad arguments or configuration. */
export const MIGRATE_EXIT = { ok: 0, failed: 1, badConfig: 2 } as const;

export interface MigrateCliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The layout to migrate, given in code (tests); otherwise `--layout <module>` is loaded. */
  readonly layout?: SplitLayout<AnySchema, AnySchema> | undefined;
}

const COMMANDS = ['all', 'primary', 'data', 'status'] as const;
type Command = (typeof COMMANDS)[number];

/** `multidb migrate`: the whole command as a function (tests call it in-process); returns the exit code. */
export async function runMigrateCli(argv: readonly string[], io: MigrateCliIo): Promise<number> {
  const { rest, layoutPath } = takeLayoutFlag(argv);
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const positional = rest.filter((a) => !a.startsWith('--'));
  const json = flags.has('--json');
  const unknown = [...flags].filter((f) => !['--json', '--repair', '--help'].includes(f));
  const command = positional[0] as Command | undefined;
  if (flags.has('--help')) {
    io.out(USAGE);
    return MIGRATE_EXIT.ok;
  }
  if (
    command === undefined ||
    !COMMANDS.includes(command) ||
    positional.length > 1 ||
    unknown.length > 0 ||
    layoutPath === null
  ) {
    return fail(
      io,
      json,
      MIGRATE_EXIT.badConfig,
      'InvalidArguments',
      `bad arguments: ${argv.join(' ')}\n${USAGE}`,
    );
  }
  if (command === 'status' && flags.has('--repair')) {
    return fail(
      io,
      json,
      MIGRATE_EXIT.badConfig,
      'InvalidArguments',
      '--repair only applies to migrate commands',
    );
  }

  const topology = loadConfig({}, io.env);
  if (topology.isErr()) {
    return fail(
      io,
      json,
      MIGRATE_EXIT.badConfig,
      'InvalidConfig',
      topology.error.message,
      topology.error.issues,
    );
  }
  for (const warning of topology.value.warnings) io.err(`warning: ${warning}`);

  const layout = io.layout ?? (await loadLayout(layoutPath));
  if (typeof layout === 'string') return fail(io, json, MIGRATE_EXIT.badConfig, 'InvalidLayout', layout);

  const clients = await openClients(layout, topology.value, io, json);
  if (typeof clients === 'number') return clients;
  try {
    if (command === 'status') {
      const report = await migrationStatus(clients);
      io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatStatusReport(report));
      return report.ok ? MIGRATE_EXIT.ok : MIGRATE_EXIT.failed;
    }
    const report = await migrate(clients, { target: command, repair: flags.has('--repair') });
    io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatMigrationReport(report));
    return report.ok ? MIGRATE_EXIT.ok : MIGRATE_EXIT.failed;
  } catch (error) {
    return fail(io, json, MIGRATE_EXIT.failed, 'Unexpected', describeError(error));
  } finally {
    await clients.close();
  }
}

/** `--layout <path>` or `--layout=<path>`; `null` when the flag has no value. */
function takeLayoutFlag(argv: readonly string[]): { rest: string[]; layoutPath: string | undefined | null } {
  const rest: string[] = [];
  let layoutPath: string | undefined | null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--layout') {
      const value = argv[i + 1];
      layoutPath = value === undefined || value.startsWith('--') ? null : value;
      if (value !== undefined && !value.startsWith('--')) i++;
    } else if (arg.startsWith('--layout=')) {
      const value = arg.slice('--layout='.length);
      layoutPath = value === '' ? null : value;
    } else rest.push(arg);
  }
  return { rest, layoutPath };
}

async function openClients(
  layout: SplitLayout<AnySchema, AnySchema>,
  topology: SplitTarget,
  io: MigrateCliIo,
  json: boolean,
): Promise<SplitClients | number> {
  try {
    return await openSplitClients(layout, topology);
  } catch (error) {
    const bad = isMultiDbError(error) && error.code.startsWith('Invalid');
    const type = isMultiDbError(error) ? error.code : 'ConnectFailed';
    return fail(io, json, bad ? MIGRATE_EXIT.badConfig : MIGRATE_EXIT.failed, type, describeError(error));
  }
}

function fail(
  io: MigrateCliIo,
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
