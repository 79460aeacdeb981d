import { rowExpression } from './table-sql.js';

/** How a checksum hashes each row; rows themselves are always compared by md5. */
export type RowChecksum = 'hashtext' | 'md5';

/**
 * The per-row value summed by checksums: PostgreSQL's 64-bit text hash of the row text (the hash-partitioning
 * hash, about twice as fast as md5 here), or a 60-bit slice of md5. A sum (not xor) of them over a set of rows,
 * with the count, is a multiset checksum: independent of row order, and equal rows count once each.
 */
export function rowHashSql(columns: readonly string[], alias: string, checksum: RowChecksum): string {
  const text = `${rowExpression(columns, alias)}::text`;
  return checksum === 'md5'
    ? `('x' || substr(md5(${text}), 18))::bit(60)::bigint`
    : `hashtextextended(${text}, 0)`;
}

/** `count, sum` of the row hashes of a whole table (numeric sum: no overflow at any size). */
export function wholeTableChecksumSql(
  sqlName: string,
  columns: readonly string[],
  checksum: RowChecksum,
): string {
  return `SELECT count(*)::text, coalesce(sum(${rowHashSql(columns, 'src.', checksum)}), 0)::text
    FROM ${sqlName} AS src`;
}
