/** A snapshot of the backup path, for dashboards, health endpoints and tests. */
export interface DualWriteMetrics {
  readonly mode: 'memory' | 'durable';
  /** Rows captured and not yet applied, dead-lettered or overflowed. */
  readonly depth: number;
  /** Age of the oldest pending row in ms: the backup lag. 0 when nothing is pending. */
  readonly oldestPendingAgeMs: number;
  /** Rows written to the backup. */
  readonly applied: number;
  /** Rows scheduled for another try (rejected rows and rows held while the backup was unreachable). */
  readonly retried: number;
  /** Backup transactions that failed and rolled back (each retried, split or dead-lettered). */
  readonly failed: number;
  readonly deadLettered: number;
  /** Rows not queued because the queue was full (or closed); their keys are in the overflow ledger. */
  readonly overflowed: number;
  /** Backup transactions committed. */
  readonly batches: number;
  /** `false` from a connection-class failure until the next successful apply. */
  readonly backupReachable: boolean;
  /** The last backup error, redacted. */
  readonly lastError: string | undefined;
}

export type MetricCounter = 'applied' | 'retried' | 'failed' | 'deadLettered' | 'overflowed' | 'batches';

export class MetricCounters {
  readonly #counts: Record<MetricCounter, number> = {
    applied: 0,
    retried: 0,
    failed: 0,
    deadLettered: 0,
    overflowed: 0,
    batches: 0,
  };
  backupReachable = true;
  lastError: string | undefined;

  add(counter: MetricCounter, amount = 1): void {
    this.#counts[counter] += amount;
  }

  snapshot(mode: DualWriteMetrics['mode'], depth: number, oldestPendingAgeMs: number): DualWriteMetrics {
    return {
      mode,
      depth,
      oldestPendingAgeMs,
      ...this.#counts,
      backupReachable: this.backupReachable,
      lastError: this.lastError,
    };
  }
}
