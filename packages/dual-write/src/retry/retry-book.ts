import { RetryPolicy } from './retry-policy.js';

/** Per-unit retry bookkeeping: how often it failed and when it may run again. */
export interface RetryState {
  attempts: number;
  notBefore: number;
  lastError: unknown;
}

/** What a rejection settles to: try again after `delay` ms, or give up (`delay` undefined: dead-letter it). */
export interface Rejection {
  readonly attempts: number;
  readonly delay: number | undefined;
}

/**
 * Retry settlement, shared by the memory queue and the outbox drainer: per unit (a stable id), whether a rejected
 * unit is retried and when, or given up on; and for the backup as a whole, how long to wait after consecutive
 * rounds that found it unreachable.
 */
export class RetryBook {
  readonly policy: RetryPolicy;
  readonly #states = new Map<number, RetryState>();
  #outages = 0;

  constructor(policy: RetryPolicy | readonly number[] = new RetryPolicy()) {
    this.policy = policy instanceof RetryPolicy ? policy : new RetryPolicy(policy);
  }

  get(unitId: number): RetryState | undefined {
    return this.#states.get(unitId);
  }

  /** A new leadership starts afresh. */
  clear(): void {
    this.#states.clear();
    this.#outages = 0;
  }

  /** The unit is done (applied, dead-lettered, or dropped). */
  forget(unitId: number): void {
    this.#states.delete(unitId);
  }

  /** Books a rejection: the delay before the next try, or `undefined` when no try is left. */
  reject(unitId: number, error: unknown, now: number): Rejection {
    const state = this.#states.get(unitId) ?? { attempts: 0, notBefore: 0, lastError: undefined };
    state.attempts += 1;
    state.lastError = error;
    const delay = this.policy.retryDelay(state.attempts);
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

  /** Consecutive rounds that found the backup unreachable (0 while it answers). */
  get outages(): number {
    return this.#outages;
  }

  /** A round found the backup unreachable: the ms to wait before the next one. */
  outage(): number {
    this.#outages += 1;
    return this.policy.outageDelay(this.#outages);
  }

  /** A round reached the backup: the next outage starts from the first delay again. */
  reachable(): void {
    this.#outages = 0;
  }
}
