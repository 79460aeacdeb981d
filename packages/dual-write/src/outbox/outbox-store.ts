import { type AnyPgDatabase, quoteQualified } from '@multidb/config';
import { type SQL, sql } from 'drizzle-orm';
import { runReusable } from '../apply/run-query.js';
import { type OutboxNames, qualified } from './outbox-schema.js';

/** One outbox row as the drainer reads it; `rowData` stays JSON text end to end. */
export interface OutboxEntry {
  readonly id: number;
  readonly txId: string;
  readonly tableName: string;
  readonly op: 'upsert' | 'delete';
  readonly entityKey: string;
  readonly rowData: string;
}

export interface OutboxStatus {
  /** Entries in the outbox: exact up to the count limit, else the id span (see `exact`). */
  readonly pending: number;
  /** `false` when there were more entries than the count limit and `pending` is the id span (an upper bound). */
  readonly exact: boolean;
  /** The server's `clock_timestamp() - created_at` of the lowest-id entry, in ms; 0 when empty. */
  readonly oldestAgeMs: number;
}

/** Entries counted exactly by `status()`; above it the id span is reported instead. */
export const DEFAULT_COUNT_LIMIT = 10_000;

/** The drainer's SQL against the primary's outbox table. */
export class OutboxStore {
  readonly #db: AnyPgDatabase;
  readonly #names: OutboxNames;

  constructor(db: AnyPgDatabase, names: OutboxNames) {
    this.#db = db;
    this.#names = names;
  }

  /**
   * The oldest `limit` entries by id, completed with the other entries of their transactions so a primary
   * transaction is never split. Entries of transactions still open are invisible and are read by a later round.
   * Entries of the `skipTables` are left out of the head (they may still come in to complete a transaction).
   *
   * The head's entries are found again through their transactions (the `tx_id` index): an `id in head or tx_id in
   * head` filter cannot use either index and scanned the whole outbox on every round (1.35 s for 500 entries
   * with 1M behind them, where this takes a few ms).
   */
  async readBatch(limit: number, skipTables: readonly string[] = []): Promise<OutboxEntry[]> {
    const rows = await runReusable(this.#db, readBatchQuery(this.#names, limit, skipTables));
    return rows.map((row) => ({
      id: Number(row.id),
      txId: String(row.tx_id),
      tableName: String(row.table_name),
      op: row.op === 'delete' ? 'delete' : 'upsert',
      entityKey: String(row.entity_key),
      rowData: String(row.row_data),
    }));
  }

  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await runReusable(
      this.#db,
      sql`delete from ${qualified(this.#names, 'outbox')} where id = any(${`{${ids.join(',')}}`}::bigint[])`,
    );
  }

  /** Moves entries to the dead-letter table, in one primary transaction. */
  async deadLetter(ids: readonly number[], error: string, code: string | undefined, attempts: number) {
    if (ids.length === 0) return;
    const idArray = sql`${`{${ids.join(',')}}`}::bigint[]`;
    const outbox = qualified(this.#names, 'outbox');
    await this.#db.transaction(async (tx) => {
      await tx.execute(sql`insert into ${qualified(this.#names, 'deadLetter')}
          (source, table_name, entity_keys, row_data, error, code, attempts)
        select 'outbox', string_agg(distinct table_name, ','), jsonb_agg(table_name || ':' || entity_key order by id),
          jsonb_agg(jsonb_build_object('id', id, 'op', op, 'row', row_data) order by id), ${error}, ${code ?? null}, ${attempts}
        from ${outbox} where id = any(${idArray})`);
      await tx.execute(sql`delete from ${outbox} where id = any(${idArray})`);
    });
  }

  /**
   * Depth and lag in one statement (one snapshot), cheap at any outbox size: the count stops at `countLimit + 1`
   * rows (a plain `count(*)` scans the whole table: 60-70 ms at 1M entries); the lowest and highest ids come from
   * the primary-key index. The age is computed by the server, so client clock skew does not enter it.
   */
  async status(countLimit: number = DEFAULT_COUNT_LIMIT): Promise<OutboxStatus> {
    const outbox = qualified(this.#names, 'outbox');
    const [row] = await runReusable(
      this.#db,
      sql`with head as (select id, created_at from ${outbox} order by id limit 1)
        select (select count(*) from (select 1 from ${outbox} limit ${sql.raw(String(whole(countLimit) + 1))}) s)::int as counted,
          ((select max(id) from ${outbox}) - (select id from head) + 1)::text as span,
          coalesce(extract(epoch from clock_timestamp() - (select created_at from head)) * 1000, 0)::float8 as age`,
    );
    const counted = Number(row?.counted ?? 0);
    const exact = counted <= countLimit;
    return {
      pending: exact ? counted : Math.max(counted, Number(row?.span ?? counted)),
      exact,
      oldestAgeMs: Math.max(0, Number(row?.age ?? 0)),
    };
  }

  async nextEpoch(): Promise<number> {
    const [row] = await runReusable(
      this.#db,
      sql`select nextval(${quoteQualified(this.#names.schema, this.#names.epoch)}::regclass)::text as epoch`,
    );
    return Number(row?.epoch);
  }
}

/** The statement of `OutboxStore.readBatch` (exported for plan tests). */
export function readBatchQuery(names: OutboxNames, limit: number, skipTables: readonly string[] = []): SQL {
  const outbox = qualified(names, 'outbox');
  // Two statement texts (two prepared plans): the usual one must keep its plain primary-key index scan.
  const skip =
    skipTables.length === 0 ? sql`` : sql`where table_name <> all(${textArray(skipTables)}::text[])`;
  // The limit is part of the text, not a parameter: a generic plan guessing it would scan the whole outbox.
  return sql`with head as (select id, tx_id from ${outbox} ${skip} order by id limit ${sql.raw(String(whole(limit)))})
    select o.id::text as id, o.tx_id::text as tx_id, o.table_name, o.op, o.entity_key, o.row_data::text as row_data
    from ${outbox} o
    where o.tx_id in (select tx_id from head)
    order by o.id`;
}

function whole(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a positive integer, got ${n}`);
  return n;
}

/** A PostgreSQL text-array literal (every element quoted). */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
