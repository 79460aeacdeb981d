import { describeError } from '@multidb/config';
import { type BackupTarget, type Change, type ChangeUnit, countChanges } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';
import { type ApplyReport, applyIsolating } from '../apply/isolating-apply.js';
import type { DualWriteLogger } from '../logger.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { MetricCounters } from './metrics.js';
import type { OverflowLedger } from './overflow-ledger.js';
import type { RetryPolicy, RetryState, Timing } from './retry-policy.js';
import { selectRunnable } from './unit-scheduler.js';

export interface BackupQueueOptions {
  readonly target: BackupTarget<Row>;
  /** Most rows held in memory; past it new rows go to the overflow ledger (keys only). */
  readonly maxDepth: number;
  /** Rows per backup transaction (a bigger primary transaction still goes in one piece). */
  readonly batchSize: number;
  /**
   * How long the oldest queued row may wait for company before a smaller batch is applied anyway. A few ms turn
   * a stream of single-row writes into a few multi-row backup transactions instead of one each.
   */
  readonly lingerMs: number;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly logger: Required<DualWriteLogger>;
  readonly ledger: OverflowLedger;
  readonly deadLetters: DeadLetterStore;
  readonly metrics: MetricCounters;
}

/**
 * Memory mode's queue: units (a statement, or a committed transaction) in capture order, applied off the caller's
 * path by one background loop, batch after batch, each batch in one backup transaction. Rows of one entity stay
 * in order; a unit waiting for a retry holds back only later units that touch its rows.
 */
export class BackupQueue {
  readonly #o: BackupQueueOptions;
  readonly #retry = new Map<number, RetryState>();
  #pending: ChangeUnit<Row>[] = [];
  #inFlight: readonly ChangeUnit<Row>[] = [];
  #depth = 0;
  #nextId = 1;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #waitingFor: 'linger' | 'retry' | undefined;
  #closed = false;
  #overflowing = false;
  #outageFailures = 0;
  readonly #waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(options: BackupQueueOptions) {
    this.#o = options;
  }

  get depth(): number {
    return this.#depth;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ms since the oldest unapplied row was captured (0 when none). */
  oldestPendingAgeMs(): number {
    const first = [this.#inFlight[0], this.#pending[0]].filter((u) => u !== undefined);
    if (first.length === 0) return 0;
    return Math.max(0, this.#o.timing.now() - Math.min(...first.map((u) => u.capturedAt)));
  }

  /** Synchronous and never throws: the caller's write has already succeeded on the primary. */
  enqueue(changes: readonly Change<Row>[], options: { force?: boolean } = {}): void {
    if (changes.length === 0) return;
    if (this.#closed || (!options.force && this.#depth + changes.length > this.#o.maxDepth)) {
      this.#overflow(changes);
      return;
    }
    this.#overflowing = false;
    this.#pending.push({ id: this.#nextId++, changes, capturedAt: this.#o.timing.now() });
    this.#depth += changes.length;
    // New rows may run past a unit waiting for its retry; a lingering batch that is now full goes at once.
    if (this.#waitingFor === 'retry' || (this.#waitingFor === 'linger' && this.#depth >= this.#o.batchSize)) {
      this.#wake?.();
    }
    this.#schedule();
  }

  /** Resolves `true` once every row enqueued before the call is applied or dead-lettered; `false` on timeout. */
  flush(timeoutMs?: number): Promise<boolean> {
    const upTo = this.#nextId - 1;
    if (this.#settledUpTo(upTo)) return Promise.resolve(true);
    const done = new Promise<boolean>((resolve) =>
      this.#waiters.push({ upTo, resolve: () => resolve(true) }),
    );
    // Somebody is waiting: a lingering batch goes now.
    if (this.#waitingFor === 'linger') this.#wake?.();
    if (timeoutMs === undefined) return done;
    return Promise.race([done, this.#o.timing.sleep(timeoutMs).then(() => false)]);
  }

  /** Stops accepting rows (later ones are recorded in the overflow ledger). */
  close(): void {
    this.#closed = true;
  }

  #overflow(changes: readonly Change<Row>[]): void {
    this.#o.ledger.record(changes, (change) => change.table.keyValues(change.row as Row));
    this.#o.metrics.add('overflowed', changes.length);
    if (!this.#overflowing) {
      this.#overflowing = true;
      this.#o.logger.warn(
        this.#closed
          ? 'backup writer is closed: rows recorded in the overflow ledger'
          : 'backup queue full: rows recorded in the overflow ledger (repair with repairOverflow())',
        { depth: this.#depth, maxDepth: this.#o.maxDepth },
      );
    }
  }

  #settledUpTo(upTo: number): boolean {
    const open = [this.#inFlight[0]?.id, this.#pending[0]?.id].filter((id) => id !== undefined);
    return open.length === 0 || Math.min(...open) > upTo;
  }

  #schedule(): void {
    if (this.#loop !== undefined) return;
    // setImmediate: the apply never runs inside the caller's await chain.
    this.#loop = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#run())
      .catch((error: unknown) =>
        this.#o.logger.error('backup queue loop failed', { error: describeError(error) }),
      )
      .finally(() => {
        this.#loop = undefined;
        if (this.#pending.length > 0) this.#schedule();
      });
  }

  async #run(): Promise<void> {
    for (;;) {
      const now = this.#o.timing.now();
      const { runnable, waitMs } = selectRunnable(
        this.#pending,
        (unit) => this.#retry.get(unit.id),
        now,
        this.#o.batchSize,
      );
      if (runnable.length === 0) {
        if (waitMs === undefined) return;
        await this.#sleepOrWake(waitMs, 'retry');
        continue;
      }
      const lingerLeft = this.#lingerLeft(runnable, now);
      if (lingerLeft > 0) {
        await this.#sleepOrWake(lingerLeft, 'linger');
        continue;
      }
      const taken = new Set(runnable);
      this.#pending = this.#pending.filter((unit) => !taken.has(unit));
      this.#inFlight = runnable;
      let report: ApplyReport<Row>;
      try {
        report = await applyIsolating(runnable, this.#o.target);
      } finally {
        this.#inFlight = [];
      }
      this.#settle(report);
      if (report.heldError !== undefined) {
        this.#outageFailures += 1;
        await this.#o.timing.sleep(this.#o.retry.outageDelay(this.#outageFailures));
      } else this.#outageFailures = 0;
    }
  }

  /** Ms the batch should still wait to grow: only while it is not full and its oldest row is young. */
  #lingerLeft(runnable: readonly ChangeUnit<Row>[], now: number): number {
    if (this.#o.lingerMs <= 0 || this.#closed || this.#waiters.length > 0) return 0;
    let rows = 0;
    let oldest = now;
    for (const unit of runnable) {
      rows += unit.changes.length;
      oldest = Math.min(oldest, unit.capturedAt);
    }
    if (rows >= this.#o.batchSize) return 0;
    return this.#o.lingerMs - (now - oldest);
  }

  async #sleepOrWake(ms: number, reason: 'linger' | 'retry'): Promise<void> {
    this.#waitingFor = reason;
    await Promise.race([this.#o.timing.sleep(ms), new Promise<void>((resolve) => (this.#wake = resolve))]);
    this.#wake = undefined;
    this.#waitingFor = undefined;
  }

  #settle(report: ApplyReport<Row>): void {
    const { metrics, logger } = this.#o;
    const now = this.#o.timing.now();
    const back: ChangeUnit<Row>[] = [...report.deferred, ...report.held];
    metrics.add('failed', report.rollbacks);
    for (const unit of report.applied) this.#done(unit);
    if (report.applied.length > 0) {
      metrics.add('applied', countChanges(report.applied));
      metrics.add('batches');
      metrics.backupReachable = true;
    }
    for (const { unit, error } of report.failed) {
      const state = this.#retry.get(unit.id) ?? { attempts: 0, notBefore: 0, lastError: undefined };
      state.attempts += 1;
      state.lastError = error;
      metrics.lastError = describeError(error);
      const delay = this.#o.retry.retryDelay(state.attempts);
      if (delay === undefined) {
        this.#done(unit);
        this.#o.deadLetters.add(unit, error, state.attempts);
        metrics.add('deadLettered', unit.changes.length);
        continue;
      }
      state.notBefore = now + delay;
      this.#retry.set(unit.id, state);
      metrics.add('retried', unit.changes.length);
      back.push(unit);
      logger.warn('backup rejected rows; will retry', { rows: unit.changes.length, delayMs: delay });
    }
    if (report.heldError !== undefined) {
      metrics.add('retried', countChanges(report.held));
      metrics.backupReachable = false;
      metrics.lastError = describeError(report.heldError);
      if (this.#outageFailures === 0)
        logger.warn('backup unreachable; holding rows', { error: metrics.lastError });
    }
    this.#pending = mergeById(back, this.#pending);
    this.#notifyWaiters();
  }

  #done(unit: ChangeUnit<Row>): void {
    this.#depth -= unit.changes.length;
    this.#retry.delete(unit.id);
  }

  #notifyWaiters(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as { upTo: number; resolve: () => void };
      if (this.#settledUpTo(waiter.upTo)) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function mergeById<R>(a: ChangeUnit<R>[], b: readonly ChangeUnit<R>[]): ChangeUnit<R>[] {
  if (a.length === 0) return [...b];
  const sorted = [...a].sort((x, y) => x.id - y.id);
  const out: ChangeUnit<R>[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < b.length) {
    const x = sorted[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.id < y.id)) {
      out.push(x as ChangeUnit<R>);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
