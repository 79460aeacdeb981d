import type { AnyPgDatabase } from '@multidb/config';
import { sql } from 'drizzle-orm';
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
  readonly pending: number;
  readonly oldestAgeMs: number;
}

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
   */
  async readBatch(limit: number): Promise<OutboxEntry[]> {
    const outbox = qualified(this.#names, 'outbox');
    const rows = await runReusable(
      this.#db,
      sql`with head as (select id, tx_id from ${outbox} order by id limit ${limit})
        select o.id::text as id, o.tx_id::text as tx_id, o.table_name, o.op, o.entity_key, o.row_data::text as row_data
        from ${outbox} o
        where o.id in (select id from head) or o.tx_id in (select tx_id from head)
        order by o.id`,
    );
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

  async status(): Promise<OutboxStatus> {
    const [row] = await runReusable(
      this.#db,
      sql`select count(*)::int as pending,
        coalesce(extract(epoch from clock_timestamp() - min(created_at)) * 1000, 0)::float8 as age
        from ${qualified(this.#names, 'outbox')}`,
    );
    return { pending: Number(row?.pending ?? 0), oldestAgeMs: Math.max(0, Number(row?.age ?? 0)) };
  }

  async nextEpoch(): Promise<number> {
    const [row] = await runReusable(
      this.#db,
      sql`select nextval(${`"${this.#names.schema}"."${this.#names.epoch}"`}::regclass)::text as epoch`,
    );
    return Number(row?.epoch);
  }
}
