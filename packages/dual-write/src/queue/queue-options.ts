import type { Clock, Logger } from '@multidb/config';
import type { BackupTarget, Change } from '../apply/change.js';
import type { CommitStatus } from '../apply/commit-doubt.js';
import type { CommitOrder } from '../capture/commit-order.js';
import type { RetryBook } from '../retry/retry-book.js';
import type { WriterTelemetry } from '../telemetry/writer-telemetry.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { MetricCounters } from './metrics.js';
import type { OverflowLedger } from './overflow-ledger.js';
import type { RereadWatch } from './reread-watches.js';

/** What memory mode's queue (`backup-queue.ts`) is built with. */
export interface BackupQueueOptions {
  readonly target: BackupTarget<string>;
  /** A span per apply batch (OpenTelemetry), when on. */
  readonly telemetry?: WriterTelemetry | undefined;
  /** Most rows held in memory; past it new rows go to the overflow ledger (keys only). */
  readonly maxDepth: number;
  /** Rows per backup transaction (a bigger primary transaction still goes in one piece). */
  readonly batchSize: number;
  /**
   * How long the oldest queued row may wait for company before a smaller batch is applied anyway. A few ms turn
   * a stream of single-row writes into a few multi-row backup transactions instead of one each.
   */
  readonly lingerMs: number;
  /** Retry settlement (shared with the outbox drainer): which rejected units are tried again, and when. */
  readonly retries: RetryBook;
  readonly clock: Clock;
  readonly logger: Required<Logger>;
  readonly ledger: OverflowLedger;
  readonly deadLetters: DeadLetterStore;
  readonly metrics: MetricCounters;
  /** Commit order of captures: the watermark below which units may be applied (see `commit-order.ts`). */
  readonly order: CommitOrder;
  /**
   * Rows whose captured text cannot be applied as it is: a statement that stopped holding the watermark (it ran
   * past `CommitOrder`'s wait) and returned after newer rows were applied, rows printed under inexact session
   * settings, or rows of a re-read that a concurrent write made ambiguous (see `reread-watches.ts`). Given this,
   * they are handed over to be re-read from the primary (`attempt` counts re-reads of the same rows); without it,
   * late rows are applied as captured and inexact ones go to the overflow ledger (never applied with possibly
   * wrong values).
   */
  readonly reread?: (changes: readonly Change<string>[], attempt: number) => void;
  /**
   * Asks the backup whether its transaction `xid` committed (see `commit-doubt.ts`): a batch whose COMMIT answer
   * was lost is then counted as applied, or applied again as captured, never guessed at.
   */
  readonly commitStatus?: (
    xid: string,
  ) => Promise<{ readonly status: CommitStatus; readonly error?: unknown }>;
}

/** What a unit is enqueued with; see `BackupQueue.enqueue`. */
export interface EnqueueOptions {
  /** Queue it even past `maxDepth` (repairs). */
  readonly force?: boolean;
  /** Its commit-order version (default: the highest seen so far). */
  readonly version?: number;
  /**
   * Whether a `version` at or below what was already applied makes it late (re-read instead of applied). Default:
   * `true` when a version is given. A transaction passes whether its COMMIT outlived the commit-order wait.
   */
  readonly lateCheck?: boolean;
  /** The rows are a re-read from the primary: its watch, closed once they are applied (or given up on). */
  readonly reread?: RereadWatch;
}
