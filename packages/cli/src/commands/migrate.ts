import {
  connect,
  type DbHandle,
  describeError,
  isMultiDbError,
  loadConfig,
  redactText,
  type Topology,
} from '@multidb/config';
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

const USAGE = `usage: multidb migrate <all|primary|data|status> --layout <module> [--repair] [--skip-backup] [--json]

  all       migrate the BACKUP, then PRIMARY, then DATA (pnpm db:migrate)
  primary   migrate the BACKUP, then the PRIMARY database (pnpm db:migrate:primary)
  data      migrate the DATA database only (pnpm db:migrate:data); not split: the backup first, as for primary
  status    applied / pending / changed / vanished migrations per database, the backup included
            (pnpm db:migrate:status)
  --layout  a module exporting your defineSplitSchema() layout as \`layout\`, \`splitLayout\` or default
            (.js/.mjs; .ts under tsx); its migrations folders are used
  --repair  record pending migrations whose objects already exist instead of running them
  --skip-backup  leave the backup out (it is down, or migrated separately): dual-write may dead-letter rows
            with columns the backup lacks until it is migrated
  --json    print the report as JSON

Databases come from the environment (PRIMARY_DATABASE_URL / DATABASE_URL, DATA_DATABASE_URL, SPLIT_DB_MODE,
BACKUP_DATABASE_URL / REPLIT_DATABASE_URL, BACKUP_DB_ENABLED); default pglite:./.data/primary. The backup gets the
PRIMARY's migrations, before the primary, after a check that it recorded the same ones (else nothing is migrated).
Exit code: 0 ok, 1 a database failed or was refused, 2 bad arguments or config.`;

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
  const unknown = [...flags].filter((f) => !['--json', '--repair', '--skip-backup', '--help'].includes(f));
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

  const backupUrl = backupToMigrate(topology.value, flags.has('--skip-backup'), io);
  if (typeof backupUrl === 'object')
    return fail(io, json, MIGRATE_EXIT.badConfig, 'InvalidConfig', backupUrl.problem);
  const clients = await openClients(layout, topology.value, io, json);
  if (typeof clients === 'number') return clients;
  let backup: DbHandle | undefined;
  try {
    backup = backupUrl === undefined ? undefined : await connect(backupUrl);
  } catch (error) {
    await clients.close();
    const type = isMultiDbError(error) ? error.code : 'ConnectFailed';
    return fail(io, json, MIGRATE_EXIT.failed, type, `backup: ${describeError(error)}`);
  }
  try {
    if (command === 'status') {
      const report = await migrationStatus(clients, { backup });
      io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatStatusReport(report));
      return report.ok ? MIGRATE_EXIT.ok : MIGRATE_EXIT.failed;
    }
    const report = await migrate(clients, { target: command, repair: flags.has('--repair'), backup });
    io.out(json ? JSON.stringify({ command, ...report }, null, 2) : formatMigrationReport(report));
    return report.ok ? MIGRATE_EXIT.ok : MIGRATE_EXIT.failed;
  } catch (error) {
    return fail(io, json, MIGRATE_EXIT.failed, 'Unexpected', describeError(error));
  } finally {
    await Promise.all([clients.close(), backup?.close()]);
  }
}

/**
 * The backup's URL when one is configured and enabled (and not skipped), `undefined` when there is none to
 * migrate, or a configuration problem: a backup that is the primary or the data database itself.
 */
function backupToMigrate(
  topology: Topology,
  skip: boolean,
  io: MigrateCliIo,
): string | undefined | { problem: string } {
  const backup = topology.backup;
  if (backup === undefined) return undefined;
  if (skip) {
    io.err(
      'warning: --skip-backup: the backup is not migrated; migrate it before dual-write sends new columns',
    );
    return undefined;
  }
  if (!backup.enabled) {
    io.err('warning: BACKUP_DB_ENABLED=false: the backup is not migrated');
    return undefined;
  }
  if (backup.url === topology.primaryUrl || (topology.splitMode && backup.url === topology.dataUrl))
    return { problem: 'the backup database URL is the same as the primary or data database URL' };
  return backup.url;
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
