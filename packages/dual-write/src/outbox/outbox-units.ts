import type { Change, ChangeUnit } from '../apply/change.js';
import type { TableRegistry } from '../table-registry.js';
import type { OutboxEntry } from './outbox-store.js';

export type EntryChange = Change<string> & { readonly entry: OutboxEntry };

/**
 * Groups outbox entries into their primary transactions (units, never split on the backup), ordered by their
 * first entry id; the unit's id is that entry id, stable from round to round. Entries of tables the registry does
 * not know are returned apart.
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
    const change: EntryChange = {
      table,
      op: entry.op,
      key: `${entry.tableName}:${entry.entityKey}`,
      row: entry.rowData,
      entry,
    };
    const list = byTx.get(entry.txId);
    if (list) list.push(change);
    else byTx.set(entry.txId, [change]);
  }
  const units = [...byTx.values()].map((changes) => ({
    id: (changes[0] as EntryChange).entry.id,
    changes,
    capturedAt: now,
  }));
  return { units: units.sort((a, b) => a.id - b.id), unknown };
}

export function entryIds(unit: ChangeUnit<string>): number[] {
  return unit.changes.map((change) => (change as EntryChange).entry.id);
}
