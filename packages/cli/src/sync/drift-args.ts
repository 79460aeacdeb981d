import { DEFAULT_MAX_REPLACE_ROWS } from '@multidb/sync';
import { err, ok, type Result } from 'neverthrow';
import { tablesFlag, type UsageError, wholeNumberFlag } from './database-urls.js';
import { parseFlags } from './parse-flags.js';

export interface DriftArgs {
  readonly source: string | undefined;
  readonly target: string | undefined;
  readonly tables: string[] | undefined;
  readonly repair: boolean;
  readonly json: boolean;
  readonly recheckDelayMs: number;
  readonly chunkRows: number;
  readonly maxReplaceRows: number;
  readonly help: boolean;
}

export const DRIFT_USAGE = `Usage: multidb drift [options]   (pnpm drift in this repository)

Compares the backup with the primary: schemas, then per table row counts and checksums per key range, narrowed
down to the rows that are missing, extra or changed on the backup (rechecked after a short delay).

  --source <url>            primary (default: SUPABASE_DATABASE_URL / PRIMARY_DATABASE_URL / DATABASE_URL / embedded)
  --target <url>            backup (default: BACKUP_DATABASE_URL / REPLIT_DATABASE_URL)
  --tables <list>           comma-separated table or schema.table names ("double quote" odd names)
  --repair                  upsert missing/changed rows from the primary, delete extra rows, then verify again;
                            a table without a key is replaced whole (emptied and copied in one transaction)
  --max-replace-rows <n>    replace a table without a key only up to this many rows (default ${DEFAULT_MAX_REPLACE_ROWS})
  --recheck-delay-ms <n>    wait before rechecking differing rows (default 1000; 0 turns the recheck off)
  --chunk-rows <n>          rows per checksum range (default 10000)
  --json                    print the report as JSON
  --help                    this text

Exit codes: 0 clean (or clean after --repair), 1 drift, 2 error (arguments, configuration, a database).
`;

const MAX_REPLACE_ROWS = 10_000_000_000;

export function parseDriftArgs(argv: readonly string[]): Result<DriftArgs, UsageError> {
  const parsed = parseFlags(argv, {
    source: { type: 'string' },
    target: { type: 'string' },
    tables: { type: 'string' },
    repair: { type: 'boolean' },
    json: { type: 'boolean' },
    'recheck-delay-ms': { type: 'string' },
    'chunk-rows': { type: 'string' },
    'max-replace-rows': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.isErr()) return err(parsed.error);
  const values = parsed.value;
  const delayText = values['recheck-delay-ms'] as string | undefined;
  const delay = delayText === '0' ? ok(0) : wholeNumberFlag('recheck-delay-ms', delayText, 1000, 600_000);
  if (delay.isErr()) return err(delay.error);
  const chunkRows = wholeNumberFlag(
    'chunk-rows',
    values['chunk-rows'] as string | undefined,
    10_000,
    10_000_000,
  );
  if (chunkRows.isErr()) return err(chunkRows.error);
  const maxReplaceRows = wholeNumberFlag(
    'max-replace-rows',
    values['max-replace-rows'] as string | undefined,
    DEFAULT_MAX_REPLACE_ROWS,
    MAX_REPLACE_ROWS,
  );
  if (maxReplaceRows.isErr()) return err(maxReplaceRows.error);
  const tables = tablesFlag(values.tables as string | undefined);
  if (tables.isErr()) return err(tables.error);
  return ok({
    source: values.source as string | undefined,
    target: values.target as string | undefined,
    tables: tables.value,
    repair: values.repair === true,
    json: values.json === true,
    recheckDelayMs: delay.value,
    chunkRows: chunkRows.value,
    maxReplaceRows: maxReplaceRows.value,
    help: values.help === true,
  });
}
