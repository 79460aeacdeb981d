import type { Logger } from '@multidb/config';
import type { LeaderLock } from './leader-lock.js';
import type { OutboxStore } from './outbox-store.js';

const CHECK_EVERY_MS = 1000;

/**
 * The drainer's claim to lead: the advisory lock plus an epoch taken from a primary sequence when the lock was won.
 * The epoch fences the backup against a leader that lost its lock without noticing.
 */
export class Leadership {
  readonly #lock: LeaderLock;
  readonly #store: OutboxStore;
  readonly #logger: Required<Logger>;
  readonly #now: () => number;
  #epoch: number | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(lock: LeaderLock, store: OutboxStore, logger: Required<Logger>, now: () => number) {
    this.#lock = lock;
    this.#store = store;
    this.#logger = logger;
    this.#now = now;
  }

  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** `true` if this process leads now: it still holds the lock, or just won it. */
  async claim(): Promise<{ leading: boolean; fresh: boolean }> {
    if (this.#epoch !== undefined) {
      // Checked at most once a second: between checks the backup's fence still stops a deposed leader.
      if (this.#now() - this.#checkedAt < CHECK_EVERY_MS) return { leading: true, fresh: false };
      this.#checkedAt = this.#now();
      if (await this.#lock.check()) return { leading: true, fresh: false };
      this.#epoch = undefined;
      this.#logger.warn('outbox drainer lost its lock');
      return { leading: false, fresh: false };
    }
    if (!(await this.#lock.tryAcquire())) return { leading: false, fresh: false };
    try {
      this.#epoch = await this.#store.nextEpoch();
    } catch (error) {
      await this.#lock.release();
      throw error;
    }
    this.#checkedAt = this.#now();
    this.#logger.info('outbox drainer is the leader', { epoch: this.#epoch });
    return { leading: true, fresh: true };
  }

  async stepDown(): Promise<void> {
    this.#epoch = undefined;
    await this.#lock.release().catch(() => {});
  }
}
