import type { Change, ChangeUnit } from '../apply/change.js';

/**
 * One re-read from the primary in progress (see `primary-reread.ts`), from the moment it is sent until its rows
 * are applied: the keys it reads, and for each the lowest version of any unit enqueued meanwhile that touches it.
 */
export interface RereadWatch {
  readonly keys: ReadonlySet<string>;
  /** Entity key → lowest version of a unit touching it that was enqueued after the re-read was sent. */
  readonly lowest: Map<string, number>;
  /** 1 for the first re-read of these rows, 2 for the re-read of an ambiguous one, … */
  readonly attempt: number;
}

/**
 * A re-read reads without locking, so a writer that locked the row before the re-read's snapshot and committed
 * after it is not in what the re-read saw, yet its version is LOWER than the re-read's (the version is read after
 * the snapshot). Ordered by version, that writer's state would be applied first and the re-read's older one over
 * it. Such a unit reaches the queue after the re-read was sent, which is what a watch records: a key touched
 * meanwhile by a unit with a version not above the re-read's is ambiguous (the re-read may or may not include
 * that write) and is re-read again instead of applied. Units enqueued with a higher version are applied after the
 * re-read anyway, and units enqueued before it was sent had committed before its snapshot.
 */
export class RereadWatches {
  readonly #open = new Set<RereadWatch>();

  open(keys: Iterable<string>, attempt: number): RereadWatch {
    const watch: RereadWatch = { keys: new Set(keys), lowest: new Map(), attempt };
    this.#open.add(watch);
    return watch;
  }

  close(watch: RereadWatch): void {
    this.#open.delete(watch);
  }

  get size(): number {
    return this.#open.size;
  }

  /** A unit is enqueued (the re-read's own unit too: it carries its watch and is not compared with itself). */
  observe(changes: readonly Change<string>[], version: number, own?: RereadWatch): void {
    if (this.#open.size === 0) return;
    for (const watch of this.#open) {
      if (watch === own) continue;
      for (const change of changes) {
        if (!watch.keys.has(change.key)) continue;
        const seen = watch.lowest.get(change.key);
        if (seen === undefined || version < seen) watch.lowest.set(change.key, version);
      }
    }
  }

  /** The changes of a re-read unit that may be older than a write enqueued after the re-read was sent. */
  static ambiguous(unit: ChangeUnit<string>, watch: RereadWatch): Change<string>[] {
    const version = unit.version ?? 0;
    return unit.changes.filter((change) => {
      const seen = watch.lowest.get(change.key);
      // Equal versions too: no WAL was written between, so that writer had not committed at the snapshot.
      return seen !== undefined && seen <= version;
    });
  }
}
