import { describeError } from '@multidb/config';
import { type Change, type ChangeUnit, countChanges } from '../apply/change.js';
import { type ApplyReport, applyIsolating } from '../apply/isolating-apply.js';
import { traceApply } from '../telemetry/writer-telemetry.js';
import { CommitDoubts, type DoubtOutcome } from './commit-doubts.js';
import type { BackupQueueOptions, EnqueueOptions } from './queue-options.js';
import { type RereadWatch, RereadWatches } from './reread-watches.js';
import { selectRunnable } from './unit-scheduler.js';
import { insertByVersion, mergeByVersion } from './version-order.js';

/**
 * Memory mode's queue: units (a statement, or a committed transaction) in commit order — by their version, not by
 * when their results arrived — applied off the caller's path by one background loop, batch after batch, each
 * batch in one backup transaction. A unit is applied only once no statement still in flight could return an
 * older version (the commit-order watermark). Rows of one entity stay in order; a unit waiting for a retry holds
 * back only later units that touch its rows.
 */
export class BackupQueue {
  readonly #o: BackupQueueOptions;
  #pending: ChangeUnit<string>[] = [];
  #inFlight: readonly ChangeUnit<string>[] = [];
  #depth = 0;
  #nextId = 1;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** The batch whose COMMIT answer was lost: its units wait in `#pending` until the backup says what happened. */
  readonly #doubts: CommitDoubts;
  #waitingFor: 'linger' | 'retry' | 'order' | undefined;
  #closed = false;
  #overflowing = false;
  /** Highest version handed to the backup so far: a unit arriving at or below it is late. */
  #released = 0;
  readonly #watches = new RereadWatches();
  readonly #waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(options: BackupQueueOptions) {
    this.#o = options;
    this.#doubts = new CommitDoubts(options.commitStatus, options.metrics);
    options.order.onAdvance(() => {
      if (this.#waitingFor === 'order') this.#wake?.();
    });
  }

  get depth(): number {
    return this.#depth;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ms since the oldest unapplied row was captured (0 when none). */
  oldestPendingAgeMs(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const unit of this.#inFlight) oldest = Math.min(oldest, unit.capturedAt);
    for (const unit of this.#pending) oldest = Math.min(oldest, unit.capturedAt);
    if (oldest === Number.POSITIVE_INFINITY) return 0;
    return Math.max(0, this.#o.clock.now() - oldest);
  }

  /**
   * A re-read of these keys is being sent to the primary: from now on, units touching them are recorded against
   * it (see `reread-watches.ts`). Pass the watch with the re-read's rows to `enqueue`, or to `unwatch` if it failed.
   */
  watch(keys: Iterable<string>, attempt: number): RereadWatch {
    return this.#watches.open(keys, attempt);
  }

  unwatch(watch: RereadWatch): void {
    this.#watches.close(watch);
  }

  /** Synchronous and never throws: the caller's write has already succeeded on the primary. */
  enqueue(changes: readonly Change<string>[], options: EnqueueOptions = {}): void {
    if (changes.length === 0) {
      if (options.reread) this.#watches.close(options.reread);
      return;
    }
    if (options.version !== undefined) this.#o.order.seen(options.version);
    const version = options.version ?? this.#o.order.maxSeen;
    // Every write counts for the re-reads in progress, whether it is applied, re-read or overflowed.
    this.#watches.observe(changes, version, options.reread);
    const attempt = (options.reread?.attempt ?? 0) + 1;
    if (changes.some((c) => c.inexact === true)) {
      if (options.reread) this.#watches.close(options.reread);
      this.#inexact(changes);
      return;
    }
    const lateCheck = options.lateCheck ?? options.version !== undefined;
    if (lateCheck && version <= this.#released && this.#late(changes, attempt)) {
      if (options.reread) this.#watches.close(options.reread);
      return;
    }
    if (this.#closed || (!options.force && this.#depth + changes.length > this.#o.maxDepth)) {
      if (options.reread) this.#watches.close(options.reread);
      this.#overflow(changes);
      return;
    }
    this.#overflowing = false;
    insertByVersion(this.#pending, {
      id: this.#nextId++,
      version,
      changes,
      capturedAt: this.#o.clock.now(),
      ...(options.reread ? { reread: options.reread } : {}),
    });
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
    return Promise.race([done, this.#o.clock.sleep(timeoutMs).then(() => false)]);
  }

  /** Stops accepting rows (later ones are recorded in the overflow ledger). */
  close(): void {
    this.#closed = true;
  }

  /** True when the late rows were handed over to be re-read (else they are applied as captured). */
  #late(changes: readonly Change<string>[], attempt: number): boolean {
    this.#o.logger.warn('rows of a statement that outlived the commit-order wait arrived after newer rows', {
      rows: changes.length,
      tables: [...new Set(changes.map((c) => c.table.name))].join(','),
    });
    if (this.#o.reread === undefined) return false;
    this.#handOver(changes, attempt);
    return true;
  }

  #handOver(changes: readonly Change<string>[], attempt: number): void {
    this.#o.metrics.add('reread', changes.length);
    this.#o.reread?.(changes, attempt);
  }

  #inexact(changes: readonly Change<string>[]): void {
    if (this.#o.reread !== undefined) {
      this.#handOver(changes, 1);
      return;
    }
    this.#o.logger.error(
      'rows written under DateStyle/extra_float_digits settings that print values inexactly: recorded in the overflow ledger (pass `primary` so they are re-read, or call repairOverflow())',
      { rows: changes.length },
    );
    this.#o.ledger.record(changes);
    this.#o.metrics.add('overflowed', changes.length);
  }

  #overflow(changes: readonly Change<string>[]): void {
    this.#o.ledger.record(changes);
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
    for (const unit of this.#inFlight) if (unit.id <= upTo) return false;
    for (const unit of this.#pending) if (unit.id <= upTo) return false;
    return true;
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
      if (this.#doubts.open) {
        const outcome = await this.#doubts.resolve();
        if (outcome === undefined) {
          await this.#o.clock.sleep(this.#o.retries.outage());
          continue;
        }
        this.#settleDoubt(outcome);
      }
      const now = this.#o.clock.now();
      const eligible = this.#eligible();
      if (eligible.length === 0) {
        if (this.#pending.length === 0) return;
        // Everything pending could still be preceded by a statement in flight: wait for it to settle.
        await this.#sleepOrWake(this.#o.order.nextExpiryMs() ?? 1000, 'order');
        continue;
      }
      const { runnable, waitMs } = selectRunnable(
        eligible,
        (unit) => this.#o.retries.get(unit.id),
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
      for (const unit of runnable) this.#released = Math.max(this.#released, unit.version ?? 0);
      const batch = this.#unambiguous(runnable);
      if (batch.length === 0) {
        this.#notifyWaiters();
        continue;
      }
      this.#inFlight = batch;
      let report: ApplyReport<string>;
      try {
        report = await traceApply(this.#o.telemetry, batch, () => applyIsolating(batch, this.#o.target));
      } finally {
        this.#inFlight = [];
      }
      this.#settle(report);
      if (report.heldError !== undefined) await this.#o.clock.sleep(this.#o.retries.outage());
      else this.#o.retries.reachable();
    }
  }

  /** The pending units no statement in flight can precede: a prefix, since they are in version order. */
  #eligible(): readonly ChangeUnit<string>[] {
    const mark = this.#o.order.watermark();
    let n = 0;
    while (n < this.#pending.length && ((this.#pending[n] as ChangeUnit<string>).version ?? 0) <= mark) n++;
    return n === this.#pending.length ? this.#pending : this.#pending.slice(0, n);
  }

  /**
   * Takes the rows a concurrent write made ambiguous out of the re-read units about to be applied and hands them
   * over to be re-read again (see `reread-watches.ts`); a unit left without rows is done.
   */
  #unambiguous(runnable: readonly ChangeUnit<string>[]): ChangeUnit<string>[] {
    const batch: ChangeUnit<string>[] = [];
    for (const unit of runnable) {
      const watch = unit.reread;
      const ambiguous = watch === undefined ? [] : RereadWatches.ambiguous(unit, watch);
      if (watch === undefined || ambiguous.length === 0) {
        batch.push(unit);
        continue;
      }
      this.#depth -= ambiguous.length;
      this.#handOver(ambiguous, watch.attempt + 1);
      const dropped = new Set(ambiguous);
      const changes = unit.changes.filter((change) => !dropped.has(change));
      if (changes.length > 0) batch.push({ ...unit, changes });
      else this.#done({ ...unit, changes });
    }
    return batch;
  }

  /** Ms the batch should still wait to grow: only while it is not full and its oldest row is young. */
  #lingerLeft(runnable: readonly ChangeUnit<string>[], now: number): number {
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

  async #sleepOrWake(ms: number, reason: 'linger' | 'retry' | 'order'): Promise<void> {
    this.#waitingFor = reason;
    await Promise.race([this.#o.clock.sleep(ms), new Promise<void>((resolve) => (this.#wake = resolve))]);
    this.#wake = undefined;
    this.#waitingFor = undefined;
  }

  #settle(report: ApplyReport<string>): void {
    const { metrics, logger } = this.#o;
    const now = this.#o.clock.now();
    // A batch whose COMMIT answer was lost waits in the queue until the backup says what became of it.
    this.#doubts.note(report);
    const back: ChangeUnit<string>[] = [...report.deferred, ...report.held];
    metrics.countApplyFailures(report);
    for (const unit of report.applied) this.#done(unit);
    if (report.applied.length > 0) {
      metrics.add('applied', countChanges(report.applied));
      metrics.add('batches');
      metrics.backupReachable = true;
    }
    for (const { unit, error } of report.failed) {
      metrics.lastError = describeError(error);
      const { attempts, delay } = this.#o.retries.reject(unit.id, error, now);
      if (delay === undefined) {
        this.#done(unit);
        this.#o.deadLetters.add(unit, error, attempts);
        metrics.add('deadLettered', unit.changes.length);
        continue;
      }
      metrics.add('retried', unit.changes.length);
      back.push(unit);
      logger.warn('backup rejected rows; will retry', { rows: unit.changes.length, delayMs: delay });
    }
    if (report.heldError !== undefined) {
      metrics.add('retried', countChanges(report.held));
      metrics.backupReachable = false;
      metrics.lastError = describeError(report.heldError);
      if (this.#o.retries.outages === 0)
        logger.warn('backup unreachable; holding rows', { error: metrics.lastError });
    }
    this.#pending = mergeByVersion(back, this.#pending);
    this.#notifyWaiters();
  }

  /** Settles the batch whose COMMIT answer was lost by the backup's word (see `commit-doubts.ts`). */
  #settleDoubt({ status, units }: DoubtOutcome): void {
    if (status === 'aborted') return;
    const doubted = new Set(units);
    this.#pending = this.#pending.filter((unit) => !doubted.has(unit));
    if (status === 'committed') {
      for (const unit of units) this.#done(unit);
      this.#o.metrics.add('applied', countChanges(units));
      this.#o.metrics.add('batches');
      this.#o.metrics.backupReachable = true;
      this.#o.logger.info('the backup committed the batch whose answer was lost: not applied again', {
        rows: countChanges(units),
      });
    } else if (this.#o.reread !== undefined) this.#rereadInDoubt(units);
    else this.#pending = mergeByVersion([...units], this.#pending);
    this.#notifyWaiters();
  }

  /**
   * The batch in flight when the connection was lost may have committed on the backup: its captured rows are not
   * applied again (later units of the batch may have replaced what earlier ones wrote, and a replay would write
   * those older states back, or fail on a foreign key a later unit's delete removed). Their rows are re-read from
   * the primary instead: the current state is right whether or not the backup committed.
   */
  #rereadInDoubt(units: readonly ChangeUnit<string>[]): void {
    const changes: Change<string>[] = [];
    for (const unit of units) {
      this.#done(unit);
      changes.push(...unit.changes);
    }
    this.#o.logger.warn(
      'the backup connection was lost while a batch may have been committing: its rows are re-read from the primary',
      { rows: changes.length },
    );
    this.#handOver(changes, 1);
  }

  #done(unit: ChangeUnit<string>): void {
    this.#depth -= unit.changes.length;
    this.#o.retries.forget(unit.id);
    if (unit.reread) this.#watches.close(unit.reread);
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
