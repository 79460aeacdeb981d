import type { AnyPgDatabase } from '@multidb/config';
import type { BackupQueue } from './backup-queue.js';
import type { LedgerTable } from './overflow-ledger.js';
import { rereadChanges } from './reread-rows.js';

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
 * after any older queued write of the same rows. The repair is queued even when the queue is full.
 */
export async function repairFromPrimary(
  primary: AnyPgDatabase,
  queue: BackupQueue,
  tables: readonly LedgerTable[],
  needsFullSync: readonly string[],
  timeoutMs?: number,
): Promise<RepairReport> {
  let upserted = 0;
  let deleted = 0;
  const counts: Record<string, number> = {};
  for (const { table, keys } of tables) {
    const { changes, version } = await rereadChanges(primary, table, [...keys.values()]);
    for (const change of changes) {
      if (change.op === 'upsert') upserted++;
      else deleted++;
    }
    counts[table.name] = changes.length;
    queue.enqueue(changes, { force: true, reread: version });
  }
  const applied = await queue.flush(timeoutMs);
  return { rows: upserted + deleted, upserted, deleted, tables: counts, needsFullSync, applied };
}
