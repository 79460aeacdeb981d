export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([100, 500, 2000]);

/**
 * Rows the backup rejects are retried after each delay in turn, then dead-lettered (`[100, 500, 2000]`: four tries
 * over 2.6 s; the number of delays caps the attempts). An unreachable backup reuses the same delays, the last one
 * repeating, for as long as it is down. With `jitter` (0 to 1), each delay is shortened by up to that share at
 * random, so processes that lost the backup together do not retry in lockstep. The values are settled
 * (validated) with the rest of the options; see `settle-options.ts`.
 */
export class RetryPolicy {
  readonly delaysMs: readonly number[];
  readonly jitter: number;
  readonly #random: () => number;

  constructor(delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS, jitter = 0, random = Math.random) {
    this.delaysMs = Object.freeze([...delaysMs]);
    this.jitter = jitter;
    this.#random = random;
  }

  /** Delay after the n-th failure (1-based); `undefined` once the retries are used up. */
  retryDelay(failures: number): number | undefined {
    const delay = failures <= this.delaysMs.length ? this.delaysMs[failures - 1] : undefined;
    return delay === undefined ? undefined : this.#jittered(delay);
  }

  /** Delay before probing an unreachable backup again after n consecutive failed probes (1-based). */
  outageDelay(failures: number): number {
    if (this.delaysMs.length === 0) return 0;
    return this.#jittered(this.delaysMs[Math.min(failures, this.delaysMs.length) - 1] ?? 0);
  }

  #jittered(delay: number): number {
    return this.jitter === 0 ? delay : delay * (1 - this.jitter * this.#random());
  }
}
