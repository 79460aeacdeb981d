import { describeError } from '@multidb/config';
import type { ChangeUnit } from '../apply/change.js';
import type { ApplyReport } from '../apply/isolating-apply.js';
import type { MetricCounters } from './metrics.js';
import type { BackupQueueOptions } from './queue-options.js';

/** What became of the batch whose COMMIT answer was lost, once the backup could tell. */
export interface DoubtOutcome {
  /** `committed`: done; `aborted`: apply as captured; `unknown`: nobody can tell, re-read the rows. */
  readonly status: 'committed' | 'aborted' | 'unknown';
  readonly units: readonly ChangeUnit<string>[];
}

/**
 * Memory mode's batch whose COMMIT answer was lost (see `commit-doubt.ts`): its units wait in the queue while the
 * backup is asked (`txid_status` of the transaction id the batch took first) whether it committed. While the
 * backup cannot be reached the outage is reported like a probe's.
 */
export class CommitDoubts {
  readonly #ask: BackupQueueOptions['commitStatus'];
  readonly #metrics: MetricCounters;
  #open: { readonly units: readonly ChangeUnit<string>[]; readonly xid: string | undefined } | undefined;

  constructor(ask: BackupQueueOptions['commitStatus'], metrics: MetricCounters) {
    this.#ask = ask;
    this.#metrics = metrics;
  }

  get open(): boolean {
    return this.#open !== undefined;
  }

  /** Records the report's in-doubt batch, if any. */
  note(report: ApplyReport<string>): void {
    if (report.inDoubt.length > 0) this.#open = { units: report.inDoubt, xid: report.inDoubtXid };
  }

  /** The outcome, or `undefined` while it cannot be told yet (backup unreachable, transaction in progress). */
  async resolve(): Promise<DoubtOutcome | undefined> {
    const doubt = this.#open;
    if (doubt === undefined) return undefined;
    const { status, error } =
      doubt.xid === undefined || this.#ask === undefined
        ? { status: 'unknown' as const, error: undefined }
        : await this.#ask(doubt.xid);
    if (status === 'unreachable') {
      this.#metrics.backupReachable = false;
      this.#metrics.lastError = describeError(error);
      return undefined;
    }
    if (status === 'in progress') return undefined;
    this.#open = undefined;
    return { status, units: doubt.units };
  }
}
