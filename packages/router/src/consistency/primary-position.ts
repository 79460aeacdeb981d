import type { Clock } from '@multidb/config';
import type { PositionSource } from '../lag/position-source.js';

/** Least time between two reads of the primary's position made to check tokens (bounds what forged ones cost). */
const MIN_REFRESH_MS = 50;

/**
 * The highest WAL position the primary is known to have reached: from health probes, from tokens this router
 * issued, and, when a token claims more, from asking the primary again (one query at a time, at most every
 * 50 ms). A token ahead of the primary's own position cannot come from a write: it is forged, and routing it to
 * the primary on every request would let any client move its reads there.
 */
export class PrimaryPosition {
  readonly #source: () => PositionSource;
  readonly #clock: Clock;
  #high = 0n;
  #refreshing: Promise<void> | undefined;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;

  constructor(source: () => PositionSource, clock: Clock) {
    this.#source = source;
    this.#clock = clock;
  }

  get high(): bigint {
    return this.#high;
  }

  /** The primary was seen at `position` (a probe, an issued token). */
  seen(position: bigint | undefined): void {
    if (position !== undefined && position > this.#high) this.#high = position;
  }

  /**
   * Whether the primary has reached `position`: `false` only when the primary, asked now, is behind it. When it
   * cannot be asked, the token is given the benefit of the doubt (routing then falls back as for any token).
   */
  async reached(position: bigint): Promise<boolean> {
    if (position <= this.#high) return true;
    try {
      await this.#refresh();
    } catch {
      return true;
    }
    return position <= this.#high;
  }

  #refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const wait = this.#lastRefreshAt + MIN_REFRESH_MS - this.#clock.now();
        if (wait > 0) await this.#clock.sleep(wait);
        this.#lastRefreshAt = this.#clock.now();
        const sample = await this.#source().sample();
        if (sample.role === 'primary') this.seen(sample.insertPosition);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}
