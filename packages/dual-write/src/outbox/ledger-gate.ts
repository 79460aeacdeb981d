import type { AnyPgDatabase } from '@multidb/config';
import type { ChangeUnit } from '../apply/change.js';
import { alreadyApplied, type FoundBatch, LedgerBatches, prepareBackup } from './applied-ledger.js';
import type { OutboxNames } from './outbox-schema.js';

/**
 * The drainer's side of the backup's ledger of applied units (see `applied-ledger.ts`): prepares the backup once
 * per leadership, knows when the outcome of the last apply is unknown, and only then asks the backup which units
 * it already holds.
 */
export class LedgerGate {
  /** This drainer's batches in the ledger: each backup transaction opens one. */
  readonly batches = new LedgerBatches();
  readonly #backup: AnyPgDatabase;
  readonly #names: OutboxNames;
  /** The backup has the fence and the ledger (checked once per leadership). */
  #ready = false;
  /**
   * Units read now may already be on the backup: a new leadership (a crashed leader may have committed them
   * without deleting them from the outbox), or a round that ended without knowing whether its backup transaction
   * committed.
   */
  #uncertain = true;

  constructor(backup: AnyPgDatabase, names: OutboxNames) {
    this.#backup = backup;
    this.#names = names;
  }

  newLeadership(): void {
    this.#ready = false;
    this.#uncertain = true;
  }

  /** The units of `runnable` the backup already committed, with their batches; none when the last outcome is known. */
  async applied(
    runnable: readonly ChangeUnit<string>[],
  ): Promise<{ units: ChangeUnit<string>[]; batches: FoundBatch[] }> {
    if (!this.#ready) {
      await prepareBackup(this.#backup, this.#names);
      this.#ready = true;
    }
    if (!this.#uncertain) return { units: [], batches: [] };
    return alreadyApplied(this.#backup, this.#names, runnable);
  }

  /** An apply begins: its outcome is unknown until `settled`. */
  applying(): void {
    this.#uncertain = true;
  }

  /**
   * The round is settled: `removed` are gone from the outbox (their batches, and the `found` ones all of whose
   * units are gone, become prunable); `unknown`: a transient failure may have struck after the backup committed.
   */
  settled(removed: readonly ChangeUnit<string>[], found: readonly FoundBatch[], unknown: boolean): void {
    this.#uncertain = unknown;
    this.batches.settled(removed, found);
  }
}
