export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([100, 500, 2000]);

/**
 * Rows the backup rejects are retried after each delay in turn, then dead-lettered (`[100, 500, 2000]`: four tries
 * over 2.6 s). An unreachable backup reuses the same delays, the last one repeating, for as long as it is down.
 * The delays are settled (validated) with the rest of the options; see `settle-options.ts`.
 */
export class RetryPolicy {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
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
