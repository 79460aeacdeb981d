import { upsertJsonRowsSql } from '../catalog/pair-sql.js';
import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import { columnList, type KeyText, sliceWhere, textSelectList } from '../sql/table-sql.js';
import type { ChunkCopier, ChunkOutcome } from './chunk-copier.js';

/**
 * Keyset pages of `batchSize` rows read in text form (`WHERE key > last ORDER BY key LIMIT n`, never OFFSET),
 * sent to the target as one JSON parameter and upserted. Works on every driver.
 */
export function batchCopier(source: SqlEndpoint, pair: TablePair, batchSize: number): ChunkCopier {
  const read = (where: string) =>
    `SELECT ${textSelectList(pair.columns, 'src.')} FROM ${pair.source.sqlName} AS src ${where}
     ORDER BY ${columnList(pair.key, 'src.')} LIMIT ${batchSize}`;
  const write = upsertJsonRowsSql(pair);
  return {
    strategy: 'batch',
    chunkRows: batchSize,
    async copyChunk(slice, runTargetTx, commit) {
      const where = sliceWhere(pair.key, pair.sourceColumns, slice);
      const rows = await source.transaction((tx) => tx.values(read(where.sql), where.params), {
        readOnly: true,
      });
      const final = rows.at(-1);
      const lastKey: KeyText | undefined = final && pair.keyIndexes.map((i) => final[i] as string);
      return runTargetTx(async (tx) => {
        const rowsWritten = rows.length === 0 ? 0 : await tx.execute(write, [JSON.stringify(rows)]);
        const outcome: ChunkOutcome = { rowsRead: rows.length, rowsWritten, lastKey };
        await commit(tx, outcome);
        return outcome;
      });
    },
  };
}
