import { quoteIdentifier } from '@multidb/config';
import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint, SqlTx } from '../endpoint/sql-endpoint.js';

/**
 * After a copy, moves each owned sequence (serial or identity) of the target table to at least the source
 * sequence's position and the target column's maximum, so inserts on the backup do not collide with copied rows.
 * Never moves a sequence backwards.
 */
export async function fixSequences(source: SqlEndpoint, pair: TablePair, tx: SqlTx): Promise<number> {
  let fixed = 0;
  for (const column of pair.columns) {
    if (column.sequence === undefined) continue;
    const sourceSequence = pair.sourceColumns.find((c) => c.name === column.name)?.sequence;
    const [position] = sourceSequence
      ? await source.rows<{ value: string | null }>(
          `SELECT pg_sequence_last_value($1::regclass)::text AS value`,
          [sourceSequence],
        )
      : [];
    const updated = await tx.rows(
      `SELECT setval($1::regclass, v::int8, true) FROM (
         SELECT GREATEST($2::numeric, max(${quoteIdentifier(column.name)})::numeric,
           pg_sequence_last_value($1::regclass)::numeric) AS v
         FROM ${pair.target.sqlName}) AS m
       WHERE v IS NOT NULL`,
      [column.sequence, position?.value ?? null],
    );
    fixed += updated.length;
  }
  return fixed;
}
