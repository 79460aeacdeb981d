/**
 * Memory mode's answer to "results reach JavaScript in a different order than the primary committed them".
 *
 * Every captured row carries a version: the primary's WAL insert position read while the row was locked (see
 * `row-text.ts`). For one row, versions follow commit order. What is missing is knowing when no smaller version
 * can still arrive: a statement still running on another pool connection may return one. So every captured
 * statement (and every COMMIT of a transaction that captured rows) is registered here while it is in flight, with
 * a floor below which it cannot deliver a version:
 * - an autocommit statement's rows are written after it was sent, i.e. after every result JavaScript had already
 *   seen: its floor is the highest version seen when it started;
 * - a transaction's rows are all known when its COMMIT is sent: its floor is just below the lowest of them.
 * The watermark is the lowest floor in flight; units at or below it can be applied in version order, and nothing
 * that arrives later can be older than them on the same row. Statements inside an open transaction need no
 * registration: nobody else can write their rows until the COMMIT, which is registered.
 *
 * A statement that hangs would hold the backup back for as long as it hangs: past `maxWaitMs` it no longer holds
 * the watermark, and the queue treats what it eventually returns as late (re-read from the primary).
 */
export class CommitOrder {
  readonly #open = new Map<number, { readonly floor: number; readonly since: number }>();
  readonly #now: () => number;
  readonly #maxWaitMs: number;
  #maxSeen = 0;
  #next = 1;
  #listener: (() => void) | undefined;

  constructor(options: { now: () => number; maxWaitMs: number }) {
    this.#now = options.now;
    this.#maxWaitMs = options.maxWaitMs;
  }

  /** Called whenever the watermark may have risen. */
  onAdvance(listener: () => void): void {
    this.#listener = listener;
  }

  /** A captured version reached JavaScript. */
  seen(version: number): void {
    if (version > this.#maxSeen) this.#maxSeen = version;
  }

  get maxSeen(): number {
    return this.#maxSeen;
  }

  /** A statement (or COMMIT) is sent; `floor` defaults to the highest version seen so far. */
  begin(floor: number = this.#maxSeen): number {
    const token = this.#next++;
    this.#open.set(token, { floor, since: this.#now() });
    return token;
  }

  /** It settled (its rows, if any, are recorded). */
  end(token: number): void {
    if (this.#open.delete(token)) this.#listener?.();
  }

  /**
   * Whether a registration stopped holding the watermark before it ended (it ran past `maxWaitMs`): units newer
   * than its floor may have been applied meanwhile, so what it returns is late. Unknown tokens are expired.
   */
  expired(token: number): boolean {
    const open = this.#open.get(token);
    return open === undefined || open.since < this.#now() - this.#maxWaitMs;
  }

  /** Units whose version is at most this may be applied. */
  watermark(): number {
    let low = Number.POSITIVE_INFINITY;
    const oldest = this.#now() - this.#maxWaitMs;
    for (const { floor, since } of this.#open.values()) {
      if (floor < low && since >= oldest) low = floor;
    }
    return low;
  }

  /** When the next in-flight registration stops holding the watermark (for a timer), or undefined. */
  nextExpiryMs(): number | undefined {
    let first: number | undefined;
    for (const { since } of this.#open.values()) {
      const left = since + this.#maxWaitMs - this.#now();
      if (left >= 0 && (first === undefined || left < first)) first = left;
    }
    return first;
  }

  get inFlight(): number {
    return this.#open.size;
  }
}
