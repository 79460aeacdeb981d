import { jsonRowSelect, upsertSql } from '../sql/table-sql.js';
import type { TablePair } from './table-pair.js';

/** The idempotent upsert of a table pair fed with rows as one JSON array of text arrays (`$1`). */
export function upsertJsonRowsSql(pair: TablePair): string {
  return upsertSql(
    pair.target.sqlName,
    pair.columns,
    pair.key,
    pair.identity,
    `SELECT ${jsonRowSelect(pair.columns)} FROM json_array_elements($1::text::json) AS r`,
  );
}
