import { type ChangeUnit, touchesAny, unitKeys } from '../apply/change.js';
import type { RetryState } from '../retry/retry-book.js';

export interface Selection<R> {
  readonly runnable: ChangeUnit<R>[];
  /** When nothing can run now but something waits for its retry time: how long until the first is due. */
  readonly waitMs: number | undefined;
}

/**
 * Picks, in capture order, the units that may go to the backup now: not waiting for a retry, and touching no row
 * of an earlier unit that waits (the per-row order is kept; other rows flow past). Stops at `maxChanges`, but
 * always takes at least one unit so a big transaction is never stuck.
 */
export function selectRunnable<R>(
  pending: readonly ChangeUnit<R>[],
  retryState: (unit: ChangeUnit<R>) => RetryState | undefined,
  now: number,
  maxChanges: number,
): Selection<R> {
  const runnable: ChangeUnit<R>[] = [];
  const waiting = new Set<string>();
  let taken = 0;
  let firstDue: number | undefined;
  for (const unit of pending) {
    const state = retryState(unit);
    const notReady = state !== undefined && state.notBefore > now;
    if (notReady || touchesAny(unit, waiting)) {
      if (notReady) firstDue = Math.min(firstDue ?? Number.POSITIVE_INFINITY, state.notBefore);
      for (const key of unitKeys(unit)) waiting.add(key);
      continue;
    }
    if (taken > 0 && taken + unit.changes.length > maxChanges) break;
    runnable.push(unit);
    taken += unit.changes.length;
  }
  return {
    runnable,
    waitMs: runnable.length === 0 && firstDue !== undefined ? Math.max(0, firstDue - now) : undefined,
  };
}
