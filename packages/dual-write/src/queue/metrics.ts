/**
 * A snapshot of the backup path, for dashboards, health endpoints and tests. Counters count since the writer (or
 * drainer) was created, in this process only; `depth` and `oldestPendingAgeMs` are gauges.
 *
 * Memory mode: the gauges are the in-process queue, exact and live. Durable mode: they are read from the outbox
 * table on the primary by every process that has a writer or a drainer (leader or not), `depthRefreshMs`
 * (default 1000) apart, so they are true during an outage and in processes that do not drain; `depthReadAt` says
 * when. The counters of a durable writer are those of the drainer running in this process (all 0 without one).
 */
export interface DualWriteMetrics {
  readonly mode: 'memory' | 'durable';
  /**
   * Rows not yet on the backup. Memory: rows queued in this process and not yet applied, dead-lettered or
   * overflowed (in flight included). Durable: entries in the outbox, from every process (one per row version;
   * entries held back included; entries of transactions still open are invisible and not counted), counted
   * exactly up to 10 000; above that `depthExact` is `false` and `depth` is the span of outbox ids (highest minus
   * lowest plus one), an upper bound that also counts ids left unused by rolled-back writes and entries already
   * applied out of order.
   */
  readonly depth: number;
  /** `false` when `depth` is the id-span estimate (durable mode, past `depthExactLimit`); always `true` in memory. */
  readonly depthExact: boolean;
  /**
   * Age in ms of the oldest pending row: the backup lag. 0 when nothing is pending. Memory: since its capture.
   * Durable: the server's `clock_timestamp() - created_at` of the lowest-id outbox entry (no client clock skew),
   * as of `depthReadAt`.
   */
  readonly oldestPendingAgeMs: number;
  /**
   * Durable: when `depth`/`oldestPendingAgeMs` were read from the outbox (the writer's clock, ms since the epoch),
   * `undefined` before the first read; a value older than a few seconds means the primary did not answer (the
   * figures are stale, not zero). Memory: `undefined`, the figures are the live in-process queue.
   */
  readonly depthReadAt: number | undefined;
  /** Rows (row versions in durable mode) written to the backup by a committed backup transaction. */
  readonly applied: number;
  /**
   * Rows scheduled for another try: each rejected row that has tries left, and each row held back while the
   * backup was unreachable (a row held through five outage probes counts five times).
   */
  readonly retried: number;
  /**
   * Rows whose apply attempt the backup rejected with a non-transient error (a constraint, a missing table, ...),
   * once per attempt: a row rejected on each of 4 tries counts 4 (and then `deadLettered` 1). Rows held while the
   * backup is unreachable are not failures (see `retried`, `backupReachable`).
   */
  readonly failed: number;
  /**
   * Backup transactions rolled back while isolating rejected rows: the batch is halved until the offending unit is
   * found, and a single multi-statement unit is retried in the primary's exact order. Each costs a round trip; 0 on
   * the happy path. The attempt that found the backup unreachable is not counted.
   */
  readonly rollbacks: number;
  /** Rows moved to the dead letters after their last try (memory: the in-memory list; durable: the table). */
  readonly deadLettered: number;
  /** Memory mode: rows not queued because the queue was full (or closed); their keys are in the overflow ledger. */
  readonly overflowed: number;
  /**
   * Memory mode: rows handed over to be re-read from the primary instead of applied as captured — late rows (a
   * statement that ran past `maxOrderWaitMs`), rows printed under inexact session settings, and rows of a re-read
   * that a concurrent write made ambiguous (read again). Each hand-over counts its rows once. 0 on the happy path;
   * a steady rise means statements outlive `maxOrderWaitMs` or sessions use non-ISO output settings.
   */
  readonly reread: number;
  /** Batches (durable: drain rounds) that committed rows; a batch split while isolating still counts once. */
  readonly batches: number;
  /** `false` from a connection-class failure until the next successful apply. */
  readonly backupReachable: boolean;
  /**
   * The last error of the backup path, redacted: a rejection, the outage error, or (durable) a drain-round error
   * such as `UnknownOutboxTable`. Sticky: it stays until another error replaces it.
   */
  readonly lastError: string | undefined;
}

/** What the gauges read; see `DualWriteMetrics`. */
export interface DepthReading {
  readonly depth: number;
  readonly depthExact: boolean;
  readonly oldestPendingAgeMs: number;
  readonly depthReadAt: number | undefined;
}

export type MetricCounter =
  | 'applied'
  | 'retried'
  | 'failed'
  | 'rollbacks'
  | 'deadLettered'
  | 'overflowed'
  | 'reread'
  | 'batches';

/** The part of an apply report the failure counters need (see `apply/isolating-apply.ts`). */
interface ApplyOutcome {
  readonly failed: readonly { readonly unit: { readonly changes: readonly unknown[] } }[];
  readonly heldError: unknown;
  readonly rollbacks: number;
}

export class MetricCounters {
  readonly #counts: Record<MetricCounter, number> = {
    applied: 0,
    retried: 0,
    failed: 0,
    rollbacks: 0,
    deadLettered: 0,
    overflowed: 0,
    reread: 0,
    batches: 0,
  };
  backupReachable = true;
  lastError: string | undefined;

  add(counter: MetricCounter, amount = 1): void {
    this.#counts[counter] += amount;
  }

  /**
   * `failed`: the rows of the units the backup rejected; `rollbacks`: the isolating transactions. The report's
   * own `rollbacks` also counts the one attempt that met a transient error (it ends the round), taken off here.
   */
  countApplyFailures(report: ApplyOutcome): void {
    let rows = 0;
    for (const { unit } of report.failed) rows += unit.changes.length;
    this.#counts.failed += rows;
    this.#counts.rollbacks += Math.max(0, report.rollbacks - (report.heldError === undefined ? 0 : 1));
  }

  /** `depth` as a number: memory mode's live queue; as a reading: durable mode's outbox gauge. */
  snapshot(
    mode: DualWriteMetrics['mode'],
    depth: number | DepthReading,
    oldestPendingAgeMs = 0,
  ): DualWriteMetrics {
    const reading: DepthReading =
      typeof depth === 'number'
        ? { depth, depthExact: true, oldestPendingAgeMs, depthReadAt: undefined }
        : depth;
    return {
      mode,
      ...reading,
      ...this.#counts,
      backupReachable: this.backupReachable,
      lastError: this.lastError,
    };
  }
}
