import { MultiDbError, quoteLiteral } from '@multidb/config';
import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint, SqlTx } from '../endpoint/sql-endpoint.js';
import { columnList, type KeySlice, sliceWhere, sliceWhereLiteral, upsertSql } from '../sql/table-sql.js';
import type { ChunkCopier, ChunkOutcome } from './chunk-copier.js';
import { type PumpedCopy, pumpCopy } from './copy-text.js';

const STAGE = 'pg_temp.multidb_sync_stage';

/** The transaction's COPY streams; a typed error on a driver without them. */
export function copyStreams(tx: SqlTx) {
  const { copyTo, copyFrom } = tx;
  if (!copyTo || !copyFrom) throw new MultiDbError('CopyUnsupported', 'this driver has no COPY streams');
  return { copyTo, copyFrom };
}

export interface CopyCopierOptions {
  readonly chunkRows: number;
  /**
   * COPY straight into the target table when it has no row in the chunk's slice (a first copy): no staging,
   * no conflicts possible. Off inside a shared transaction, where a failed attempt could not be retried.
   */
  readonly direct: boolean;
}

/**
 * Real Postgres on both sides: `COPY (SELECT ... ORDER BY key LIMIT n) TO STDOUT` streamed into
 * `COPY ... FROM STDIN` on the target (text format, fixed session settings on both sides), into a temp staging
 * table followed by one `INSERT ... SELECT ... ON CONFLICT`, or straight into the table on a first copy.
 */
export function copyCopier(source: SqlEndpoint, pair: TablePair, options: CopyCopierOptions): ChunkCopier {
  const names = pair.columns.map((c) => c.name);
  const cols = columnList(names);
  const target = pair.target.sqlName;
  const merge = upsertSql(target, pair.columns, pair.key, pair.identity, `SELECT ${cols} FROM ${STAGE}`);
  const sourceQuery = (slice: KeySlice) => {
    const where = sliceWhereLiteral(pair.key, pair.sourceColumns, slice, quoteLiteral);
    return `COPY (SELECT ${columnList(names, 'src.')} FROM ${pair.source.sqlName} AS src ${where}
      ORDER BY ${columnList(pair.key, 'src.')} LIMIT ${options.chunkRows}) TO STDOUT`;
  };
  const targetEmpty = async (tx: SqlTx, slice: KeySlice): Promise<boolean> => {
    const where = sliceWhere(pair.key, pair.columns, slice);
    const [row] = await tx.rows<{ taken: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${target} ${where.sql}) AS taken`,
      where.params,
    );
    return row?.taken === false;
  };

  const attempt = async (tx: SqlTx, slice: KeySlice, direct: boolean) => {
    // A backup copy can lose its last commits in a crash without harm: each checkpoint commits with its rows.
    await tx.execute('SET LOCAL synchronous_commit = off');
    if (!direct)
      await tx.execute(
        `CREATE TEMP TABLE multidb_sync_stage ON COMMIT DROP AS SELECT ${cols} FROM ${target} WITH NO DATA`,
      );
    const sink = await copyStreams(tx).copyFrom(`COPY ${direct ? target : STAGE} (${cols}) FROM STDIN`);
    const tracker: PumpedCopy = await source.transaction(
      async (stx) => pumpCopy(await copyStreams(stx).copyTo(sourceQuery(slice)), sink),
      { readOnly: true },
    );
    let rowsWritten = tracker.rows;
    if (!direct) {
      rowsWritten = tracker.rows === 0 ? 0 : await tx.execute(merge);
      await tx.execute(`DROP TABLE ${STAGE}`);
    }
    return { rowsRead: tracker.rows, rowsWritten, lastKey: tracker.lastFields(pair.keyIndexes) };
  };

  return {
    strategy: 'copy',
    chunkRows: options.chunkRows,
    async copyChunk(slice, runTargetTx, commit) {
      const run = (allowDirect: boolean) =>
        runTargetTx(async (tx) => {
          const direct = allowDirect && (await targetEmpty(tx, slice));
          const outcome: ChunkOutcome = await attempt(tx, slice, direct);
          await commit(tx, outcome);
          return { outcome, direct };
        });
      try {
        return (await run(options.direct)).outcome;
      } catch (error) {
        // A row appeared in the range meanwhile (a concurrent writer): redo this chunk through staging.
        if (!options.direct || (error as { code?: string }).code !== '23505') throw error;
        return (await run(false)).outcome;
      }
    },
  };
}
