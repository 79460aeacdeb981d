import { upsertJsonRowsSql } from '../catalog/pair-sql.js';
import type { TablePair } from '../catalog/table-pair.js';
import type { SqlEndpoint } from '../endpoint/sql-endpoint.js';
import { type KeyText, keyInJson, textSelectList } from '../sql/table-sql.js';
import type { KeyedDifference } from './row-diff.js';

const keysOf = (differences: readonly KeyedDifference[]) =>
  differences.map((d) => JSON.parse(d.key) as KeyText);

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/**
 * Upserts the missing and changed rows from the source (the same idempotent upsert as the sync), in batches,
 * each in a target transaction with deferrable constraints deferred. Rows gone from the source meanwhile are left
 * for the verification to report.
 */
export async function upsertFromSource(
  source: SqlEndpoint,
  target: SqlEndpoint,
  pair: TablePair,
  differences: readonly KeyedDifference[],
  batchSize: number,
): Promise<number> {
  const read = `SELECT ${textSelectList(pair.columns, 'src.')} FROM ${pair.source.sqlName} AS src
    WHERE ${keyInJson(pair.key, pair.sourceColumns, 1)}`;
  const write = upsertJsonRowsSql(pair);
  let written = 0;
  for (const keys of batches(keysOf(differences.filter((d) => d.kind !== 'extra')), batchSize)) {
    const rows = await source.transaction((tx) => tx.values(read, [JSON.stringify(keys)]), {
      readOnly: true,
    });
    if (rows.length === 0) continue;
    written += await target.transaction(async (tx) => {
      await tx.execute('SET CONSTRAINTS ALL DEFERRED');
      return tx.execute(write, [JSON.stringify(rows)]);
    });
  }
  return written;
}

/** Deletes the target's extra rows by key, in batches. */
export async function deleteExtra(
  target: SqlEndpoint,
  pair: TablePair,
  differences: readonly KeyedDifference[],
  batchSize: number,
): Promise<number> {
  const remove = `DELETE FROM ${pair.target.sqlName} WHERE ${keyInJson(pair.key, pair.columns, 1)}`;
  let deleted = 0;
  for (const keys of batches(keysOf(differences.filter((d) => d.kind === 'extra')), batchSize)) {
    deleted += await target.transaction(async (tx) => {
      await tx.execute('SET CONSTRAINTS ALL DEFERRED');
      return tx.execute(remove, [JSON.stringify(keys)]);
    });
  }
  return deleted;
}
