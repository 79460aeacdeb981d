import { describeError, type Logger } from '@multidb/config';
import type { DepthReading } from '../queue/metrics.js';
import type { OutboxStatus, OutboxStore } from './outbox-store.js';

export interface OutboxGaugeOptions {
  /** How often the outbox is read. Default 1000 ms; 0: only when read explicitly (`refresh()`/`observe()`). */
  readonly refreshMs?: number;
  /** Entries counted exactly; above it the depth is the id span. Default 10 000. */
  readonly countLimit?: number;
  readonly logger: Required<Logger>;
  readonly now: () => number;
}

export const DEFAULT_DEPTH_REFRESH_MS = 1000;

/**
 * Durable mode's `depth` and `oldestPendingAgeMs`, read from the outbox itself (not from what this process
 * drained), so they are true during a backup outage, in a process that is not the leader, and in a writer without
 * a drainer. One cheap statement (`OutboxStore.status`) per refresh, refreshes never overlap, the timer is unref'd
 * (it never keeps the process alive), and a failed read keeps the last figures with their `depthReadAt`: nothing is
 * ever thrown at the application.
 */
export class OutboxGauge {
  readonly #store: OutboxStore;
  readonly #o: OutboxGaugeOptions;
  #reading: DepthReading = { depth: 0, depthExact: true, oldestPendingAgeMs: 0, depthReadAt: undefined };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight: Promise<void> | undefined;
  #running = false;
  /** Bumped by `stop()`: a chain of refreshes started before it ends there. */
  #generation = 0;
  #failing = false;

  constructor(store: OutboxStore, options: OutboxGaugeOptions) {
    this.#store = store;
    this.#o = options;
  }

  /** The last figures read, with when (`depthReadAt`). Synchronous. */
  get reading(): DepthReading {
    return this.#reading;
  }

  /** Reads the outbox every `refreshMs` until `stop()`. Idempotent. */
  start(): void {
    if (this.#running || (this.#o.refreshMs ?? DEFAULT_DEPTH_REFRESH_MS) <= 0) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops refreshing and waits for a read in flight (so the caller may close the pool afterwards). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#generation += 1;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#inFlight;
  }

  /** Reads now (sharing a read already in flight); never rejects. */
  refresh(): Promise<void> {
    this.#inFlight ??= this.#read().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** A status read elsewhere (e.g. a drain round that found the outbox empty) is as good as a refresh. */
  observe(status: OutboxStatus): void {
    this.#reading = {
      depth: status.pending,
      depthExact: status.exact,
      oldestPendingAgeMs: status.oldestAgeMs,
      depthReadAt: this.#o.now(),
    };
  }

  async #read(): Promise<void> {
    try {
      this.observe(await this.#store.status(this.#o.countLimit));
      if (this.#failing) this.#o.logger.info('outbox depth readable again');
      this.#failing = false;
    } catch (error) {
      // The figures stay as last read; `depthReadAt` shows how old they are.
      if (!this.#failing) {
        this.#o.logger.warn('cannot read the outbox depth; metrics keep the last figures', {
          error: describeError(error),
        });
      }
      this.#failing = true;
    }
  }

  #schedule(delayMs: number): void {
    const generation = this.#generation;
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refresh().then(() => {
        if (generation === this.#generation) this.#schedule(this.#o.refreshMs ?? DEFAULT_DEPTH_REFRESH_MS);
      });
    }, delayMs);
    this.#timer.unref?.();
  }
}
