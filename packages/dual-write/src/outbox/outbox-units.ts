import type { Change, ChangeUnit } from '../apply/change.js';
import type { TableRegistry } from '../table-registry.js';
import { isInexactRow } from './exact-units.js';
import type { OutboxEntry } from './outbox-store.js';

export type EntryChange = Change<string> & { readonly entry: OutboxEntry };

/**
 * Groups outbox entries into their primary transactions (units, never split on the backup), ordered by their
 * LAST entry id; the unit's id is that entry id, stable from round to round. Entries of tables the registry does
 * not know are returned apart.
 *
 * Why the last id: entry ids are taken as rows are written, not at commit. Transaction A may write row Y (id 1),
 * then transaction B writes row X (id 2) and commits, then A writes X (id 3) and commits: the primary holds A's
 * X. Ordered by first id A would be applied before B and B's older X would win on the backup. Two transactions
 * that touch the same row are ordered by that row's lock, so the one that committed later wrote its entry for the
 * row after the other had committed, and its last id is the greater: last-id order is commit order for every
 * pair of transactions that share a row.
 */
export function outboxUnits(
  entries: readonly OutboxEntry[],
  registry: TableRegistry,
  now: number,
): { units: ChangeUnit<string>[]; unknown: OutboxEntry[] } {
  const byTx = new Map<string, EntryChange[]>();
  const unknown: OutboxEntry[] = [];
  for (const entry of entries) {
    const table = registry.byName(entry.tableName);
    if (table === undefined) {
      unknown.push(entry);
      continue;
    }
    const base = {
      table,
      op: entry.op,
      key: `${entry.tableName}:${entry.entityKey}`,
      row: entry.rowData,
      entry,
    };
    const change: EntryChange = isInexactRow(entry.rowData) ? { ...base, inexact: true } : base;
    const list = byTx.get(entry.txId);
    if (list) list.push(change);
    else byTx.set(entry.txId, [change]);
  }
  const units = [...byTx.values()].map((changes) => ({
    id: (changes[changes.length - 1] as EntryChange).entry.id,
    changes,
    capturedAt: now,
  }));
  return { units: units.sort((a, b) => a.id - b.id), unknown };
}

export function entryIds(unit: ChangeUnit<string>): number[] {
  return unit.changes.map((change) => (change as EntryChange).entry.id);
}
