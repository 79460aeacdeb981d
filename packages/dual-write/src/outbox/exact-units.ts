import type { AnyPgDatabase } from '@multidb/config';
import type { Change, ChangeUnit } from '../apply/change.js';
import { INEXACT_MARK } from '../capture/row-text.js';
import { keyText } from '../queue/overflow-ledger.js';
import { rereadChanges } from '../queue/reread-rows.js';
import type { TableMeta } from '../table-meta.js';

const MARK = `"${INEXACT_MARK}": true`;

/** An outbox row printed under inexact session settings (see `capture/row-text.ts`). */
export function isInexactRow(rowData: string): boolean {
  return rowData.includes(MARK);
}

/**
 * Durable mode: entries whose texts were printed under inexact session settings (a non-ISO `DateStyle`,
 * `extra_float_digits` below 1) are not applied as written: each such row's CURRENT state is re-read from the
 * primary with fixed settings and applied in its place (a later state than the entry's, so the backup converges
 * to the primary). Units without such rows are returned as they are.
 */
export async function withExactRows(
  primary: AnyPgDatabase,
  units: readonly ChangeUnit<string>[],
): Promise<ChangeUnit<string>[]> {
  const byTable = new Map<TableMeta, Set<string>>();
  for (const unit of units)
    for (const change of unit.changes)
      if (change.inexact) {
        const keys = byTable.get(change.table) ?? new Set<string>();
        keys.add(keyText(change));
        byTable.set(change.table, keys);
      }
  if (byTable.size === 0) return [...units];
  const current = new Map<string, Change<string>>();
  for (const [table, keys] of byTable) {
    const { changes } = await rereadChanges(primary, table, [...keys]);
    for (const change of changes) current.set(change.key, change);
  }
  return units.map((unit) => {
    if (!unit.changes.some((c) => c.inexact)) return unit;
    const changes = unit.changes.map((change) => {
      if (!change.inexact) return change;
      const { inexact: _inexact, ...rest } = change;
      const now = current.get(change.key) as Change<string>;
      return { ...rest, op: now.op, row: now.row };
    });
    return { ...unit, changes };
  });
}
