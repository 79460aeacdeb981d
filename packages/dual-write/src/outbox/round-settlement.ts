import { type Clock, describeError, type Logger } from '@multidb/config';
import { countChanges } from '../apply/change.js';
import { errorCode } from '../apply/error-kind.js';
import type { ApplyReport } from '../apply/isolating-apply.js';
import type { MetricCounters } from '../queue/metrics.js';
import type { RetryBook } from '../retry/retry-book.js';
import { isFencedOut } from './json-target.js';
import type { OutboxStore } from './outbox-store.js';
import { entryIds } from './outbox-units.js';

export interface RoundSettlementOptions {
  readonly store: OutboxStore;
  /** Retry settlement (shared with the memory queue). */
  readonly retries: RetryBook;
  readonly counters: MetricCounters;
  readonly logger: Required<Logger>;
  readonly clock: Clock;
  /** A newer leader fenced this one off the backup. */
  readonly stepDown: () => Promise<void>;
}

/**
 * Books a drain round's outcome: applied entries are deleted from the outbox (only now that the backup committed),
 * rejected units are scheduled for a retry or moved to the dead-letter table, an unreachable backup is waited for,
 * and the counters follow (see `DualWriteMetrics`).
 */
export class RoundSettlement {
  readonly #o: RoundSettlementOptions;

  constructor(options: RoundSettlementOptions) {
    this.#o = options;
  }

  /** Returns how many rows were dead-lettered. */
  async settle(report: ApplyReport<string>): Promise<number> {
    const { store, retries, counters, logger } = this.#o;
    const now = this.#o.clock.now();
    await store.remove(report.applied.flatMap(entryIds));
    for (const unit of report.applied) retries.forget(unit.id);
    counters.countApplyFailures(report);
    if (report.applied.length > 0) {
      counters.add('applied', countChanges(report.applied));
      counters.add('batches');
      counters.backupReachable = true;
    }
    let deadLettered = 0;
    for (const { unit, error } of report.failed) {
      counters.lastError = describeError(error);
      const { attempts, delay } = retries.reject(unit.id, error, now);
      if (delay === undefined) {
        await store.deadLetter(entryIds(unit), describeError(error), errorCode(error), attempts);
        deadLettered += unit.changes.length;
        counters.add('deadLettered', unit.changes.length);
        logger.error('outbox rows dead-lettered', { rows: unit.changes.length, error: describeError(error) });
      } else counters.add('retried', unit.changes.length);
    }
    if (report.heldError === undefined) {
      retries.reachable();
    } else if (isFencedOut(report.heldError)) {
      logger.warn('outbox drainer was superseded by a newer leader; stepping down');
      await this.#o.stepDown();
    } else {
      counters.add('retried', countChanges(report.held));
      counters.backupReachable = false;
      counters.lastError = describeError(report.heldError);
      await this.#o.clock.sleep(retries.outage());
    }
    return deadLettered;
  }
}
