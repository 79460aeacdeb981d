import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import type { KeyText } from '../sql/table-sql.js';
import type { Checkpoint, CheckpointStore } from './checkpoint-store.js';
import type { ChunkCopier, TargetTxRunner } from './chunk-copier.js';
import { type Lane, planLanes } from './copy-lanes.js';
import { fixSequences } from './sequence-fixup.js';
import type { SyncProgress } from './sync-types.js';

export interface CopyTableContext {
  readonly source: SqlEndpoint;
  readonly pair: TablePair;
  readonly copier: ChunkCopier;
  readonly runTargetTx: TargetTxRunner;
  readonly checkpoints: CheckpointStore;
  /** The lanes an interrupted run left for this table (ignored when its key differs). */
  readonly resume: readonly Checkpoint[] | undefined;
  /** Lanes to copy concurrently on a fresh start (1 inside a shared transaction). */
  readonly lanes: number;
  readonly rowsTotal: number;
  readonly onProgress: ((event: SyncProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

export interface CopyTableResult {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly resumedAfterRows: number;
  readonly sequencesFixed: number;
}

export class SyncAborted extends Error {
  constructor() {
    super('sync aborted');
    this.name = 'SyncAborted';
  }
}

interface LaneState {
  readonly lane: Lane;
  after: KeyText | undefined;
  copied: number;
  readonly done: boolean;
}

const sameKey = (a: readonly string[], b: readonly string[]) => a.join('\u0000') === b.join('\u0000');

/** The lanes to run: those an interrupted run recorded, or fresh ones recorded now, before any row moves. */
async function startLanes(ctx: CopyTableContext): Promise<LaneState[]> {
  const { pair } = ctx;
  const previous = ctx.resume?.filter((c) => sameKey(c.keyColumns, pair.key)) ?? [];
  if (previous.length > 0 && previous.length === ctx.resume?.length) {
    return previous.map((c) => ({
      lane: { index: c.lane, lower: c.lower ?? undefined, upper: c.upper ?? undefined },
      after: c.lastKey ?? undefined,
      copied: c.rowsCopied,
      done: c.done,
    }));
  }
  const lanes = await planLanes(ctx.source, pair, ctx.lanes, ctx.copier.chunkRows);
  await ctx.runTargetTx(async (tx) => {
    await ctx.checkpoints.clear([pair.source.id], tx);
    for (const lane of lanes) {
      await ctx.checkpoints.save(tx, {
        tableId: pair.source.id,
        lane: lane.index,
        keyColumns: pair.key,
        lower: lane.lower ?? null,
        upper: lane.upper ?? null,
        lastKey: null,
        rowsCopied: 0,
        done: false,
      });
    }
  });
  return lanes.map((lane) => ({ lane, after: undefined, copied: 0, done: false }));
}

/**
 * Copies one table chunk by chunk in key order, each chunk committed with its lane's checkpoint; lanes (key
 * slices) run concurrently. Then fixes the table's sequences.
 */
export async function copyTable(ctx: CopyTableContext): Promise<CopyTableResult> {
  const { pair, copier, checkpoints } = ctx;
  const states = await startLanes(ctx);
  const resumedAfterRows = states.reduce((n, s) => n + s.copied, 0);
  let rowsRead = 0;
  let rowsWritten = 0;
  let chunks = 0;
  let stopped = false;
  const progress = (phase: SyncProgress['phase']) =>
    ctx.onProgress?.({
      table: pair.source.display,
      phase,
      rowsDone: resumedAfterRows + rowsRead,
      rowsTotal: ctx.rowsTotal,
      chunks,
    });
  const save = (state: LaneState, lastKey: KeyText | undefined, done: boolean) =>
    ({
      tableId: pair.source.id,
      lane: state.lane.index,
      keyColumns: pair.key,
      lower: state.lane.lower ?? null,
      upper: state.lane.upper ?? null,
      lastKey: lastKey ?? null,
      rowsCopied: state.copied,
      done,
    }) satisfies Checkpoint;
  const runLane = async (state: LaneState) => {
    for (;;) {
      if (ctx.signal?.aborted) throw new SyncAborted();
      if (stopped) return;
      const slice = { after: state.after, lower: state.lane.lower, upper: state.lane.upper };
      const outcome = await copier.copyChunk(slice, ctx.runTargetTx, async (tx, chunk) => {
        const last = chunk.lastKey ?? state.after;
        const done = chunk.rowsRead < copier.chunkRows || chunk.lastKey === undefined;
        await checkpoints.save(tx, save({ ...state, copied: state.copied + chunk.rowsRead }, last, done));
      });
      state.copied += outcome.rowsRead;
      rowsRead += outcome.rowsRead;
      rowsWritten += outcome.rowsWritten;
      chunks += 1;
      progress('chunk');
      if (outcome.rowsRead < copier.chunkRows || outcome.lastKey === undefined) return;
      state.after = outcome.lastKey;
    }
  };
  progress('start');
  const settled = await Promise.allSettled(
    states
      .filter((s) => !s.done)
      .map((s) =>
        runLane(s).catch((error: unknown) => {
          stopped = true;
          throw error;
        }),
      ),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const sequencesFixed = await ctx.runTargetTx((tx) => fixSequences(ctx.source, pair, tx));
  progress('done');
  return { rowsRead, rowsWritten, resumedAfterRows, sequencesFixed };
}
