import type { TableMeta } from '../table-meta.js';
import type { Change, ChangeUnit, Step } from './change.js';

/**
 * The fast plan for a batch (units in commit order), in ordered segments that the target runs in ONE backup
 * transaction. Within a segment each row keeps only its LAST state (coalescing), upserts are grouped per table with
 * parents before children, then deletes per table with children before parents. Upserts go first so a child that
 * moved to a new parent is repointed before the old parent goes. Within a table, rows keep the order of their last
 * write. Foreign keys are checked at the end of each statement, so self-references inside one table are fine.
 *
 * Coalescing never erases a delete: a row written again after a delete in the same segment starts a new segment, so
 * the delete (and everything before it) runs first. The backup then replays the delete's own `ON DELETE CASCADE` /
 * `SET NULL` actions exactly as the primary did; a delete + re-insert merged into one upsert would skip them.
 */
export function coalescedPlan<R>(units: readonly ChangeUnit<R>[]): Step<R>[] {
  const steps: Step<R>[] = [];
  let latest = new Map<string, Change<R>>();
  for (const unit of units) {
    for (const change of unit.changes) {
      if (change.op === 'upsert' && latest.get(change.key)?.op === 'delete') {
        segmentSteps(latest.values(), steps);
        latest = new Map();
      }
      latest.delete(change.key);
      latest.set(change.key, change);
    }
  }
  segmentSteps(latest.values(), steps);
  return steps;
}

/** Appends one segment's statements (its rows' last states) to `steps`: upserts parents-first, deletes after. */
function segmentSteps<R>(changes: Iterable<Change<R>>, steps: Step<R>[]): void {
  const upserts = new Map<TableMeta, R[]>();
  const deletes = new Map<TableMeta, R[]>();
  const tables: TableMeta[] = [];
  for (const change of changes) {
    const bucket = change.op === 'upsert' ? upserts : deletes;
    const rows = bucket.get(change.table);
    if (rows) rows.push(change.row);
    else bucket.set(change.table, [change.row]);
    tables.push(change.table);
  }
  const order = parentsFirst(tables);
  for (const table of order) {
    const rows = upserts.get(table);
    if (rows) steps.push({ table, op: 'upsert', rows });
  }
  for (const table of [...order].reverse()) {
    const rows = deletes.get(table);
    if (rows) steps.push({ table, op: 'delete', rows });
  }
}

/**
 * The exact plan for one unit: the primary's own order, one statement per run of consecutive changes to the same
 * table with the same operation, a run ending where a row repeats. Used when the fast plan hits a constraint
 * (e.g. two rows swapping a unique value inside one transaction).
 */
export function exactPlan<R>(unit: ChangeUnit<R>): Step<R>[] {
  const steps: Step<R>[] = [];
  let current: { table: TableMeta; op: Change<R>['op']; rows: R[]; keys: Set<string> } | undefined;
  for (const change of unit.changes) {
    if (
      current === undefined ||
      current.table !== change.table ||
      current.op !== change.op ||
      current.keys.has(change.key)
    ) {
      current = { table: change.table, op: change.op, rows: [], keys: new Set() };
      steps.push(current);
    }
    current.rows.push(change.row);
    current.keys.add(change.key);
  }
  return steps.map(({ table, op, rows }) => ({ table, op, rows }));
}

/**
 * Distinct tables, parents before children (Kahn's algorithm over the foreign keys among them), otherwise in
 * order of first appearance. Tables in a reference cycle keep their appearance order.
 */
export function parentsFirst(tables: readonly TableMeta[]): TableMeta[] {
  const distinct = [...new Set(tables)];
  const byName = new Map(distinct.map((table) => [table.name, table]));
  const waitingOn = new Map<TableMeta, number>();
  const children = new Map<TableMeta, TableMeta[]>();
  for (const table of distinct) {
    const parents = table.parents.filter((name) => byName.has(name));
    waitingOn.set(table, parents.length);
    for (const name of parents) {
      const parent = byName.get(name) as TableMeta;
      children.set(parent, [...(children.get(parent) ?? []), table]);
    }
  }
  const ordered: TableMeta[] = [];
  const done = new Set<TableMeta>();
  while (ordered.length < distinct.length) {
    const ready = distinct.find((table) => !done.has(table) && waitingOn.get(table) === 0);
    // A cycle: take the first remaining table and let the constraint retry sort out the rest.
    const next = ready ?? distinct.find((table) => !done.has(table));
    if (next === undefined) break;
    ordered.push(next);
    done.add(next);
    for (const child of children.get(next) ?? []) waitingOn.set(child, (waitingOn.get(child) ?? 1) - 1);
  }
  return ordered;
}
