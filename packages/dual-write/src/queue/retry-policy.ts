import { MultiDbError } from '@multidb/config';

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([100, 500, 2000]);

/** Clock and timer, injectable so tests control time. */
export interface Timing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref?.()),
};

/** Per-unit retry bookkeeping: how often it failed and when it may run again. */
export interface RetryState {
  attempts: number;
  notBefore: number;
  lastError: unknown;
}

/**
 * Rows the backup rejects are retried after each delay in turn, then dead-lettered (`[100, 500, 2000]`: four tries
 * over 2.6 s). An unreachable backup reuses the same delays, the last one repeating, for as long as it is down.
 */
export class RetryPolicy {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
    if (!delaysMs.every((ms) => Number.isFinite(ms) && ms >= 0)) {
      throw new MultiDbError('InvalidConfig', 'retry delays must be finite, non-negative numbers of ms');
    }
    this.delaysMs = Object.freeze([...delaysMs]);
  }

  /** Delay after the n-th failure (1-based); `undefined` once the retries are used up. */
  retryDelay(failures: number): number | undefined {
    return failures <= this.delaysMs.length ? this.delaysMs[failures - 1] : undefined;
  }

  /** Delay before probing an unreachable backup again after n consecutive failed probes (1-based). */
  outageDelay(failures: number): number {
    if (this.delaysMs.length === 0) return 0;
    return this.delaysMs[Math.min(failures, this.delaysMs.length) - 1] ?? 0;
  }
}
