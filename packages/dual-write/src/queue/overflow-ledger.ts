import type { Change } from '../apply/change.js';
import type { TableMeta } from '../table-meta.js';

/** The rows of one table that the backup may have missed, by key: enough to re-read them from the primary. */
export interface LedgerTable {
  readonly table: TableMeta;
  /** Entity key → the key's exact texts as a JSON array (as captured). */
  readonly keys: ReadonlyMap<string, string>;
}

export interface LedgerSummary {
  /** Distinct rows recorded. */
  readonly keys: number;
  readonly tables: Readonly<Record<string, number>>;
  /**
   * Tables whose missed keys exceeded the ledger's capacity: only a full copy (`pnpm sync:backup`, the sync
   * package) can repair them.
   */
  readonly needsFullSync: readonly string[];
}

/**
 * Bounded record of rows that were NOT applied (queue full, queue closed): nothing is dropped silently. Keys only
 * (the rows themselves are re-read from the primary on repair), deduplicated per row; past `maxKeys` a table is
 * flagged for a full sync instead.
 */
export class OverflowLedger {
  readonly #tables = new Map<string, { table: TableMeta; keys: Map<string, string> }>();
  readonly #needsFullSync = new Set<string>();
  readonly #maxKeys: number;
  #size = 0;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  record(changes: readonly Change<unknown>[]): void {
    for (const change of changes) this.#add(change.table, change.key, keyText(change));
  }

  /** The same for keys given as their texts (JSON arrays, as captured). */
  recordKeys(table: TableMeta, keys: Iterable<string>): void {
    for (const key of keys) this.#add(table, `${table.name}:${key}`, key);
  }

  #add(table: TableMeta, entity: string, key: string): void {
    const name = table.name;
    if (this.#needsFullSync.has(name)) return;
    let entry = this.#tables.get(name);
    if (entry === undefined) {
      entry = { table, keys: new Map() };
      this.#tables.set(name, entry);
    }
    if (entry.keys.has(entity)) return;
    if (this.#size >= this.#maxKeys) {
      this.#needsFullSync.add(name);
      this.#size -= entry.keys.size;
      this.#tables.delete(name);
      return;
    }
    entry.keys.set(entity, key);
    this.#size += 1;
  }

  /** Hands over (and forgets) everything recorded so far. */
  take(): { tables: LedgerTable[]; needsFullSync: string[] } {
    const tables = [...this.#tables.values()];
    const needsFullSync = [...this.#needsFullSync];
    this.#tables.clear();
    this.#needsFullSync.clear();
    this.#size = 0;
    return { tables, needsFullSync };
  }

  summary(): LedgerSummary {
    const tables: Record<string, number> = {};
    for (const [name, entry] of this.#tables) tables[name] = entry.keys.size;
    return { keys: this.#size, tables, needsFullSync: [...this.#needsFullSync] };
  }
}

/** The key part of an entity key (`schema.table:<key as JSON>`). */
export function keyText(change: Change<unknown>): string {
  return change.key.slice(change.table.name.length + 1);
}
