import type { Change } from '../apply/change.js';

/**
 * What one primary transaction captured, in statement order, with the versions of its rows. Each nested
 * transaction (savepoint) is a child scope: when it rolls back, only the writes of that scope and its
 * descendants are dropped.
 */
export class TransactionScope {
  readonly #parent: TransactionScope | undefined;
  readonly #entries: {
    scope: TransactionScope;
    changes: readonly Change<string>[];
    low: number;
    high: number;
  }[];
  #discarded = false;

  private constructor(parent: TransactionScope | undefined) {
    this.#parent = parent;
    this.#entries = parent === undefined ? [] : parent.#entries;
  }

  static root(): TransactionScope {
    return new TransactionScope(undefined);
  }

  child(): TransactionScope {
    return new TransactionScope(this);
  }

  /** One statement's rows, with the lowest and highest version among them. */
  add(changes: readonly Change<string>[], low: number, high: number): void {
    if (changes.length > 0) this.#entries.push({ scope: this, changes, low, high });
  }

  /** The savepoint of this scope rolled back. */
  discard(): void {
    this.#discarded = true;
  }

  get live(): boolean {
    for (let scope: TransactionScope | undefined = this; scope; scope = scope.#parent) {
      if (scope.#discarded) return false;
    }
    return true;
  }

  /** Everything the committed transaction kept, in capture order, with its lowest and highest version. */
  committed(): { changes: Change<string>[]; low: number; high: number } {
    const kept = this.#entries.filter((entry) => entry.scope.live);
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    for (const entry of kept) {
      low = Math.min(low, entry.low);
      high = Math.max(high, entry.high);
    }
    return { changes: kept.flatMap((entry) => entry.changes), low, high };
  }

  /** Lowest version captured so far (rows of rolled-back savepoints included: a safe bound). */
  lowestVersion(): number | undefined {
    let low: number | undefined;
    for (const entry of this.#entries) low = low === undefined ? entry.low : Math.min(low, entry.low);
    return low;
  }
}
