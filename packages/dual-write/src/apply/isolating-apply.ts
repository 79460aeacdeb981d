import { coalescedPlan, exactPlan } from './apply-plan.js';
import { type BackupTarget, type ChangeUnit, touchesAny, unitKeys } from './change.js';
import { commitDoubt } from './commit-doubt.js';
import { isTransientError } from './error-kind.js';

export interface UnitFailure<R> {
  readonly unit: ChangeUnit<R>;
  readonly error: unknown;
}

export interface ApplyReport<R> {
  readonly applied: ChangeUnit<R>[];
  /** Units that cannot be applied now (a constraint, a missing table, ...): retry later, then dead-letter. */
  readonly failed: UnitFailure<R>[];
  /** Units held back because they touch a row of a failed unit: the per-row order must not be broken. */
  readonly deferred: ChangeUnit<R>[];
  /** Units not applied because the backup became unreachable (tried or not), with the error. */
  readonly held: ChangeUnit<R>[];
  /**
   * The held units of the transaction that failed with `heldError` when it may still have committed (see
   * `mayHaveCommitted`): applying their captured rows again could write back states that later units in the same
   * transaction had already replaced.
   */
  readonly inDoubt: ChangeUnit<R>[];
  /** The backup transaction id of the `inDoubt` units, when the target tracked it: its status can be asked. */
  inDoubtXid: string | undefined;
  heldError: unknown;
  /** Backup transactions that rolled back while isolating (each costs a round trip; 0 on the happy path). */
  rollbacks: number;
}

/**
 * Applies a batch in one backup transaction with the fast (coalesced) plan. If the backup rejects the rows, the
 * batch is halved until the offending units are found, so one bad row delays only its own rows and the rows that
 * must come after it; a single unit falls back to the primary's exact statement order before it counts as failed.
 * A transient error (backup down) stops everything and hands the rest back untouched.
 */
export async function applyIsolating<R>(
  units: readonly ChangeUnit<R>[],
  target: BackupTarget<R>,
  isTransient: (error: unknown) => boolean = isTransientError,
): Promise<ApplyReport<R>> {
  const report: ApplyReport<R> = {
    applied: [],
    failed: [],
    deferred: [],
    held: [],
    inDoubt: [],
    inDoubtXid: undefined,
    heldError: undefined,
    rollbacks: 0,
  };
  const blocked = new Set<string>();
  const block = (unit: ChangeUnit<R>) => {
    for (const key of unitKeys(unit)) blocked.add(key);
  };

  const doubt = (error: unknown, units: readonly ChangeUnit<R>[]) => {
    const found = commitDoubt(error);
    if (found === undefined) return;
    report.inDoubt.push(...units);
    report.inDoubtXid = found.xid;
  };

  const tryApply = async (run: () => Promise<void>): Promise<unknown> => {
    try {
      await run();
      return undefined;
    } catch (error) {
      report.rollbacks += 1;
      return error ?? new Error('backup apply failed');
    }
  };

  const run = async (list: readonly ChangeUnit<R>[]): Promise<void> => {
    if (report.heldError !== undefined) {
      report.held.push(...list);
      return;
    }
    const runnable: ChangeUnit<R>[] = [];
    for (const unit of list) {
      if (touchesAny(unit, blocked)) {
        report.deferred.push(unit);
        block(unit);
      } else runnable.push(unit);
    }
    if (runnable.length === 0) return;
    let error = await tryApply(() => target.apply(coalescedPlan(runnable), undefined, runnable));
    if (error === undefined) {
      report.applied.push(...runnable);
      return;
    }
    if (isTransient(error)) {
      report.heldError = error;
      report.held.push(...runnable);
      doubt(error, runnable);
      return;
    }
    if (runnable.length > 1) {
      const middle = Math.ceil(runnable.length / 2);
      await run(runnable.slice(0, middle));
      await run(runnable.slice(middle));
      return;
    }
    const [unit] = runnable as [ChangeUnit<R>];
    if (unit.changes.length > 1)
      error = await tryApply(() => target.apply(exactPlan(unit), undefined, [unit]));
    if (error === undefined) report.applied.push(unit);
    else if (isTransient(error)) {
      report.heldError = error;
      report.held.push(unit);
      doubt(error, [unit]);
    } else {
      report.failed.push({ unit, error });
      block(unit);
    }
  };

  await run(units);
  return report;
}

/** A report of `units` not tried because the backup could not be reached (`error`): they are held. */
export function heldReport<R>(units: readonly ChangeUnit<R>[], error: unknown): ApplyReport<R> {
  return {
    applied: [],
    failed: [],
    deferred: [],
    held: [...units],
    inDoubt: [],
    inDoubtXid: undefined,
    heldError: error,
    rollbacks: 0,
  };
}
