import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint, SqlTx } from '../endpoint/sql-endpoint.js';
import { type RowChecksum, wholeTableChecksumSql } from '../sql/row-hash.js';
import { columnList, jsonRowSelect, textSelectList } from '../sql/table-sql.js';
import type { TargetTxRunner } from './chunk-copier.js';
import { copyStreams } from './copy-copier.js';
import { pumpCopy } from './copy-text.js';
import { fixSequences } from './sequence-fixup.js';

/** Row count and multiset checksum (sum of per-row hashes) of a whole table. */
export interface TableChecksum {
  readonly count: number;
  readonly sum: string;
}

export interface WholeTableCopy {
  readonly source: SqlEndpoint;
  /** Checksums are read on the target outside the copy's transaction. */
  readonly target: SqlEndpoint;
  readonly pair: TablePair;
  readonly runTargetTx: TargetTxRunner;
  /** COPY streams (both sides real Postgres) or row batches of `batchSize` through a cursor. */
  readonly useCopy: boolean;
  readonly batchSize: number;
  /**
   * Another table's foreign key references this one on the target: emptied with DELETE (TRUNCATE would refuse),
   * which also rules out `COPY … FREEZE`.
   */
  readonly referenced: boolean;
  readonly onRows?: ((rows: number) => void) | undefined;
}

export interface WholeTableResult {
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly sequencesFixed: number;
  /** Count and checksum were equal already: nothing was written. */
  readonly unchanged: boolean;
}

const CURSOR = 'multidb_sync_whole';

async function checksum(
  endpoint: SqlEndpoint,
  pair: TablePair,
  side: 'source' | 'target',
  hash: RowChecksum,
): Promise<TableChecksum> {
  const names = pair.columns.map((c) => c.name);
  const [row] = await endpoint.transaction(
    (tx) => tx.values(wholeTableChecksumSql(pair[side].sqlName, names, hash)),
    { readOnly: true },
  );
  return { count: Number(row?.[0] ?? 0), sum: String(row?.[1] ?? '0') };
}

const sameChecksum = (a: TableChecksum, b: TableChecksum) => a.count === b.count && a.sum === b.sum;

/**
 * Empties the target table: TRUNCATE (then COPY may FREEZE), or DELETE when another table references it or the
 * role may not truncate it.
 */
async function empty(tx: SqlTx, pair: TablePair, referenced: boolean): Promise<boolean> {
  const [grant] = await tx.rows<{ may: boolean }>(
    `SELECT has_table_privilege(to_regclass($1), 'TRUNCATE') AS may`,
    [pair.target.sqlName],
  );
  if (referenced || grant?.may !== true) {
    await tx.execute(`DELETE FROM ${pair.target.sqlName}`);
    return false;
  }
  // ONLY: inheritance children are tables of their own; a partitioned parent empties its partitions.
  await tx.execute(`TRUNCATE ${pair.target.partitioned ? '' : 'ONLY '}${pair.target.sqlName}`);
  return !pair.target.partitioned;
}

async function copyStreamsInto(copy: WholeTableCopy, tx: SqlTx, freeze: boolean): Promise<number> {
  const { pair } = copy;
  const cols = columnList(pair.columns.map((c) => c.name));
  // Rows written into a table emptied by this transaction can be frozen at once (pgcopydb does the same): no
  // hint-bit writes and no anti-wraparound vacuum of the whole table later.
  const sink = await copyStreams(tx).copyFrom(
    `COPY ${pair.target.sqlName} (${cols}) FROM STDIN${freeze ? ' WITH (FREEZE)' : ''}`,
  );
  const pumped = await copy.source.transaction(
    async (stx) =>
      pumpCopy(
        await copyStreams(stx).copyTo(
          `COPY (SELECT ${columnList(
            pair.sourceColumns.map((c) => c.name),
            'src.',
          )} FROM ${pair.source.sqlName} AS src) TO STDOUT`,
        ),
        sink,
        copy.onRows,
      ),
    { readOnly: true },
  );
  return pumped.rows;
}

async function batchesInto(copy: WholeTableCopy, tx: SqlTx): Promise<number> {
  const { pair } = copy;
  const overriding = pair.identity ? ' OVERRIDING SYSTEM VALUE' : '';
  const insert = `INSERT INTO ${pair.target.sqlName} (${columnList(pair.columns.map((c) => c.name))})${overriding}
    SELECT ${jsonRowSelect(pair.columns)} FROM json_array_elements($1::text::json) AS r`;
  return copy.source.transaction(
    async (stx) => {
      // One snapshot for the whole table, read a batch at a time: memory stays bounded by `batchSize`.
      await stx.execute(
        `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${textSelectList(pair.sourceColumns, 'src.')}
         FROM ${pair.source.sqlName} AS src`,
      );
      let rows = 0;
      for (;;) {
        const batch = await stx.values(`FETCH ${copy.batchSize} FROM ${CURSOR}`);
        if (batch.length === 0) return rows;
        await tx.execute(insert, [JSON.stringify(batch)]);
        rows += batch.length;
        copy.onRows?.(rows);
      }
    },
    { readOnly: true },
  );
}

/**
 * Copies a table without a usable key whole, in one target transaction: empty the table, copy every row, move
 * its sequences; a failure leaves the target as it was. Skipped when both sides already have the same row count
 * and multiset checksum, so a re-run writes nothing (an empty source over an empty target writes nothing either).
 */
export async function copyWholeTable(copy: WholeTableCopy): Promise<WholeTableResult> {
  // An empty target (a first copy) is filled without scanning the source twice.
  const onTarget = await checksum(copy.target, copy.pair, 'target', 'hashtext');
  if (onTarget.count > 0) {
    const onSource = await checksum(copy.source, copy.pair, 'source', 'hashtext');
    if (sameChecksum(onSource, onTarget))
      return { rowsRead: onSource.count, rowsWritten: 0, sequencesFixed: 0, unchanged: true };
  }
  return copy.runTargetTx(async (tx) => {
    await tx.execute('SET LOCAL synchronous_commit = off');
    const truncated = await empty(tx, copy.pair, copy.referenced);
    const rows = copy.useCopy ? await copyStreamsInto(copy, tx, truncated) : await batchesInto(copy, tx);
    const sequencesFixed = await fixSequences(copy.source, copy.pair, tx);
    return { rowsRead: rows, rowsWritten: rows, sequencesFixed, unchanged: false };
  });
}
