import type { SchemaFilter } from '../catalog/schema-filter.js';
import type { TableSelectionError } from '../catalog/select-tables.js';
import type { SetupError } from '../endpoint/open-databases.js';
import type { DatabaseInput } from '../endpoint/resolve-endpoint.js';
import type { CycleMode } from './cycle-mode.js';
import type { MaterializedViewReport } from './refresh-matviews.js';

export interface SyncOptions extends SchemaFilter {
  /** The primary (read only). */
  readonly source: DatabaseInput;
  /** The backup (written). */
  readonly target: DatabaseInput;
  /** `table` or `schema.table`; default every table. Referenced tables are not added automatically. */
  readonly tables?: readonly string[];
  /** Rows per keyset page and upsert transaction on the row path (default 500). */
  readonly batchSize?: number;
  /** Rows per COPY chunk and transaction on the COPY path (default 250,000). */
  readonly copyChunkRows?: number;
  /**
   * Key slices of one table copied concurrently on the COPY path (default 4): a single integer key split into
   * equal spans, each with its own checkpoint. Other keys use one lane.
   */
  readonly lanes?: number;
  /** `auto` (default): COPY when both sides are real Postgres; `false`: always row batches. */
  readonly useCopy?: 'auto' | false;
  /** Plan only: catalogs are read and cycles probed, nothing is written (not even checkpoints). */
  readonly dryRun?: boolean;
  /**
   * `checkpoint` (default): continue an unfinished run from the checkpoints it left on the target;
   * `start`: ignore them and copy every table again (still idempotent).
   */
  readonly resumeFrom?: 'checkpoint' | 'start';
  readonly onProgress?: (event: SyncProgress) => void;
  /**
   * Refresh the target's materialized views at the end (those populated on the source, in dependency order):
   * default true. A sync does not touch them otherwise, so they would show the data of their last refresh.
   */
  readonly refreshMaterializedViews?: boolean;
  /** Stops between chunks; what committed stays committed and is resumed next time. */
  readonly signal?: AbortSignal;
  /** Milliseconds clock, injectable for tests (default `performance.now`). */
  readonly now?: () => number;
}

export interface SyncProgress {
  readonly table: string;
  readonly phase: 'start' | 'chunk' | 'done' | 'skipped' | 'failed';
  readonly rowsDone: number;
  /** Estimate for the progress bar (catalog statistics, else an exact count). */
  readonly rowsTotal: number;
  readonly chunks: number;
}

/**
 * `copied`: done (for a whole-table copy, also when it was equal already and nothing was written); `planned`: a
 * dry run's plan; `failed`: not copied (see `reason`); `aborted`: the run was interrupted. `skipped` is kept for
 * report readers: a selected table is never skipped silently any more.
 */
export type TableStatus = 'copied' | 'planned' | 'skipped' | 'failed' | 'aborted';

/**
 * `keyset`: chunks in key order, upserted, resumable; `whole-table`: a table without a usable key, compared by
 * count and multiset checksum and, when they differ, emptied and copied whole in one target transaction.
 */
export type TableHandling = 'keyset' | 'whole-table';

export interface TableSyncReport {
  readonly table: string;
  readonly status: TableStatus;
  readonly handling: TableHandling | undefined;
  readonly strategy: 'copy' | 'batch' | undefined;
  readonly mode: CycleMode['kind'] | undefined;
  readonly rowsRead: number;
  /** Rows inserted or changed; 0 on a re-run over identical data. */
  readonly rowsWritten: number;
  /** Rows a previous, interrupted run had already copied (resumed after them). */
  readonly resumedAfterRows: number;
  readonly estimatedRows: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
  readonly sequencesFixed: number;
  readonly reason: string | undefined;
  readonly warnings: readonly string[];
}

/** A selected table the run did not copy (or a materialized view it could not refresh), and why. */
export interface SyncProblem {
  readonly table: string;
  readonly status: TableStatus;
  readonly reason: string;
}

export interface SyncReport {
  /**
   * Every selected table was copied (a dry run: could be) and the run was not aborted. Leave tables out on
   * purpose with `tables`; anything else left uncopied makes this false and is listed in `problems`.
   */
  readonly ok: boolean;
  readonly problems: readonly SyncProblem[];
  readonly dryRun: boolean;
  readonly aborted: boolean;
  /** Copy order; a group with several tables is a foreign-key cycle. */
  readonly order: readonly (readonly string[])[];
  readonly tables: readonly TableSyncReport[];
  /** The target's materialized views after the copy; empty when `refreshMaterializedViews` is false or aborted. */
  readonly materializedViews: readonly MaterializedViewReport[];
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly ms: number;
}

export type SyncError =
  | SetupError
  | TableSelectionError
  | { readonly type: 'CheckpointFailed'; readonly message: string };
