import { MultiDbError } from '@multidb/config';
import type { ChangeUnit } from '../apply/change.js';
import type { TableRegistry } from '../table-registry.js';
import type { OutboxEntry } from './outbox-store.js';
import type { EntryChange } from './outbox-units.js';

/** How long tables stay skipped before the drainer looks at their entries again (they may be gone or known). */
const RECHECK_MS = 10_000;
const LOG_AGAIN_MS = 60_000;

export interface HoldDecision {
  /** Units that may be applied now. */
  readonly free: ChangeUnit<string>[];
  /** Entries left in the outbox this round (unknown tables and everything held with them). */
  readonly heldEntries: number;
  /** The error to report, when anything is held. */
  readonly error: MultiDbError | undefined;
  /** Tables were added to the skipped set: the next read may find entries this one could not reach. */
  readonly learned: boolean;
}

/**
 * Outbox entries of tables the draining process does not know (no `schema`, or a schema without that table) can't
 * be applied: the drainer has no key or columns for them. They are not dead-lettered: they stay in the outbox until
 * a drainer that knows the table takes them, and a `UnknownOutboxTable` error says so.
 *
 * The rest keeps draining where the order allows it. A HELD table is an unknown table with entries, any table
 * written in the same primary transaction as a held table (a transaction is never split, and the known rows of a
 * held transaction must not be overtaken by later writes of the same rows), and any table whose Drizzle foreign
 * keys reference a held table, transitively (its rows may reference rows still held). Every entry of a held table
 * waits; other tables flow. A foreign key the database has but the Drizzle tables do not declare is invisible
 * here: such a child row is rejected by the backup and retried, then dead-lettered, like any other rejection.
 *
 * Held tables are skipped by the outbox read (so more than a batch of them cannot starve the others) and
 * re-examined every 10 s, when the set is derived afresh from what the outbox then holds.
 */
export class UnknownTableHolds {
  readonly #registry: TableRegistry;
  readonly #now: () => number;
  #skipped = new Set<string>();
  #since = Number.NEGATIVE_INFINITY;
  #logged = '';
  #loggedAt = Number.NEGATIVE_INFINITY;

  constructor(registry: TableRegistry, now: () => number) {
    this.#registry = registry;
    this.#now = now;
  }

  /** Tables the next outbox read leaves out of its head. */
  skipTables(): string[] {
    if (this.#skipped.size > 0 && this.#now() - this.#since >= RECHECK_MS) this.#skipped = new Set();
    return [...this.#skipped];
  }

  /** `true` while some tables are held: the outbox is not empty even if a round reads nothing. */
  get holding(): boolean {
    return this.#skipped.size > 0;
  }

  /** Splits a round's units (and its entries of unknown tables) into those that may run now and the held rest. */
  decide(units: readonly ChangeUnit<string>[], unknown: readonly OutboxEntry[]): HoldDecision {
    const unknownNames = new Set(unknown.map((e) => e.tableName));
    for (const name of this.#skipped) if (this.#registry.byName(name) === undefined) unknownNames.add(name);
    const held = new Set([...this.#skipped, ...unknownNames]);
    if (held.size === 0) return { free: [...units], heldEntries: 0, error: undefined, learned: false };
    const heldTx = new Set(unknown.map((e) => e.txId));
    const isHeld = new Set<ChangeUnit<string>>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const unit of units) {
        if (isHeld.has(unit) || !this.#mustWait(unit, held, heldTx)) continue;
        isHeld.add(unit);
        changed = true;
        heldTx.add(txOf(unit));
        for (const change of unit.changes) held.add(change.table.name);
      }
    }
    if (this.#skipped.size === 0) this.#since = this.#now();
    const learned = held.size > this.#skipped.size;
    this.#skipped = held;
    let heldEntries = unknown.length;
    for (const unit of isHeld) heldEntries += unit.changes.length;
    return {
      free: units.filter((u) => !isHeld.has(u)),
      heldEntries,
      error: unknownNames.size === 0 ? undefined : unknownTableError([...unknownNames].sort(), heldEntries),
      learned,
    };
  }

  /** Whether to log the error again: when the unknown tables change, else once a minute. */
  shouldLog(error: MultiDbError): boolean {
    const names = String(error.context.tables);
    if (names === this.#logged && this.#now() - this.#loggedAt < LOG_AGAIN_MS) return false;
    this.#logged = names;
    this.#loggedAt = this.#now();
    return true;
  }

  #mustWait(unit: ChangeUnit<string>, held: ReadonlySet<string>, heldTx: ReadonlySet<string>): boolean {
    if (heldTx.has(txOf(unit))) return true;
    return unit.changes.some((c) => this.#referencesHeld(c.table.name, held, new Set()));
  }

  /** The table is held, or one of its (known) ancestors through Drizzle foreign keys is. */
  #referencesHeld(name: string, held: ReadonlySet<string>, seen: Set<string>): boolean {
    if (held.has(name)) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    const meta = this.#registry.byName(name);
    return meta?.parents.some((parent) => this.#referencesHeld(parent, held, seen)) ?? false;
  }
}

function txOf(unit: ChangeUnit<string>): string {
  return (unit.changes[0] as EntryChange).entry.txId;
}

function unknownTableError(tables: readonly string[], heldEntries: number): MultiDbError {
  return new MultiDbError(
    'UnknownOutboxTable',
    `the outbox holds rows of ${tables.join(', ')}, which this draining process does not know: they stay in the ` +
      'outbox, with the rows that must wait for them, and the backup is not a copy until they are applied. Every ' +
      'process that drains the outbox needs the same `schema` as the writers (`schema` of ' +
      'withBackup/createDualWriter, `tables` of OutboxDrainer).',
    { tables: tables.join(','), heldEntries },
  );
}
