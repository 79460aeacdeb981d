import type { Change } from '../apply/change.js';
import type { Row } from '../apply/drizzle-target.js';

/**
 * What one primary transaction captured, in statement order. Each nested transaction (savepoint) is a child
 * scope: when it rolls back, only the writes of that scope and its descendants are dropped.
 */
export class TransactionScope {
  readonly #parent: TransactionScope | undefined;
  readonly #entries: { scope: TransactionScope; changes: readonly Change<Row>[] }[];
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

  add(changes: readonly Change<Row>[]): void {
    if (changes.length > 0) this.#entries.push({ scope: this, changes });
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

  /** Everything the committed transaction kept, in capture order. */
  committedChanges(): Change<Row>[] {
    return this.#entries.filter((entry) => entry.scope.live).flatMap((entry) => entry.changes);
  }
}
