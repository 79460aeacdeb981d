import type { LedgerTable } from './overflow-ledger.js';
import type { PrimaryReread } from './primary-reread.js';

export interface RepairReport {
  /** Rows re-read from the primary and queued. */
  readonly rows: number;
  /** Of those, rows present on the primary (upserted on the backup) and absent (deleted there). */
  readonly upserted: number;
  readonly deleted: number;
  readonly tables: Readonly<Record<string, number>>;
  /** Tables too large for the ledger: run a full sync for these. */
  readonly needsFullSync: readonly string[];
  /** Whether the repaired rows reached the backup before the timeout. */
  readonly applied: boolean;
}

/**
 * Re-reads rows by key from the primary and applies their CURRENT state through the queue, so they are ordered
 * after any older queued write of the same rows (see `primary-reread.ts`). The repair is queued even when the
 * queue is full. If a table's re-read fails, its keys go back to the overflow ledger, the other tables are still
 * repaired, and the first error is thrown.
 */
export async function repairFromPrimary(
  rereads: PrimaryReread,
  flush: (timeoutMs?: number) => Promise<boolean>,
  tables: readonly LedgerTable[],
  needsFullSync: readonly string[],
  timeoutMs?: number,
): Promise<RepairReport> {
  let upserted = 0;
  let deleted = 0;
  const counts: Record<string, number> = {};
  let failure: unknown;
  for (const { table, keys } of tables) {
    try {
      const { changes } = await rereads.read(table, [...keys.values()]);
      for (const change of changes) {
        if (change.op === 'upsert') upserted++;
        else deleted++;
      }
      counts[table.name] = changes.length;
    } catch (error) {
      // Its keys are back in the ledger; the other tables are still repaired.
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  const applied = await flush(timeoutMs);
  return { rows: upserted + deleted, upserted, deleted, tables: counts, needsFullSync, applied };
}
