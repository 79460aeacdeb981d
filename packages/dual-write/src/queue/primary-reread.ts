import { type AnyPgDatabase, type Clock, describeError, type Logger } from '@multidb/config';
import type { Change } from '../apply/change.js';
import type { CommitOrder } from '../capture/commit-order.js';
import type { TableMeta } from '../table-meta.js';
import type { BackupQueue } from './backup-queue.js';
import { keyText, type OverflowLedger } from './overflow-ledger.js';
import { type Reread, rereadChanges } from './reread-rows.js';

export interface PrimaryRereadOptions {
  readonly primary: AnyPgDatabase;
  readonly order: CommitOrder;
  readonly ledger: OverflowLedger;
  readonly logger: Required<Logger>;
  readonly clock: Clock;
  /**
   * Re-reads of the same rows before giving up on them (each further one because a concurrent write made the
   * previous one ambiguous); past it their keys go to the overflow ledger. Default 10.
   */
  readonly maxAttempts?: number;
}

/**
 * Memory mode's re-reads: rows whose captured text cannot be applied as it is (late, inexact, ambiguous, or
 * repaired from the overflow ledger and dead letters) are read again from the primary and queued as its current
 * state. A re-read is a statement in flight like any other: it is registered in the commit order (writes newer
 * than it wait for its rows) and watched by the queue (writes that may be newer than its snapshot yet carry a
 * lower version make it ambiguous, see `reread-watches.ts`), so what it reads is never applied over a newer write.
 * Nothing is dropped: a re-read that fails, or that stays ambiguous `maxAttempts` times, records its keys in the
 * overflow ledger.
 */
export class PrimaryReread {
  readonly #o: PrimaryRereadOptions;
  readonly #maxAttempts: number;
  readonly #running = new Set<Promise<unknown>>();
  #queue: BackupQueue | undefined;

  constructor(options: PrimaryRereadOptions) {
    this.#o = options;
    this.#maxAttempts = options.maxAttempts ?? 10;
  }

  /** The queue the re-read rows go to (it also hands rows over to `start`, hence not a constructor option). */
  attach(queue: BackupQueue): void {
    this.#queue = queue;
  }

  get running(): number {
    return this.#running.size;
  }

  /** In the background: re-reads the rows of `changes`, table by table. */
  start(changes: readonly Change<string>[], attempt: number): void {
    if (attempt > this.#maxAttempts) {
      this.#o.ledger.record(changes);
      this.#o.logger.error(
        'rows re-read from the primary were made ambiguous by concurrent writes each time: recorded in the overflow ledger (repair with repairOverflow())',
        { rows: changes.length, attempts: attempt - 1 },
      );
      return;
    }
    const byTable = new Map<TableMeta, Set<string>>();
    for (const change of changes) {
      const keys = byTable.get(change.table) ?? new Set<string>();
      keys.add(keyText(change));
      byTable.set(change.table, keys);
    }
    for (const [table, keys] of byTable) {
      const done = this.read(table, [...keys], attempt).catch(() => undefined);
      this.#running.add(done);
      done.finally(() => this.#running.delete(done));
    }
  }

  /**
   * Re-reads rows of one table by key (key texts, as captured) and queues their current state; resolves with what
   * was read. On failure their keys are recorded in the overflow ledger, and it rejects.
   */
  async read(table: TableMeta, keys: readonly string[], attempt = 1): Promise<Reread> {
    const queue = this.#queue;
    if (queue === undefined) throw new Error('PrimaryReread used before attach()');
    const watch = queue.watch(
      keys.map((key) => `${table.name}:${key}`),
      attempt,
    );
    const token = this.#o.order.begin();
    try {
      const found = await rereadChanges(this.#o.primary, table, keys);
      queue.enqueue(found.changes, {
        force: true,
        version: found.version,
        lateCheck: this.#o.order.expired(token),
        reread: watch,
      });
      return found;
    } catch (error) {
      queue.unwatch(watch);
      this.#o.ledger.recordKeys(table, keys);
      this.#o.logger.error('could not re-read rows from the primary; recorded in the overflow ledger', {
        table: table.name,
        rows: keys.length,
        error: describeError(error),
      });
      throw error;
    } finally {
      this.#o.order.end(token);
    }
  }

  /**
   * Resolves `true` once no re-read is running (also those started while waiting), `false` if that takes longer
   * than `timeoutMs`.
   */
  async settled(timeoutMs?: number): Promise<boolean> {
    const deadline = timeoutMs === undefined ? undefined : this.#o.clock.now() + timeoutMs;
    while (this.#running.size > 0) {
      const all = Promise.allSettled([...this.#running]).then(() => true);
      if (deadline === undefined) {
        await all;
        continue;
      }
      const left = deadline - this.#o.clock.now();
      if (left <= 0) return false;
      if (!(await Promise.race([all, this.#o.clock.sleep(left).then(() => false)]))) return false;
    }
    return true;
  }
}
