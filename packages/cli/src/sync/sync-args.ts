import { DEFAULT_BATCH_SIZE, DEFAULT_COPY_CHUNK_ROWS, DEFAULT_LANES } from '@multidb/sync';
import { err, ok, type Result } from 'neverthrow';
import { tablesFlag, type UsageError, wholeNumberFlag } from './database-urls.js';
import { parseFlags } from './parse-flags.js';

export interface SyncArgs {
  readonly source: string | undefined;
  readonly target: string | undefined;
  readonly tables: string[] | undefined;
  readonly batchSize: number;
  readonly chunkRows: number;
  readonly lanes: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly restart: boolean;
  readonly noCopy: boolean;
  readonly skipMatviews: boolean;
  readonly help: boolean;
}

export const SYNC_USAGE = `Usage: multidb sync [options]   (pnpm sync:backup in this repository)

Copies every table from the primary to the backup (foreign-key order, idempotent upserts, resumable).

  --source <url>        primary (default: SUPABASE_DATABASE_URL / PRIMARY_DATABASE_URL / DATABASE_URL / embedded)
  --target <url>        backup (default: BACKUP_DATABASE_URL / REPLIT_DATABASE_URL)
  --tables <list>       comma-separated table or schema.table names ("double quote" odd names)
  --batch-size <n>      rows per page and upsert transaction on the row path (default ${DEFAULT_BATCH_SIZE})
  --chunk-rows <n>      rows per COPY chunk between real Postgres servers (default ${DEFAULT_COPY_CHUNK_ROWS})
  --lanes <n>           key slices of one table copied at once on the COPY path (default ${DEFAULT_LANES})
  --no-copy             always use row batches, even between real Postgres servers
  --restart             ignore checkpoints of an unfinished run and copy everything again
  --skip-matviews       do not refresh the backup's materialized views at the end
  --dry-run             show the plan; write nothing
  --json                print the report as JSON (no progress bars)
  --help                this text

Tables without a primary key (or unique index over NOT NULL columns) are compared by row count and checksum and,
when they differ, emptied and copied whole in one transaction.

Exit codes: 0 every selected table copied; 1 a selected table was not copied (failed, or the run was
interrupted: the report names which and why); 2 bad arguments or configuration.
`;

const MAX_ROWS = 10_000_000;

export function parseSyncArgs(argv: readonly string[]): Result<SyncArgs, UsageError> {
  const parsed = parseFlags(argv, {
    source: { type: 'string' },
    target: { type: 'string' },
    tables: { type: 'string' },
    'batch-size': { type: 'string' },
    'chunk-rows': { type: 'string' },
    lanes: { type: 'string' },
    'no-copy': { type: 'boolean' },
    'skip-matviews': { type: 'boolean' },
    restart: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.isErr()) return err(parsed.error);
  const values = parsed.value;
  const batchSize = wholeNumberFlag(
    'batch-size',
    values['batch-size'] as string | undefined,
    DEFAULT_BATCH_SIZE,
    MAX_ROWS,
  );
  if (batchSize.isErr()) return err(batchSize.error);
  const chunkRows = wholeNumberFlag(
    'chunk-rows',
    values['chunk-rows'] as string | undefined,
    DEFAULT_COPY_CHUNK_ROWS,
    MAX_ROWS,
  );
  if (chunkRows.isErr()) return err(chunkRows.error);
  const lanes = wholeNumberFlag('lanes', values.lanes as string | undefined, DEFAULT_LANES, 16);
  if (lanes.isErr()) return err(lanes.error);
  const tables = tablesFlag(values.tables as string | undefined);
  if (tables.isErr()) return err(tables.error);
  return ok({
    source: values.source as string | undefined,
    target: values.target as string | undefined,
    tables: tables.value,
    batchSize: batchSize.value,
    chunkRows: chunkRows.value,
    lanes: lanes.value,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    restart: values.restart === true,
    noCopy: values['no-copy'] === true,
    skipMatviews: values['skip-matviews'] === true,
    help: values.help === true,
  });
}
