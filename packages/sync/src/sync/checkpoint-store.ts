import type { SqlEndpoint, SqlTx } from '../endpoint/sql-endpoint.js';
import type { KeyText } from '../sql/table-sql.js';

/** Where an unfinished run stopped in one lane (a key slice copied on its own) of one table. */
export interface Checkpoint {
  readonly tableId: string;
  readonly lane: number;
  readonly keyColumns: readonly string[];
  /** The lane's key slice: from `lower` (inclusive) to `upper` (exclusive); `null` is open. */
  readonly lower: KeyText | null;
  readonly upper: KeyText | null;
  /** The last key copied (committed together with its rows); `null` before the first chunk. */
  readonly lastKey: KeyText | null;
  readonly rowsCopied: number;
  readonly done: boolean;
}

export const CHECKPOINT_TABLE = 'multidb_sync.checkpoint';

const CREATE = `CREATE SCHEMA IF NOT EXISTS multidb_sync;
CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
  table_id text NOT NULL,
  lane int NOT NULL,
  key_columns jsonb NOT NULL,
  lane_lower jsonb,
  lane_upper jsonb,
  last_key jsonb,
  rows_copied bigint NOT NULL DEFAULT 0,
  done boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_id, lane)
)`;

/**
 * Resume state on the target, written in the same transaction as the rows it describes, so it can never claim
 * rows that did not commit. A run that finishes clears its rows; a run that stops leaves them for the next one.
 */
export class CheckpointStore {
  readonly #target: SqlEndpoint;

  constructor(target: SqlEndpoint) {
    this.#target = target;
  }

  async #exists(): Promise<boolean> {
    const [row] = await this.#target.rows<{ found: boolean }>(
      `SELECT to_regclass('${CHECKPOINT_TABLE}') IS NOT NULL AS found`,
    );
    return row?.found === true;
  }

  /** Creates the table when missing (a role that may only write into an existing one is enough after that). */
  async ensure(): Promise<void> {
    if (await this.#exists()) return;
    await this.#target.transaction(async (tx) => {
      for (const statement of CREATE.split(';\n')) await tx.execute(statement);
    });
  }

  /** Every lane checkpoint, by table id, in lane order. */
  async load(): Promise<Map<string, Checkpoint[]>> {
    if (!(await this.#exists())) return new Map();
    const rows = await this.#target.rows<{ json: string }>(
      `SELECT json_build_object('tableId', table_id, 'lane', lane, 'keyColumns', key_columns,
         'lower', lane_lower, 'upper', lane_upper, 'lastKey', last_key, 'rowsCopied', rows_copied,
         'done', done)::text AS json
       FROM ${CHECKPOINT_TABLE} ORDER BY table_id, lane`,
    );
    const byTable = new Map<string, Checkpoint[]>();
    for (const row of rows) {
      const checkpoint = JSON.parse(row.json) as Checkpoint;
      byTable.set(checkpoint.tableId, [...(byTable.get(checkpoint.tableId) ?? []), checkpoint]);
    }
    return byTable;
  }

  save(tx: SqlTx, checkpoint: Checkpoint): Promise<number> {
    return tx.execute(
      `INSERT INTO ${CHECKPOINT_TABLE} AS c
         (table_id, lane, key_columns, lane_lower, lane_upper, last_key, rows_copied, done, updated_at)
       VALUES ($1, $2::int, $3::text::jsonb, $4::text::jsonb, $5::text::jsonb, $6::text::jsonb, $7::int8, $8::boolean, now())
       ON CONFLICT (table_id, lane) DO UPDATE SET key_columns = EXCLUDED.key_columns,
         lane_lower = EXCLUDED.lane_lower, lane_upper = EXCLUDED.lane_upper, last_key = EXCLUDED.last_key,
         rows_copied = EXCLUDED.rows_copied, done = EXCLUDED.done, updated_at = now()`,
      [
        checkpoint.tableId,
        String(checkpoint.lane),
        JSON.stringify(checkpoint.keyColumns),
        JSON.stringify(checkpoint.lower),
        JSON.stringify(checkpoint.upper),
        JSON.stringify(checkpoint.lastKey),
        String(checkpoint.rowsCopied),
        String(checkpoint.done),
      ],
    );
  }

  /** Forgets the given tables' checkpoints (a finished run), or lanes of a plan that no longer applies. */
  async clear(tableIds: readonly string[], tx?: SqlTx): Promise<void> {
    const remove = (t: SqlTx) =>
      t.execute(
        `DELETE FROM ${CHECKPOINT_TABLE} WHERE table_id IN (SELECT json_array_elements_text($1::text::json))`,
        [JSON.stringify(tableIds)],
      );
    if (tx) await remove(tx);
    else await this.#target.transaction(remove);
  }
}
