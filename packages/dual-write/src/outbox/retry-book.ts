import type { RetryPolicy, RetryState } from '../queue/retry-policy.js';

/** The drainer's per-unit retry states (a unit's id is its last outbox entry id, stable from round to round). */
export class RetryBook {
  readonly #states = new Map<number, RetryState>();
  readonly #policy: RetryPolicy;

  constructor(policy: RetryPolicy) {
    this.#policy = policy;
  }

  get(unitId: number): RetryState | undefined {
    return this.#states.get(unitId);
  }

  /** A new leadership starts afresh. */
  clear(): void {
    this.#states.clear();
  }

  forget(unitId: number): void {
    this.#states.delete(unitId);
  }

  /** Books a rejection: the delay before the next try, or `undefined` when no try is left (dead-letter it). */
  reject(unitId: number, error: unknown, now: number): { attempts: number; delay: number | undefined } {
    const state = this.#states.get(unitId) ?? { attempts: 0, notBefore: 0, lastError: undefined };
    state.attempts += 1;
    state.lastError = error;
    const delay = this.#policy.retryDelay(state.attempts);
    if (delay === undefined) this.#states.delete(unitId);
    else {
      state.notBefore = now + delay;
      this.#states.set(unitId, state);
    }
    return { attempts: state.attempts, delay };
  }

  /** Ms until the first unit waiting for a retry is due. */
  nextDue(now: number): number | undefined {
    let first: number | undefined;
    for (const state of this.#states.values())
      first = Math.min(first ?? Number.POSITIVE_INFINITY, state.notBefore);
    return first === undefined ? undefined : Math.max(0, first - now);
  }
}
