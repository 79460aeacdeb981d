import type { RereadWatch } from '../queue/reread-watches.js';
import type { TableMeta } from '../table-meta.js';
import type { ApplyDeadline } from './apply-deadline.js';

export type ChangeOp = 'upsert' | 'delete';

/**
 * One row to make true on the backup: its latest state (upsert) or its absence (delete). `R` is the row as the
 * target needs it: in both modes, a JSON object of the primary's exact column texts (see `capture/row-text.ts`).
 */
export interface Change<R> {
  readonly table: TableMeta;
  readonly op: ChangeOp;
  /** `schema.table:<key as JSON>`; changes with equal keys are ordered and coalesced. */
  readonly key: string;
  readonly row: R;
  /** The row's texts were printed under inexact session settings: re-read it from the primary instead. */
  readonly inexact?: true;
}

/**
 * What the primary made atomic: one statement outside a transaction, or one committed transaction. A unit is
 * never split on the backup.
 */
export interface ChangeUnit<R> {
  readonly id: number;
  /**
   * Memory mode: the commit-order version of the unit (its highest row version, see `capture/commit-order.ts`);
   * units are applied in this order. Durable units are ordered by outbox id instead.
   */
  readonly version?: number;
  readonly changes: readonly Change<R>[];
  /** Clock time of the capture, for the backup-lag metric. */
  readonly capturedAt: number;
  /** Memory mode: the unit is a re-read from the primary, watched for writes that make it ambiguous. */
  readonly reread?: RereadWatch;
}

/** One backup statement's worth of rows (the target may still chunk it for parameter limits). */
export interface Step<R> {
  readonly table: TableMeta;
  readonly op: ChangeOp;
  readonly rows: readonly R[];
}

/**
 * Applies steps to the backup, in order, inside ONE backup transaction; rejects if any fails. With a `deadline`
 * (see `apply-deadline.ts`), the transaction calls `deadline.check()` before each statement and before COMMIT.
 * `units` are the units the steps come from (durable mode records them in the same transaction, see
 * `outbox/applied-ledger.ts`); wrappers pass them on.
 */
export interface BackupTarget<R> {
  apply(steps: readonly Step<R>[], deadline?: ApplyDeadline, units?: readonly ChangeUnit<R>[]): Promise<void>;
}

export function unitKeys<R>(unit: ChangeUnit<R>): string[] {
  return unit.changes.map((change) => change.key);
}

export function touchesAny<R>(unit: ChangeUnit<R>, keys: ReadonlySet<string>): boolean {
  if (keys.size === 0) return false;
  return unit.changes.some((change) => keys.has(change.key));
}

export function countChanges<R>(units: readonly ChangeUnit<R>[]): number {
  let total = 0;
  for (const unit of units) total += unit.changes.length;
  return total;
}
