import { type AnyPgDatabase, describeError, type Logger } from '@multidb/config';
import { sql } from 'drizzle-orm';
import type { Change, ChangeUnit } from '../apply/change.js';
import { errorCode } from '../apply/error-kind.js';
import { type OutboxNames, qualified } from '../outbox/outbox-schema.js';

/** A unit of rows the backup kept rejecting after every retry. */
export interface DeadLetter {
  readonly id: number;
  readonly tables: readonly string[];
  /** `schema.table:<key>` of every row of the unit. */
  readonly keys: readonly string[];
  /** What was tried: the rows as captured from the primary (JSON objects of exact column texts). */
  readonly changes: readonly Change<string>[];
  /** The backup's error, credentials redacted. */
  readonly error: string;
  readonly code: string | undefined;
  readonly attempts: number;
  readonly failedAt: Date;
}

export interface DeadLetterStoreOptions {
  /** How many dead letters are kept in memory; older ones move to the overflow ledger (keys only). */
  readonly max: number;
  /** Also insert each dead letter into this table of the primary (created by `ensureOutbox`). */
  readonly table?: { readonly db: AnyPgDatabase; readonly names: OutboxNames };
  readonly logger: Logger;
  readonly now: () => number;
  /** Called with what no longer fits in memory, so it is still recorded somewhere. */
  readonly onEvict: (letter: DeadLetter) => void;
}

export class DeadLetterStore {
  readonly #letters: DeadLetter[] = [];
  readonly #options: DeadLetterStoreOptions;
  #nextId = 1;

  constructor(options: DeadLetterStoreOptions) {
    this.#options = options;
  }

  add(unit: ChangeUnit<string>, error: unknown, attempts: number): DeadLetter {
    const letter: DeadLetter = {
      id: this.#nextId++,
      tables: [...new Set(unit.changes.map((c) => c.table.name))],
      keys: unit.changes.map((c) => c.key),
      changes: unit.changes,
      error: describeError(error),
      code: errorCode(error),
      attempts,
      failedAt: new Date(this.#options.now()),
    };
    this.#letters.push(letter);
    while (this.#letters.length > this.#options.max) {
      const evicted = this.#letters.shift();
      if (evicted) this.#options.onEvict(evicted);
    }
    this.#options.logger.error('backup write dead-lettered', {
      tables: letter.tables.join(','),
      rows: letter.keys.length,
      attempts,
      code: letter.code,
      error: letter.error,
    });
    void this.#persist(letter);
    return letter;
  }

  list(): readonly DeadLetter[] {
    return [...this.#letters];
  }

  take(): DeadLetter[] {
    return this.#letters.splice(0, this.#letters.length);
  }

  async #persist(letter: DeadLetter): Promise<void> {
    const table = this.#options.table;
    if (table === undefined) return;
    try {
      await table.db.execute(sql`insert into ${qualified(table.names, 'deadLetter')}
        (source, table_name, entity_keys, row_data, error, code, attempts)
        values ('memory', ${letter.tables.join(',')}, ${JSON.stringify(letter.keys)}::text::jsonb,
          ${`[${letter.changes.map((c) => `{"op":${JSON.stringify(c.op)},"row":${c.row}}`).join(',')}]`}::text::jsonb,
          ${letter.error}, ${letter.code ?? null}, ${letter.attempts})`);
    } catch (error) {
      this.#options.logger.error('could not record a dead letter on the primary', {
        error: describeError(error),
      });
    }
  }
}
