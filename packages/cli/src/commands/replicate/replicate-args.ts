import { splitTableList } from '@multidb/sync';
import { err, ok, type Result } from 'neverthrow';
import { type UsageError, wholeNumberFlag } from '../../sync/database-urls.js';
import { parseFlags } from '../../sync/parse-flags.js';

export const REPLICATE_ACTIONS = ['check', 'setup', 'status', 'sync-sequences', 'teardown'] as const;
export type ReplicateAction = (typeof REPLICATE_ACTIONS)[number];

export interface ReplicateArgs {
  readonly action: ReplicateAction | undefined;
  readonly source: string | undefined;
  readonly target: string | undefined;
  readonly publisherUrl: string | undefined;
  readonly name: string | undefined;
  readonly tables: string[] | undefined;
  readonly truncate: boolean;
  readonly skipCopy: boolean;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly help: boolean;
}

export const REPLICATE_USAGE = `Usage: multidb replicate <check|setup|status|sync-sequences|teardown> [options]

The backup as a logical replica of the primary (PostgreSQL publication + subscription): sees every write, raw SQL,
triggers and cascades included. Needs wal_level = logical on the primary.

  check            the pre-flight only: every problem at once, nothing created
  setup            pre-flight, then publication, subscription and the initial copy (waits for it, with progress)
  status           per-table state, lag (bytes, time), slot WAL held on the primary, errors; warnings
  sync-sequences   copy sequence positions to the backup (sequences do not replicate); run before a promotion
  teardown         drop subscription, slot and publication (with the primary gone: detach the backup)

  --source <url>          primary (default: SUPABASE_DATABASE_URL / PRIMARY_DATABASE_URL / DATABASE_URL)
  --target <url>          backup (default: BACKUP_DATABASE_URL / REPLIT_DATABASE_URL)
  --publisher-url <url>   how the backup server reaches the primary (default: --source)
  --name <name>           publication, subscription and slot name (default multidb_backup)
  --tables <list>         comma-separated schema.table names (default: every table outside bookkeeping schemas)
  --truncate              setup: empty the backup's tables before the initial copy
  --skip-copy             setup: no initial copy (the backup already equals the primary)
  --timeout <seconds>     setup: how long to wait for the initial copy (default 600)
  --json                  print the result as JSON
  --help                  this text

Exit codes: 0 done / healthy, 1 problems found / unhealthy / failed, 2 arguments, configuration or connection.
`;

export function parseReplicateArgs(argv: readonly string[]): Result<ReplicateArgs, UsageError> {
  const [first, ...rest] = argv;
  const action = REPLICATE_ACTIONS.find((a) => a === first);
  const flagArgs = action === undefined ? argv : rest;
  const parsed = parseFlags(flagArgs, {
    source: { type: 'string' },
    target: { type: 'string' },
    'publisher-url': { type: 'string' },
    name: { type: 'string' },
    tables: { type: 'string' },
    truncate: { type: 'boolean' },
    'skip-copy': { type: 'boolean' },
    timeout: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.isErr()) return err(parsed.error);
  const values = parsed.value;
  const help = values.help === true;
  if (action === undefined && !help) {
    return err({
      type: 'UsageError',
      message:
        first === undefined || first.startsWith('-')
          ? `a subcommand is needed: ${REPLICATE_ACTIONS.join(', ')}`
          : `unknown subcommand ${JSON.stringify(first)}: ${REPLICATE_ACTIONS.join(', ')}`,
    });
  }
  const timeout = wholeNumberFlag('timeout', values.timeout as string | undefined, 600, 86_400);
  if (timeout.isErr()) return err(timeout.error);
  const tables = values.tables === undefined ? undefined : splitTableList(values.tables as string);
  if (tables !== undefined && tables.length === 0)
    return err({ type: 'UsageError', message: '--tables is empty' });
  return ok({
    action,
    source: values.source as string | undefined,
    target: values.target as string | undefined,
    publisherUrl: values['publisher-url'] as string | undefined,
    name: values.name as string | undefined,
    tables,
    truncate: values.truncate === true,
    skipCopy: values['skip-copy'] === true,
    timeoutMs: timeout.value * 1000,
    json: values.json === true,
    help,
  });
}
