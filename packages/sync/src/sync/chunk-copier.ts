import type { SqlTx } from '../endpoint/sql-endpoint.js';
import type { KeySlice, KeyText } from '../sql/table-sql.js';

/** What one chunk (one target transaction) did. */
export interface ChunkOutcome {
  readonly rowsRead: number;
  /** Rows inserted or changed on the target; unchanged rows are not rewritten. */
  readonly rowsWritten: number;
  /** The last key read, in source order; `undefined` when the chunk was empty. */
  readonly lastKey: KeyText | undefined;
}

/** Runs a function in a target transaction: a fresh one per chunk, or a shared one for a cycle group. */
export type TargetTxRunner = <T>(fn: (tx: SqlTx) => Promise<T>) => Promise<T>;

/** Called inside the chunk's transaction before it commits (checkpoints are written there). */
export type ChunkCommitHook = (tx: SqlTx, outcome: ChunkOutcome) => Promise<void>;

/** One way of moving a table in keyset chunks: row batches, or COPY streams. */
export interface ChunkCopier {
  readonly strategy: 'batch' | 'copy';
  /** Rows per chunk; a shorter chunk means the table is done. */
  readonly chunkRows: number;
  copyChunk(slice: KeySlice, runTargetTx: TargetTxRunner, commit: ChunkCommitHook): Promise<ChunkOutcome>;
}
